import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("partner_lifecycle_history_report_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("contacts.menu_contacts", "Open the Contacts app"),
        {
            content: "Open the Reporting menu",
            trigger:
                ".o_main_navbar [data-menu-xmlid='partner_lifecycle.partner_lifecycle_report_menu_root_contacts']",
            run: "click",
        },
        {
            content: "Open the report of status changes",
            trigger:
                ".dropdown-item[data-menu-xmlid='partner_lifecycle.partner_lifecycle_history_report_menu_contacts']",
            run: "click",
        },
        {
            content: "The pivot counts the changes by month and new status",
            trigger: ".o_pivot_view .o_pivot th:contains(Permanent)",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
        {
            content: "Each status is drawn in its own colour (Permanent: colour 7, teal)",
            trigger: ".o_graph_view .o_graph_renderer canvas",
            run({ anchor }) {
                const chart = window.Chart.getChart(anchor);
                const colors = Object.fromEntries(
                    chart.data.datasets.map((dataset) => [dataset.label, dataset.backgroundColor])
                );
                if (colors.Permanent !== "#41a9a2") {
                    throw new Error(`Permanent is drawn in ${colors.Permanent}, not #41a9a2`);
                }
            },
        },
        {
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows the change with its origin",
            trigger: ".o_list_view .o_data_row:contains(Aqua Tour Office):contains(By hand)",
        },
    ],
});
