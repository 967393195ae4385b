import random
from collections import Counter
from datetime import date, timedelta

from odoo.tests import tagged

from ..bench import generate, naive
from ..engine import REASON_TEXTS
from .common import LifecycleCommon

TODAY = date(2025, 6, 30)
#: A time zone far from UTC, so that reading order days in the company's zone matters.
TIME_ZONE = "Asia/Vladivostok"

#: Company settings tried one after the other; statuses carry over between them.
SETTINGS = [
    {},
    {
        "lifecycle_frequency_window_days": 365,
        "lifecycle_frequency_max_gap_days": 60,
        "lifecycle_frequency_trim_extremes": True,
        "lifecycle_planning_inactive_days": 90,
        "lifecycle_status_at_risk_id": "partner_lifecycle.status_at_risk",
        "lifecycle_at_risk_factor": 2.5,
    },
    {
        "lifecycle_first_order_trigger": "order",
        "lifecycle_permanent_order_count": 5,
        "lifecycle_sleeping_days": 90,
        "lifecycle_frequency_window_days": 120,
        "lifecycle_frequency_trim_extremes": True,
        "lifecycle_planning_inactive_days": 30,
        "lifecycle_next_order_method": "consumption",
    },
    {
        "lifecycle_permanent_order_count": 1,
        "lifecycle_sleeping_days": 0,
        "lifecycle_frequency_max_gap_days": 21,
    },
]

#: Every field the reference computes: status, status date, figures, hold.
COMPARED = list(naive.WRITTEN_FIELDS)
#: Many2one fields among them, compared by id.
RELATIONAL = ("lifecycle_status_id", "lifecycle_hold_user_id", "lifecycle_error_order_id")


