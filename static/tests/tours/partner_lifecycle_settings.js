import { registry } from "@web/core/registry";

const daysInput = "#partner_lifecycle_status_sleeping .o_field_widget[name=lifecycle_sleeping_days] input";

registry.category("web_tour.tours").add("partner_lifecycle_settings_tour", {
    steps: () => [
        {
            content: "Type a negative number of days in the Client Lifecycle block",
            trigger: daysInput,
            run: "edit -5",
        },
        {
            content: "Save the settings",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The value is refused with a message",
            trigger: ".modal .o_error_dialog [role=alert]",
        },
        {
            content: "Close the message",
            trigger: ".modal .o-default-button",
            run: "click",
        },
        {
            content: "Type a valid number of days",
            trigger: `body:not(:has(.modal)) ${daysInput}`,
            run: "edit 90",
        },
        {
            content: "Save the settings again",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "A notification says that the clients are recalculated in the background",
            trigger: ".o_notification:contains(recalculated in the background)",
        },
        {
            content: "The settings are saved and shown again with the new value",
            trigger: `.o-settings-form-view:not(:has(.o_dirty_warning)) ${daysInput}:value(90)`,
        },
    ],
});
