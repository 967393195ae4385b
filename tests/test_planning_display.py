from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_planning import PlanningCommon


@tagged("post_install", "-at_install")
class TestPlanningDisplay(PlanningCommon):
    """What a dispatcher reads on a plan's lines: the address, the quantity, the status colour,
    and the call result set in one tap."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.office = cls._due_client(
            "Blue Office", is_company=True, street="Baumana 12", street2="office 4", city="Kazan"
        )
        cls.dock = cls._client(
            "Blue Office, yard", parent_id=cls.office.id, type="delivery", street="Pushkina 3"
        )

    def test_address_is_street_and_town(self):
        """The address column reads the street and the town, not the client's name."""
        plan = self._filled()
        line = self._line(plan, self.office)
        self.assertEqual(line.address_text, "Baumana 12, office 4, Kazan")
        line.delivery_address_id = self.dock
        self.assertEqual(line.address_text, "Pushkina 3")
        self.dock.street = False
        self.assertEqual(line.address_text, False)

    def test_whole_quantity_of_units(self):
        """Bottles counted in units (or no product yet) read as whole numbers; a fraction or
        litres keep decimals."""
        plan = self._filled()
        line = self._line(plan, self.office)
        self.assertEqual((line.product_id, line.quantity), (self.product, 1.0))
        self.assertEqual(line.quantity_in_units, True)
        line.quantity = 2.5
        self.assertEqual(line.quantity_in_units, False)
        litres = self.env["product.product"].create(
            {
                "name": "Water in bulk",
                "type": "consu",
                "uom_id": self.env.ref("uom.product_uom_litre").id,
                "uom_po_id": self.env.ref("uom.product_uom_litre").id,
            }
        )
        line.write({"product_id": litres.id, "quantity": 20.0})
        self.assertEqual(line.quantity, 20.0)
        self.assertEqual(line.quantity_in_units, False)
        line.write({"product_id": False, "quantity": 0.0})
        self.assertEqual(line.quantity_in_units, True)

    def test_status_colour_on_line_and_history(self):
        """The line and the history rows carry the colour of the status directory, at risk
        included."""
        at_risk = self.env.ref("partner_lifecycle.status_at_risk")
        plan = self._filled()
        line = self._line(plan, self.office)
        self.assertEqual(line.status_color, self.office.lifecycle_status_id.color)
        line.status_id = at_risk
        self.assertEqual(
            (self.office.lifecycle_status_id, line.status_color), (at_risk, at_risk.color)
        )
        last = self.office.lifecycle_history_ids[:1]
        self.assertEqual(
            (last.new_status_id, last.new_status_color, last.old_status_color),
            (at_risk, at_risk.color, self.status_working.color),
        )

    def test_call_result_in_one_tap(self):
        """A call result button of the mobile plan sets the line's result; an unknown one and
        a done plan are refused with a message; a plain user cannot set it."""
        plan = self._filled()
        line = self._line(plan, self.office)
        line.with_context(call_result="ordered").action_set_call_result()
        self.assertEqual(line.call_result, "ordered")
        with self.assertRaisesRegex(UserError, "Unknown call result: maybe"):
            line.with_context(call_result="maybe").action_set_call_result()
        self.assertEqual(line.call_result, "ordered")
        with self.assertRaises(AccessError):
            line.with_user(self.plain_user).with_context(
                call_result="refused"
            ).action_set_call_result()
        plan.action_done()
        with self.assertRaisesRegex(UserError, "is done"):
            line.with_context(call_result="refused").action_set_call_result()
        self.assertEqual(line.call_result, "ordered")
