from datetime import date, timedelta
from statistics import median

from odoo.tests import freeze_time, new_test_user, tagged

from ..hooks import post_init_hook
from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


def ago(days):
    return TODAY - timedelta(days=days)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestReports(LifecycleCommon):
    """The funnel, the sleeping flows and the cohorts, on clients with a known history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Funnel = cls.env["partner.lifecycle.report.funnel"]
        cls.Flow = cls.env["partner.lifecycle.report.flow"]
        cls.Cohort = cls.env["partner.lifecycle.report.cohort"]
        cls.other_salesman = new_test_user(
            cls.env, login="lc_other_salesman", groups="sales_team.group_sale_salesman"
        )

    def _funnel_clients(self, **values):
        """Five clients new on 1 January: four reach Working, three Permanent."""
        new, working, permanent = self.status_new, self.status_working, self.status_permanent
        start = date(2026, 1, 1)

        def day(days):
            return start + timedelta(days=days)

        steps = {
            "A": [(start, new), (day(10), working), (day(40), permanent)],
            "B": [(start, new), (day(20), working), (day(90), permanent)],
            "C": [(start, new), (day(40), working), (day(50), permanent)],
            "D": [(start, new), (day(60), working)],
            "E": [(start, new)],
        }
        return {
            name: self._set_history(self._client(f"Funnel {name}", **values), rows)
            for name, rows in steps.items()
        }

    def _funnel_figures(self, domain, groupby=()):
        """The funnel's measures as the pivot asks for them (each field's own aggregator)."""
        measures = [
            "working_count",
            "permanent_count",
            "working_rate",
            "permanent_rate",
            "days_to_working",
            "days_to_working_median",
            "days_to_permanent",
            "days_to_permanent_median",
        ]
        aggregators = self.Funnel.fields_get(measures, ["aggregator"])
        specs = [f"{name}:{aggregators[name]['aggregator']}" for name in measures]
        return self.Funnel.read_group(domain, specs, list(groupby), lazy=False)

    # ------------------------------------------------------------------ funnel
    def test_funnel_counts_rates_and_medians(self):
        """Five new clients: 4 reach Working (80 %), 3 of those Permanent (75 %), exact medians
        of the days from entering New."""
        clients = self._funnel_clients()
        ids = [client.id for client in clients.values()]
        [figures] = self._funnel_figures([("partner_id", "in", ids)])
        self.assertEqual(figures["__count"], 5)
        self.assertEqual(figures["working_count"], 4)
        self.assertEqual(figures["permanent_count"], 3)
        self.assertAlmostEqual(figures["working_rate"], 0.8)
        self.assertAlmostEqual(figures["permanent_rate"], 0.75)
        self.assertAlmostEqual(figures["days_to_working"], 32.5)
        self.assertEqual(figures["days_to_working_median"], median([10, 20, 40, 60]))
        self.assertEqual(figures["days_to_working_median"], 30)
        self.assertAlmostEqual(figures["days_to_permanent"], (40 + 90 + 50) / 3)
        self.assertEqual(figures["days_to_permanent_median"], 50)
        row = self.Funnel.search([("partner_id", "=", clients["A"].id)])
        self.assertEqual(
            (row.date_new, row.date_working, row.date_permanent),
            (date(2026, 1, 1), date(2026, 1, 11), date(2026, 2, 10)),
        )

    def test_funnel_median_per_group(self):
        """Grouped by salesperson, each cell's median is that of its own clients."""
        clients = self._funnel_clients(user_id=self.salesman.id)
        (clients["C"] | clients["D"]).user_id = self.other_salesman
        groups = self._funnel_figures(
            [("partner_id", "in", [c.id for c in clients.values()])], ["user_id"]
        )
        medians = {group["user_id"][0]: group["days_to_working_median"] for group in groups}
        self.assertEqual(medians, {self.salesman.id: median([10, 20]), self.other_salesman.id: 50})
        self.assertEqual(medians[self.salesman.id], 15)

    def test_funnel_starts_at_new_and_counts_archived_clients(self):
        """A client back to New after Working is one funnel row from its first New; archived
        clients count, with the salesperson they have now."""
        client = self._set_history(
            self._client("Back and forth"),
            [
                (ago(50), self.status_new),
                (ago(40), self.status_working),
                (ago(30), self.status_new),
            ],
        )
        client.write({"active": False, "user_id": self.other_salesman.id})
        row = self.Funnel.search([("partner_id", "=", client.id)])
        self.assertEqual((row.date_new, row.date_working), (ago(50), ago(40)))
        self.assertEqual(row.days_to_working, 10)
        self.assertEqual(row.user_id, self.other_salesman)

    # ------------------------------------------------------------------ flows
    def test_flows_per_month_with_a_reactivation(self):
        """Into sleeping and back per month: March 2 asleep; April 1 asleep, 1 reactivated;
        May 1 former while sleeping."""
        working, permanent = self.status_working, self.status_permanent
        sleeping, former = self.status_sleeping, self.status_former
        clients = (
            self._set_history(
                self._client("Comes back"),
                [
                    (date(2026, 1, 5), working),
                    (date(2026, 3, 10), sleeping),
                    (date(2026, 4, 15), working),
                ],
            )
            | self._set_history(
                self._client("Leaves"),
                [
                    (date(2026, 1, 5), permanent),
                    (date(2026, 3, 31), sleeping),
                    (date(2026, 5, 2), former),
                ],
            )
            | self._set_history(
                self._client("Sleeps"), [(date(2026, 1, 5), working), (date(2026, 4, 1), sleeping)]
            )
        )
        domain = [("partner_id", "in", clients.ids)]
        groups = self.Flow._read_group(
            domain, ["date:month", "direction"], ["__count", "sleeping_change:sum"]
        )
        self.assertEqual(
            [(month, direction, count) for month, direction, count, __ in groups],
            [
                (date(2026, 3, 1), "asleep", 2),
                (date(2026, 4, 1), "asleep", 1),
                (date(2026, 4, 1), "reactivated", 1),
                (date(2026, 5, 1), "former", 1),
            ],
        )
        net = dict(self.Flow._read_group(domain, ["date:month"], ["sleeping_change:sum"]))
        self.assertEqual(
            net,
            {date(2026, 3, 1): 2, date(2026, 4, 1): 0, date(2026, 5, 1): -1},
        )
        back = self.Flow.search([*domain, ("direction", "=", "reactivated")])
        self.assertEqual(
            (back.partner_id.name, back.old_status_id, back.new_status_id),
            ("Comes back", sleeping, working),
        )

    # ------------------------------------------------------------------ cohorts
    def _cohort_client(self, name, first_order, steps):
        client = self._client(name)
        self._order(client, day=first_order)
        self._order(client, day=first_order + timedelta(days=3))
        return self._set_history(client, steps)

    def test_cohort_share_still_active_after_k_months(self):
        """January cohort: 100 % active after 0 and 1 months, 50 % from the month one falls
        asleep (on the month's last day); February cohort: out in April, back in May."""
        new, working, permanent = self.status_new, self.status_working, self.status_permanent
        sleeping = self.status_sleeping
        january = self._cohort_client(
            "Jan sleeps",
            date(2026, 1, 15),
            [(date(2026, 1, 15), new), (date(2026, 1, 20), working), (date(2026, 3, 31), sleeping)],
        ) | self._cohort_client(
            "Jan stays",
            date(2026, 1, 20),
            [
                (date(2026, 1, 20), new),
                (date(2026, 1, 25), working),
                (date(2026, 2, 15), permanent),
            ],
        )
        february = self._cohort_client(
            "Feb returns",
            date(2026, 2, 3),
            [
                (date(2026, 2, 3), new),
                (date(2026, 2, 5), working),
                (date(2026, 4, 1), sleeping),
                (date(2026, 5, 5), working),
            ],
        )
        domain = [("partner_id", "in", (january | february).ids), ("month_index", "<=", 4)]
        groups = self.Cohort._read_group(
            domain, ["cohort_month:month", "month_index"], ["active_rate:avg", "__count"]
        )
        self.assertEqual(
            [(month, k, rate, count) for month, k, rate, count in groups],
            [
                (date(2026, 1, 1), 0, 1.0, 2),
                (date(2026, 1, 1), 1, 1.0, 2),
                (date(2026, 1, 1), 2, 0.5, 2),
                (date(2026, 1, 1), 3, 0.5, 2),
                (date(2026, 1, 1), 4, 0.5, 2),
                (date(2026, 2, 1), 0, 1.0, 1),
                (date(2026, 2, 1), 1, 1.0, 1),
                (date(2026, 2, 1), 2, 0.0, 1),
                (date(2026, 2, 1), 3, 1.0, 1),
                (date(2026, 2, 1), 4, 1.0, 1),
            ],
        )
        row = self.Cohort.search([("partner_id", "=", february.id), ("month_index", "=", 2)])
        self.assertEqual((row.month, row.status_id), (date(2026, 4, 1), sleeping))

    # ------------------------------------------------------------------ who sees what
    def test_company_isolation(self):
        """A salesman of company A sees no report row of a company-B client; one of B does."""
        company_b = self.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        user_b = new_test_user(
            self.env,
            login="lc_salesman_b",
            groups="sales_team.group_sale_salesman",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        client_b = self._client("Client B", company_id=company_b.id)
        self._order(client_b, day=ago(100))
        self._set_history(
            client_b,
            [
                (ago(100), self.status_new),
                (ago(90), self.status_working),
                (ago(60), self.status_sleeping),
            ],
        )
        client_a = self._client("Client A", company_id=self.company.id)
        self._order(client_a, day=ago(100))
        self._set_history(client_a, [(ago(100), self.status_new), (ago(60), self.status_sleeping)])
        for report in (self.Funnel, self.Flow, self.Cohort):
            as_a = report.with_user(self.salesman).search([])
            self.assertNotIn(client_b, as_a.partner_id, report._name)
            self.assertEqual(
                len(as_a),
                report.search_count([("company_id", "in", [False, self.company.id])]),
                report._name,
            )
            self.assertIn(client_a, as_a.partner_id, report._name)
            as_b = report.with_user(user_b).search([])
            self.assertIn(client_b, as_b.partner_id, report._name)
            self.assertNotIn(client_a, as_b.partner_id, report._name)

    def test_salesperson_and_zone_filters(self):
        """Filtering and grouping by the client's salesperson and delivery zone."""
        north, south = self.env["partner.lifecycle.zone"].create(
            [{"name": "North"}, {"name": "South"}]
        )
        clients = self._funnel_clients(user_id=self.salesman.id, lifecycle_zone_id=north.id)
        clients["E"].write({"user_id": self.other_salesman.id, "lifecycle_zone_id": south.id})
        ids = [client.id for client in clients.values()]
        mine = self.Funnel.with_user(self.salesman).search(
            [("partner_id", "in", ids), ("user_id", "=", self.salesman.id)]
        )
        self.assertEqual(len(mine), 4)
        by_zone = dict(
            self.Funnel._read_group([("partner_id", "in", ids)], ["zone_id"], ["working_rate:avg"])
        )
        self.assertEqual(by_zone, {north: 1.0, south: 0.0})

    # ------------------------------------------------------------------ from the orders
    def test_reports_show_the_reconstructed_past(self):
        """Installing rebuilds two years from the orders; the reports show those transitions."""
        client = self._aged_client("Since 2024", [700, 690, 680, 300])
        client.sale_order_ids.picking_ids.date_done = f"{ago(698).isoformat()} 12:00:00"
        client.lifecycle_history_ids.unlink()
        post_init_hook(self.env)
        funnel = self.Funnel.search([("partner_id", "=", client.id)])
        self.assertEqual(
            (funnel.date_new, funnel.date_working, funnel.date_permanent),
            (ago(700), ago(698), ago(680)),
        )
        flows = self.Flow.search([("partner_id", "=", client.id)], order="date")
        self.assertEqual(
            [(row.date, row.direction, row.origin) for row in flows],
            [
                (ago(500), "asleep", "reconstructed"),
                (ago(300), "reactivated", "reconstructed"),
                (ago(120), "asleep", "reconstructed"),
            ],
        )
        cohort = self.Cohort.search([("partner_id", "=", client.id)], order="month_index")
        self.assertEqual(cohort[0].cohort_month, ago(700).replace(day=1))
        self.assertEqual(cohort[0].active_count, 1)
