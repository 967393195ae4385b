import { Domain } from "@web/core/domain";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { getFieldDomain } from "@web/model/relational_model/utils";
import { useSpecialData } from "@web/views/fields/relational_utils";
import { StatusBarField, statusBarField } from "@web/views/fields/statusbar/statusbar_field";

/**
 * The statusbar of a many2one whose records have a `color` (the client statuses): the
 * current step takes the colour of its status. Read-only (the client card), it shows the
 * steps as a path rather than as buttons, and its tooltip says how to change the status.
 */
export class LifecycleStatusBarField extends StatusBarField {
    static template = "partner_lifecycle.LifecycleStatusBarField";

    setup() {
        super.setup();
        if (this.field.type !== "many2one") {
            return;
        }
        // The steps with their colour: the parent reads their names only.
        this.specialData = useSpecialData((orm, props) => {
            const { foldField, name: fieldName, record } = props;
            const { relation } = record.fields[fieldName];
            const fieldNames = ["display_name", "color", ...(foldField ? [foldField] : [])];
            const value = record.data[fieldName];
            let domain = getFieldDomain(record, fieldName, props.domain);
            if (domain.length && value) {
                domain = Domain.or([[["id", "=", value[0]]], domain]).toList(record.evalContext);
            }
            return orm.searchRead(relation, domain, fieldNames);
        });
    }

    /** The classes of the statusbar: the colour of the current status, and the read-only look. */
    get statusbarClass() {
        const value = this.props.record.data[this.props.name];
        const options = this.field.type === "many2one" ? this.specialData.data : [];
        const current = value && options.find((option) => option.id === value[0]);
        const color = current?.color ? `o_lifecycle_statusbar_color_${current.color}` : "";
        return this.props.isDisabled ? `${color} o_lifecycle_statusbar_readonly` : color;
    }

    /** The tooltip of the read-only statusbar: how the status is changed. */
    get readonlyTooltip() {
        return this.props.isDisabled
            ? _t("Use Change Status to change the client's status.")
            : undefined;
    }
}

export const lifecycleStatusBarField = {
    ...statusBarField,
    component: LifecycleStatusBarField,
    additionalClasses: ["o_field_statusbar"],
};

registry.category("fields").add("lifecycle_statusbar", lifecycleStatusBarField);
