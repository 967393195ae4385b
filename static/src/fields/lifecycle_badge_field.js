import { registry } from "@web/core/registry";
import { BadgeField, badgeField } from "@web/views/fields/badge/badge_field";

/**
 * A badge in the colour of the record it shows: `options="{'color_field': 'x'}"` names an
 * integer field of the same record holding a colour index (0 to 11, as the colour picker
 * of the client statuses sets it). Without a colour the badge keeps its decorations.
 */
export class LifecycleBadgeField extends BadgeField {
    static props = {
        ...BadgeField.props,
        colorField: { type: String, optional: true },
    };

    get classFromDecoration() {
        const { colorField, record } = this.props;
        const color = colorField && record.data[colorField];
        return color ? `o_lifecycle_color_${color}` : super.classFromDecoration;
    }
}

export const lifecycleBadgeField = {
    ...badgeField,
    component: LifecycleBadgeField,
    additionalClasses: ["o_field_badge"], // laid out as Odoo's badges
    extractProps: (fieldInfo, dynamicInfo) => ({
        ...badgeField.extractProps(fieldInfo, dynamicInfo),
        colorField: fieldInfo.options.color_field,
    }),
    fieldDependencies: ({ options }) =>
        options.color_field ? [{ name: options.color_field, type: "integer" }] : [],
};

registry.category("fields").add("lifecycle_badge", lifecycleBadgeField);
