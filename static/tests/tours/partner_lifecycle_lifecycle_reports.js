import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function openReport(menu, content) {
    return [
        {
            content: "Open the Reporting menu",
            trigger:
                ".o_main_navbar [data-menu-xmlid='partner_lifecycle.partner_lifecycle_report_menu_root_contacts']",
            run: "click",
        },
        {
            content,
            trigger: `.dropdown-item[data-menu-xmlid='partner_lifecycle.${menu}']`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("partner_lifecycle_lifecycle_reports_tour", {
    steps: () => [
        ...stepUtils.goToAppSteps("contacts.menu_contacts", "Open the Contacts app"),
        ...openReport("partner_lifecycle_report_funnel_menu_contacts", "Open the client funnel"),
        {
            content: "The funnel shows the median days between New and Working",
            trigger: ".o_pivot_view .o_pivot th:contains(Days New → Working (Median))",
        },
        {
            content: "The 2019 intake: 3 of 4 clients reached Working, after a median of 20 days",
            trigger: ".o_pivot tr:contains(Q1 2019):has(.o_value:contains(/^75%$/)):has(.o_value:contains(/^20.0$/))",
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
            content: "Switch to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "The list shows a client of the funnel",
            trigger: ".o_list_view .o_data_row:contains(Funnel Tour A)",
        },
        ...openReport("partner_lifecycle_report_flow_menu_contacts", "Open the sleeping flow"),
        {
            content: "The flow counts the clients that fell asleep and came back",
            trigger: ".o_pivot_view .o_pivot th:contains(Fell Asleep)",
        },
        {
            content: "Reactivations have their column",
            trigger: ".o_pivot_view .o_pivot th:contains(Reactivated)",
        },
        ...openReport("partner_lifecycle_report_cohort_menu_contacts", "Open the cohorts"),
        {
            content: "The cohorts show the share still active per month after the first order",
            trigger: ".o_pivot_view .o_pivot th:contains(Share Still Active)",
        },
        {
            content: "January 2019: the client was active after its first month, asleep in November",
            trigger: ".o_pivot tr:contains(January 2019):has(.o_value:contains(/^100%$/)):has(.o_value:contains(/^0%$/))",
        },
        {
            content: "Switch to the graph",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The retention curve is drawn",
            trigger: ".o_graph_view .o_graph_renderer canvas",
        },
    ],
});
