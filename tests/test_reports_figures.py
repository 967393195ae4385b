from datetime import date, datetime

from lxml import etree

from odoo.tests import freeze_time, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestReportFigures(LifecycleCommon):
    """The reports' figures worked out by hand: the funnel's base, the net sleeping flow,
    cohort totals weighted by the cohorts' sizes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Funnel = cls.env["partner.lifecycle.report.funnel"]
        cls.Flow = cls.env["partner.lifecycle.report.flow"]
        cls.Cohort = cls.env["partner.lifecycle.report.cohort"]

    def _created(self, name, moment, steps):
        """A client created at the UTC ``moment`` with the history ``steps`` (none: no row)."""
        client = self._client(name)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id = %s", (moment, client.id)
        )
        client.invalidate_recordset(["create_date"])
        return self._set_history(client, steps)

    # ------------------------------------------------------------------ funnel
    def test_funnel_base_counts_clients_without_orders(self):
        """Four clients enter New in Moscow time, two without an order nor a Working row:
        January 2 of 3 reach Working (6 days on average from creation), February 0 of 1."""
        self.company.lifecycle_tz = "Europe/Moscow"
        new, working, permanent = self.status_new, self.status_working, self.status_permanent
        ordered = self._created(
            "Ordered",
            datetime(2026, 1, 10, 9, 0),
            [(date(2026, 1, 10), new), (date(2026, 1, 20), working), (date(2026, 3, 1), permanent)],
        )
        never = self._created("Never ordered", datetime(2026, 1, 15, 9, 0), [])
        # 22:00 UTC on 31 January is 1 February in Moscow.
        evening = self._created("Created late", datetime(2026, 1, 31, 22, 0), [])
        rebuilt = self._created(
            "Rebuilt from orders",
            datetime(2026, 5, 1, 9, 0),
            [(date(2026, 1, 5), new), (date(2026, 1, 7), working)],
        )
        contact = self._client("Contact of Ordered", parent_id=ordered.id)
        clients = ordered | never | evening | rebuilt | contact
        rows = self.Funnel.search([("partner_id", "in", clients.ids)]).sorted("id")
        self.assertEqual(
            [(row.partner_id, row.date_new, row.date_working) for row in rows],
            [
                (ordered, date(2026, 1, 10), date(2026, 1, 20)),
                (never, date(2026, 1, 15), False),
                (evening, date(2026, 2, 1), False),
                (rebuilt, date(2026, 1, 5), date(2026, 1, 7)),
            ],
        )
        self.assertEqual(rows[0].days_to_permanent, 50)
        specs = [
            "working_count:sum",
            "working_rate:avg",
            "days_to_working:avg",
            "days_to_working_median:median",
        ]
        groups = self.Funnel.read_group(
            [("partner_id", "in", clients.ids)], specs, ["date_new:month"], lazy=False
        )
        figures = [
            (
                group["__count"],
                group["working_count"],
                round(group["working_rate"], 4),
                group["days_to_working"],
                group["days_to_working_median"],
            )
            for group in groups
        ]
        # January: 10 days (Ordered) and 2 days (Rebuilt), one client of three without Working.
        self.assertEqual(figures, [(3, 2, 0.6667, 6.0, 6.0), (1, 0, 0.0, False, False)])
        [total] = self.Funnel.read_group(
            [("partner_id", "in", clients.ids)],
            ["working_rate:avg", "permanent_count:sum", "permanent_rate:avg"],
            [],
            lazy=False,
        )
        self.assertEqual(
            (total["__count"], total["working_rate"], total["permanent_count"]), (4, 0.5, 1)
        )
        self.assertEqual(total["permanent_rate"], 0.5)

    def test_funnel_rate_never_exceeds_one(self):
        """Every client reached Working: the rate is 100 %, not more, whatever the grouping."""
        clients = self.env["res.partner"]
        for index in range(3):
            clients |= self._created(
                f"Quick {index}",
                datetime(2026, 3, 2, 9, 0),
                [
                    (date(2026, 3, 2), self.status_new),
                    (date(2026, 3, 3), self.status_working),
                    (date(2026, 3, 4), self.status_new),
                    (date(2026, 3, 5), self.status_working),
                ],
            )
        [total] = self.Funnel.read_group(
            [("partner_id", "in", clients.ids)],
            ["working_count:sum", "working_rate:avg", "days_to_working:avg"],
            [],
            lazy=False,
        )
        self.assertEqual(
            (total["__count"], total["working_count"], total["working_rate"]), (3, 3, 1.0)
        )
        self.assertEqual(total["days_to_working"], 1.0)

    # ------------------------------------------------------------------ flows
    def test_flow_month_net_change(self):
        """April: two clients fall asleep and one wakes up: net change +1, shown side by side."""
        working, sleeping = self.status_working, self.status_sleeping
        clients = (
            self._set_history(
                self._client("Sleeps A"),
                [(date(2026, 1, 5), working), (date(2026, 4, 3), sleeping)],
            )
            | self._set_history(
                self._client("Sleeps B"),
                [(date(2026, 1, 5), working), (date(2026, 4, 20), sleeping)],
            )
            | self._set_history(
                self._client("Wakes up"),
                [
                    (date(2026, 1, 5), working),
                    (date(2026, 2, 10), sleeping),
                    (date(2026, 4, 8), working),
                ],
            )
        )
        domain = [("partner_id", "in", clients.ids), ("date", ">=", date(2026, 4, 1))]
        by_direction = self.Flow._read_group(
            domain, ["direction"], ["__count", "sleeping_change:sum"]
        )
        self.assertEqual(by_direction, [("asleep", 2, 2), ("reactivated", 1, -1)])
        [(month, net)] = self.Flow._read_group(domain, ["date:month"], ["sleeping_change:sum"])
        self.assertEqual((month, net), (date(2026, 4, 1), 1))

    def test_flow_views_default_to_the_net_change(self):
        """The pivot and the graph open on the net change; the graph's bars are not stacked."""
        pivot = etree.fromstring(self.Flow.get_view(view_type="pivot")["arch"])
        graph = etree.fromstring(self.Flow.get_view(view_type="graph")["arch"])
        for arch in (pivot, graph):
            measures = [node.get("name") for node in arch.xpath("//field[@type='measure']")]
            self.assertEqual(measures, ["sleeping_change"])
        self.assertEqual(pivot.get("display_quantity"), None)
        self.assertEqual(graph.get("stacked"), "0")

    # ------------------------------------------------------------------ cohorts
    def test_cohort_total_weighted_by_size(self):
        """Month 1: January's 3 clients 2 active, February's 1 client active: the total is
        3 of 4 (75 %), not the mean of 67 % and 100 % (83 %)."""
        new, working, sleeping = self.status_new, self.status_working, self.status_sleeping
        clients = self.env["res.partner"]
        for name, first, asleep in (
            ("Jan 1", date(2026, 1, 5), date(2026, 2, 20)),
            ("Jan 2", date(2026, 1, 6), None),
            ("Jan 3", date(2026, 1, 7), None),
            ("Feb 1", date(2026, 2, 5), None),
        ):
            client = self._client(name)
            self._order(client, day=first)
            steps = [(first, new), (first.replace(day=first.day + 1), working)]
            clients |= self._set_history(client, steps + ([(asleep, sleeping)] if asleep else []))
        domain = [("partner_id", "in", clients.ids), ("month_index", "=", 1)]
        cells = self.Cohort._read_group(
            domain, ["cohort_month:month"], ["__count", "active_count:sum", "active_rate:avg"]
        )
        self.assertEqual(
            [(month, count, active, round(rate, 4)) for month, count, active, rate in cells],
            [(date(2026, 1, 1), 3, 2, 0.6667), (date(2026, 2, 1), 1, 1, 1.0)],
        )
        [total] = self.Cohort.read_group(domain, ["active_rate:avg"], [], lazy=False)
        self.assertEqual((total["__count"], total["active_rate"]), (4, 0.75))
