from odoo.tests import HttpCase, new_test_user, tagged

from .test_planning import PlanningCommon
from .test_tours import TOUR_TIMEOUT


@tagged("post_install", "-at_install")
class TestPlanningTour(HttpCase, PlanningCommon):
    """A dispatcher's day in a browser, in Russian (static/tests/tours/), then its end state."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["ir.module.module"]._load_module_terms(["partner_lifecycle"], ["ru_RU"], True)
        cls.dispatcher = new_test_user(
            cls.env,
            login="lc_dispatcher",
            groups="sales_team.group_sale_salesman",
            lang="ru_RU",
            tz="UTC",
        )
        cls.blue = cls._due_client("Синий офис", street="ул. Баумана, 12", city="Казань")
        cls.green = cls._due_client("Зелёный двор", street="ул. Пушкина, 3", city="Казань")
        cls.blue.sale_order_ids.order_line.product_uom_qty = 2
        cls.recalculation._recalculate_partners(cls.blue | cls.green, today=cls.today)
        cls.plan = cls.env["partner.lifecycle.planning"].create(
            {"name": "Завтра", "date_from": cls.tomorrow, "date_to": cls.tomorrow}
        )

    def test_dispatcher_day(self):
        """Open the plan, fill it, one client ordered and one refused, make the quotations,
        print the route sheet."""
        self.start_tour(
            "/odoo/action-partner_lifecycle.partner_lifecycle_planning_action",
            "partner_lifecycle_planning_day_tour",
            login="lc_dispatcher",
            timeout=TOUR_TIMEOUT,
        )
        blue = self._line(self.plan, self.blue)
        green = self._line(self.plan, self.green)
        self.assertEqual((blue.call_result, green.call_result), ("ordered", "refused"))
        self.assertEqual(self.plan.order_count, 1)
        self.assertEqual(green.order_id.id, False)
        order = blue.order_id
        self.assertEqual(
            (order.partner_id, order.state, order.origin), (self.blue, "draft", "Завтра")
        )
        self.assertEqual(
            [(line.product_id, line.product_uom_qty) for line in order.order_line],
            [(self.product, 2.0)],
        )
        self.assertEqual(order.create_uid, self.dispatcher)