@tagged("post_install", "-at_install")
class TestSetBasedEquivalence(LifecycleCommon):
    """The set-based recalculation gives each client what the engine gives it alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.lifecycle_tz = TIME_ZONE
        cls.recalculation = cls.env["partner.lifecycle.recalculation"]
        summary = generate.generate(
            cls.env, clients=300, seed=7, years=2, today=TODAY, company=cls.company, details=True
        )
        cls.kinds = summary["client_ids"]
        ids = [client_id for kind_ids in cls.kinds.values() for client_id in kind_ids]
        cls.clients = cls.env["res.partner"].browse(sorted(ids))
        cls._vary_starting_statuses()
        cls._mix_products()

    @classmethod
    def _vary_starting_statuses(cls):
        """Start some clients from each automatic status, and without a first delivery."""
        rng = random.Random(3)
        new_clients = cls.env["res.partner"].browse(cls.kinds["new"])
        undelivered, working_undelivered = new_clients[:4], new_clients[4:8]
        (undelivered | working_undelivered).lifecycle_first_delivery_date = False
        working_undelivered.lifecycle_status_id = cls.status_working
        # permanent by a past decision (not held), undelivered: below N they are working
        permanent_undelivered = new_clients[8:12]
        permanent_undelivered._lifecycle_write_system(
            {"lifecycle_status_id": cls.status_permanent.id, "lifecycle_first_delivery_date": False}
        )
        others = cls.env["res.partner"].browse(
            rng.sample(cls.kinds["regular"] + cls.kinds["drifting"] + cls.kinds["sporadic"], 40)
        )
        others[:10].lifecycle_status_id = cls.status_working
        others[10:20].lifecycle_status_id = cls.status_sleeping
        others[20:30].lifecycle_status_id = cls.status_permanent
        others[30:35].lifecycle_status_id = cls.status_former
        others[35:].lifecycle_status_id = False
        for index, client in enumerate(others[:8]):
            # Held by hand: some since fewer orders than they have now, some with a last day.
            count = len(naive.counted_orders(client)) if index % 2 else 0
            client._lifecycle_write_system(
                {
                    "lifecycle_held": True,
                    "lifecycle_hold_order_count": count,
                    "lifecycle_hold_until": (
                        False if index in (1, 5) else TODAY + timedelta(days=index - 4)
                    ),
                }
            )

    @classmethod
    def _mix_products(cls):
        """Give some clients a second product: in every order and in larger quantities (it
        becomes their main product), or in every other order only (it does not)."""
        cooler = cls.env["product.product"].create(
            {"name": "Cooler rental", "type": "service", "list_price": 3.0}
        )
        regular = random.Random(5).sample(cls.kinds["regular"], 10)
        lines = []
        for index, client_id in enumerate(regular):
            orders = cls.env["sale.order"].search(
                [("partner_id", "=", client_id), ("state", "=", "sale")], order="date_order"
            )
            every = index % 2 == 0
            lines += [
                {"order_id": order.id, "product_id": cooler.id, "product_uom_qty": 5 + n % 3}
                for n, order in enumerate(orders)
                if every or n % 2
            ]
        cls.env["sale.order.line"].create(lines)

    def _expected(self):
        """Each client's values computed alone: ORM reads of its facts, then the engine."""
        expected, reasons = {}, Counter()
        for client in self.clients:
            values, decision, _changed = naive.client_values(client, TODAY)
            expected[client.id] = self._normalized(values)
            reasons[decision.reason_code if decision else "unusable_date"] += 1
            if decision:
                reasons.update(entry.reason_code for entry in decision.history)
            reasons[f"method:{values['lifecycle_next_order_method']}"] += 1
        return expected, reasons

    def _normalized(self, values):
        """Values as the ORM reads them back (no value: False, or 0.0 for the average)."""
        result = {name: False if values[name] is None else values[name] for name in COMPARED}
        result["lifecycle_avg_interval_days"] = values["lifecycle_avg_interval_days"] or 0.0
        return result

    def _actual(self):
        self.env.invalidate_all()
        return {
            row["id"]: {
                **{name: row[name] for name in COMPARED},
                **{name: row[name][0] if row[name] else False for name in RELATIONAL},
            }
            for row in self.clients.read(COMPARED)
        }

    def _assert_same(self, expected, actual, label):
        differences = [
            f"{self.env['res.partner'].browse(client_id).ref}: {name} "
            f"expected {values[name]!r}, got {actual[client_id][name]!r}"
            for client_id, values in expected.items()
            for name in COMPARED
            if values[name] != actual[client_id][name]
        ]
        if differences:
            self.fail(f"{label}, {len(differences)} differences:\n" + "\n".join(differences[:20]))

    def test_set_based_equals_engine_per_client(self):
        """Under several settings, each client gets the status and facts of the per-client path."""
        seen = Counter()
        for number, settings in enumerate(SETTINGS):
            self.company.write(
                {
                    key: self.env.ref(value).id if key.endswith("_id") else value
                    for key, value in settings.items()
                }
            )
            expected, reasons = self._expected()
            seen.update(reasons)
            if number == 1:
                # the path of hooks and of the wizard on selected clients, in small batches
                self.patch(type(self.recalculation), "_batch_size", 37)
                self.recalculation._recalculate_partners(self.clients, today=TODAY)
            else:
                self.recalculation._recalculate_company(self.company, today=TODAY)
            self._assert_same(expected, self._actual(), f"settings {number} {settings}")
        # A stored reason is kept while the status stays, so "former_kept" shows only for a
        # former client without one; a reactivation needs a new order (tests/test_card).
        exercised = set(REASON_TEXTS) - {"former_kept", "reactivated"}
        codes = {code for code in seen if not code.startswith("method:")}
        self.assertEqual(codes & exercised, exercised, "every rule of the engine is exercised")
        self.assertGreater(seen["method:consumption"], 0, "next orders by consumption")

    def test_reference_compares_every_written_field(self):
        """Every client field the set-based path writes is one the reference computes."""
        decisions = self.env["partner.lifecycle.decision"]
        self.assertEqual(set(decisions._written_fields()), set(COMPARED))

    def test_second_run_changes_nothing(self):
        """A second recalculation on the same day finds the stored values already right."""
        self.recalculation._recalculate_company(self.company, today=TODAY)
        self.recalculation._recalculate_company(self.company, today=TODAY)
        before = self._actual()
        stats = self.recalculation._recalculate_company(self.company, today=TODAY)
        self.assertEqual(stats["changed"], 0)
        self.assertEqual(self._actual(), before)

    def test_generated_population_is_valid_odoo_data(self):
        """Generated clients, contacts and orders read back through the ORM as the UI shows them."""
        offices = self.env["res.partner"].browse(self.kinds["office"])
        office = offices.filtered("child_ids")[:1]
        self.assertTrue(office.is_company)
        self.assertEqual(office.child_ids.commercial_partner_id, office)
        orders = self.env["sale.order"].search([("partner_id", "child_of", office.id)])
        self.assertTrue(orders)
        self.assertTrue(set(orders.mapped("state")) <= {"sale", "cancel"})
        confirmed = orders.filtered(lambda order: order.state == "sale")[:5]
        for order in confirmed:
            self.assertTrue(order.name)
            self.assertEqual(order.partner_invoice_id, office)
            self.assertEqual(order.amount_total, sum(order.order_line.mapped("price_total")))
