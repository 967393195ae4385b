import { formatDate } from "@web/core/l10n/dates";
import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_lifecycle_status_hold_tour", {
    steps: () => [
        {
            content: "The statusbar shows the current status in its colour",
            trigger: ".o_form_view .o_statusbar_status.o_lifecycle_statusbar_color_4 .o_arrow_button_current",
        },
        {
            content: "The statusbar is read-only and says how to change the status",
            trigger: `.o_form_view .o_statusbar_status.o_lifecycle_statusbar_readonly[data-tooltip="Use Change Status to change the client's status."]:not(:has(.o_arrow_button:enabled))`,
        },
        {
            content: "Open the status change",
            trigger: ".o_form_view .o_statusbar_buttons button:contains(Change Status)",
            run: "click",
        },
        {
            content: "Choose the new status",
            trigger: ".modal .o_field_widget[name=status_id] input",
            run: "edit Permanent",
        },
        {
            content: "Pick it in the list",
            trigger: ".ui-autocomplete .ui-menu-item a:contains(Permanent)",
            run: "click",
        },
        {
            content: "Hold the status for 30 days",
            trigger: ".modal .o_field_widget[name=hold_until] input",
            run: `edit ${formatDate(luxon.DateTime.now().plus({ days: 30 }))}`,
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] input",
            run: "edit Agreed by phone",
        },
        {
            content: "Apply the change",
            trigger: ".modal .modal-footer button[name=action_apply]",
            run: "click",
        },
        {
            content: "A notification says the client moved",
            trigger: ".o_notification:contains(1 client moved to Permanent.)",
        },
        {
            content: "The card shows the new status in its colour",
            trigger: "body:not(:has(.modal)) .o_statusbar_status.o_lifecycle_statusbar_color_7 .o_arrow_button_current:contains(Permanent)",
        },
        {
            content: "Open the Lifecycle tab",
            trigger: ".o_notebook a.nav-link[name=partner_lifecycle]",
            run: "click",
        },
        {
            content: "The hold is shown with its reason",
            trigger: ".o_notebook .alert:contains(Held by hand by):contains(Agreed by phone)",
        },
    ],
});
