import { registry } from "@web/core/registry";
import { FloatField, floatField } from "@web/views/fields/float/float_field";
import { formatInteger } from "@web/views/fields/formatters";

/**
 * A quantity that reads "2", not "2.00", when the record says it is counted in units:
 * `options="{'units_field': 'x'}"` names a boolean field of the same record (true for a
 * whole quantity of a product measured in units). The stored value stays a float.
 */
export class LifecycleQuantityField extends FloatField {
    static props = {
        ...FloatField.props,
        unitsField: { type: String, optional: true },
    };

    get formattedValue() {
        const { unitsField, record } = this.props;
        if (unitsField && record.data[unitsField] && Number.isInteger(this.value)) {
            return formatInteger(this.value);
        }
        return super.formattedValue;
    }
}

export const lifecycleQuantityField = {
    ...floatField,
    component: LifecycleQuantityField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...floatField.extractProps(fieldInfo, dynamicInfo),
        unitsField: fieldInfo.options.units_field,
    }),
    fieldDependencies: ({ options }) =>
        options.units_field ? [{ name: options.units_field, type: "boolean" }] : [],
};

registry.category("fields").add("lifecycle_quantity", lifecycleQuantityField);
