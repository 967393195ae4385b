import { registry } from "@web/core/registry";
import { Many2OneField, many2OneField } from "@web/views/fields/many2one/many2one_field";

/**
 * A client status that can be chosen (a many2one) and, when not edited, reads as a badge
 * in the colour of its status: `options="{'color_field': 'x'}"` names an integer field of
 * the same record holding the colour index (as in lifecycle_badge).
 */
export class LifecycleStatusField extends Many2OneField {
    static template = "partner_lifecycle.LifecycleStatusField";
    static props = {
        ...Many2OneField.props,
        colorField: { type: String, optional: true },
    };

    get badgeClass() {
        const { colorField, record } = this.props;
        const color = colorField && record.data[colorField];
        return color ? `o_lifecycle_color_${color}` : "text-bg-light";
    }
}

export const lifecycleStatusField = {
    ...many2OneField,
    component: LifecycleStatusField,
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...many2OneField.extractProps(fieldInfo, dynamicInfo),
        colorField: fieldInfo.options.color_field,
    }),
    fieldDependencies: ({ options }) =>
        options.color_field ? [{ name: options.color_field, type: "integer" }] : [],
};

registry.category("fields").add("lifecycle_status", lifecycleStatusField);
