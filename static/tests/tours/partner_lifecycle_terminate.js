import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("partner_lifecycle_terminate_tour", {
    steps: () => [
        {
            content: "Open the Actions menu of the client card",
            trigger: ".o_form_view .o_cp_action_menus .dropdown-toggle",
            run: "click",
        },
        {
            content: "On one client's card, the status change reads in the singular",
            trigger: ".o-dropdown--menu:not(:has(.o-dropdown-item:contains(Change Client Status))) .o-dropdown-item:contains(Change Status)",
        },
        {
            content: "Terminate the contract",
            trigger: ".o-dropdown--menu .o-dropdown-item:contains(Terminate Contract)",
            run: "click",
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=reason] textarea",
            run: "edit Moved to another supplier",
        },
        {
            content: "Confirm the termination",
            trigger: ".modal .modal-footer button[name=action_terminate]",
            run: "click",
        },
        {
            content: "A notification confirms the termination",
            trigger: ".o_notification:contains(Contract terminated for 1 client.)",
        },
        {
            content: "The card shows the former status in its colour",
            trigger: "body:not(:has(.modal)) .o_statusbar_status.o_lifecycle_statusbar_color_1 .o_arrow_button_current:contains(Former)",
        },
        {
            content: "Open the Lifecycle tab",
            trigger: ".o_notebook a.nav-link[name=partner_lifecycle]",
            run: "click",
        },
        {
            content: "The termination and its reason are on the card",
            trigger: ".o_field_widget[name=lifecycle_termination_reason]:contains(Moved to another supplier)",
        },
    ],
});
