import { registry } from "@web/core/registry";

// A dispatcher's day in Russian: open tomorrow's plan, fill it, note the calls, make the
// quotations, print the route sheet. The checks read the plan itself, never a notification: a message may come
// after the fill and after Create Quotations without changing the steps.
// rows found by their address: it stays text while the row is edited
const BLUE = ".o_field_widget[name=line_ids] .o_data_row:has(td[name=address_text]:contains(Баумана))";
const GREEN = ".o_field_widget[name=line_ids] .o_data_row:has(td[name=address_text]:contains(Пушкина))";

registry.category("web_tour.tours").add("partner_lifecycle_planning_day_tour", {
    steps: () => [
        {
            content: "Open tomorrow's plan",
            trigger: ".o_list_view .o_data_row:contains(Завтра) td.o_data_cell[name=name]",
            run: "click",
        },
        {
            content: "Fill the plan",
            trigger: ".o_form_view button[name=action_fill]:contains(Заполнить)",
            run: "click",
        },
        {
            content: "The address column reads the street and the town, not the client's name",
            trigger: `${BLUE} td[name=address_text]:contains(ул. Баумана, 12, Казань)`,
        },
        {
            content: "Bottles read as a whole number",
            trigger: `${BLUE} td[name=quantity]:contains(2):not(:contains(,))`,
        },
        {
            content: "The status reads as a badge in the colour of its status",
            trigger: `${BLUE} td[name=status_id] .o_lifecycle_status_badge.o_lifecycle_color_10`,
        },
        {
            content: "The first client ordered",
            trigger: `${BLUE} td[name=call_result]`,
            run: "click",
        },
        {
            content: "Choose Ordered",
            trigger: `${BLUE}.o_selected_row td[name=call_result] select`,
            run: "selectByLabel Заказал",
        },
        {
            content: "The second client refused",
            trigger: `${GREEN} td[name=call_result]`,
            run: "click",
        },
        {
            content: "Choose Refused",
            trigger: `${GREEN}.o_selected_row td[name=call_result] select`,
            run: "selectByLabel Отказ",
        },
        {
            content: "Make the quotations of the clients who ordered",
            trigger: ".o_form_view button[name=action_create_orders]:contains(Сформировать заказы)",
            run: "click",
        },
        {
            content: "The plan counts one quotation",
            trigger: ".o_form_view .oe_stat_button[name=action_view_orders] .o_stat_value:contains(1)",
        },
        {
            content: "The client who ordered has its quotation on its line",
            trigger: `${BLUE} td[name=order_id]:contains(S)`,
        },
        {
            content: "The client who refused has none",
            trigger: `${GREEN} td[name=order_id]:empty`,
        },
        {
            content: "Print the route sheet for the driver",
            trigger: ".o_form_view button[name=action_print_route_sheet]:contains(Маршрутный лист)",
            run: "click",
        },
        {
            // the print starts with a call to the server, then blocks the screen while the
            // PDF downloads: give the call time to come back before the next check
            content: "Let the print start",
            trigger: "body",
            run: () => new Promise((resolve) => setTimeout(resolve, 2000)),
        },
        {
            // downloaded as PDF (a step waits while the screen is blocked), or shown in the
            // browser where no PDF renderer is installed
            content: "The route sheet is printed without an error",
            trigger: "body:not(:has(.o_error_dialog)):has(.o_form_view, .o_action iframe)",
        },
    ],
});
