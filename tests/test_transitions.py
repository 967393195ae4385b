from datetime import date, timedelta

from odoo import Command
from odoo.tests import Form, freeze_time, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestTransitions(LifecycleCommon):
    """Automatic transitions hooked to creation, confirmation and delivery."""

    def test_new_client_gets_creation_status(self):
        """A client created from the contact form is New."""
        with Form(self.env["res.partner"]) as form:
            form.name = "Aqua Office"
        self.assertEqual(form.record.lifecycle_status_id, self.status_new)

    def test_contact_person_shows_company_status(self):
        """A contact person has no own status; it shows its company's status."""
        company = self._client("Office Ltd", is_company=True)
        person = self._client("Ivan", parent_id=company.id)
        self.assertEqual(person.lifecycle_status_id.id, False)
        self.assertEqual(person.lifecycle_commercial_status_id, self.status_new)

    def test_user_partner_gets_no_status(self):
        """The partner of a new internal user is not a client."""
        user = self.env["res.users"].create({"name": "Driver", "login": "lc_driver"})
        self.assertEqual(user.partner_id.lifecycle_status_id.id, False)

    def test_confirmation_alone_keeps_new_until_delivery(self):
        """With the delivery trigger, a confirmed order leaves the client New."""
        client = self._client()
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_new)
        self.assertEqual(client.lifecycle_order_count, 1)

    def test_first_delivery_makes_working(self):
        """Validating the first delivery makes the client Working and records the date."""
        client = self._client()
        order = self._order(client)
        self._deliver(order)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(client.lifecycle_first_delivery_date, date.today())
        history = client.lifecycle_history_ids
        self.assertEqual(history[:1].new_status_id, self.status_working)
        self.assertEqual(history[:1].origin, "automatic")

    def test_partial_delivery_with_backorder_makes_working(self):
        """A partial delivery (backorder kept) already counts as the first delivery."""
        client = self._client()
        order = self._order(client, qty=5)
        self._deliver(order, qty=2)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(len(order.picking_ids), 2)

    def test_delivery_to_contact_person_counts_for_company(self):
        """An order of a contact person counts for its company."""
        company = self._client("Office Ltd", is_company=True)
        person = self._client("Olga", parent_id=company.id)
        self._deliver(self._order(person))
        self.assertEqual(company.lifecycle_status_id, self.status_working)
        self.assertEqual(company.lifecycle_order_count, 1)

    def test_order_trigger_makes_working_at_confirmation(self):
        """With the order trigger, the first confirmed order makes the client Working."""
        self.company.lifecycle_first_order_trigger = "order"
        client = self._client()
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_working)

    def test_nth_order_makes_permanent_at_once(self):
        """Confirming the N-th order makes the client Permanent without a recalculation."""
        client = self._client()
        self._deliver(self._order(client))
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        self.assertEqual(client.lifecycle_reason, "3 confirmed orders (permanent from 3)")

    def test_sleeping_client_wakes_up_on_new_order(self):
        """A sleeping client that orders again is Working (or Permanent) at once."""
        client = self._client()
        old = date.today() - timedelta(days=200)
        self._deliver(self._order(client, day=old))
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_working)

    def test_salesman_confirms_without_partner_rights(self):
        """A salesman's confirmation writes the status through sudo and keeps working."""
        client = self._client()
        order = self._order(client, confirm=False)
        order.user_id = self.salesman
        order.with_user(self.salesman).action_confirm()
        self._deliver(order)
        self.assertEqual(client.lifecycle_status_id, self.status_working)

    def test_former_client_not_moved_by_orders(self):
        """A former client stays former when it orders again."""
        client = self._client()
        client.with_user(self.sales_manager).action_lifecycle_terminate()
        self._deliver(self._order(client))
        self.assertEqual(client.lifecycle_status_id, self.status_former)

    def test_custom_status_not_overwritten(self):
        """A status set by hand that is not an automatic one is never overwritten."""
        vip = self.env["partner.lifecycle.status"].create({"name": "VIP"})
        client = self._client()
        client.lifecycle_status_id = vip
        for _index in range(3):
            self._deliver(self._order(client))
        self.assertEqual(client.lifecycle_status_id, vip)
        self.assertEqual(client.lifecycle_order_count, 3)

    @freeze_time("2026-06-01")
    def test_frequency_facts_on_the_card(self):
        """Confirming orders fills the count, last date, average interval and next order."""
        client = self._client()
        for day in (date(2026, 5, 1), date(2026, 5, 11), date(2026, 5, 21)):
            self._order(client, day=day)
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_order_count, 3)
        self.assertEqual(client.lifecycle_last_order_date, date(2026, 5, 21))
        self.assertEqual(client.lifecycle_avg_interval_days, 10.0)
        self.assertEqual(client.lifecycle_next_order_date, date(2026, 5, 31))

    def test_status_change_tracks_nothing_on_orders_and_deliveries(self):
        """An automatic change leaves no tracking line on the client's order or delivery."""
        env = self.env(context=dict(self.env.context, tracking_disable=False))
        client = env["res.partner"].create({"name": "Tracked"})
        order = env["sale.order"].create(
            {
                "partner_id": client.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )
        order.action_confirm()
        self.env.cr.precommit.run()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 1, "picked": True})
        picking.with_context(skip_backorder=True)._action_done()
        self.env.cr.precommit.run()
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        tracked = self.env["mail.tracking.value"].search(
            [
                ("field_id.name", "=", "lifecycle_status_id"),
                ("mail_message_id.model", "in", ["sale.order", "stock.picking"]),
                ("mail_message_id.res_id", "in", [order.id, picking.id]),
            ]
        )
        self.assertEqual(tracked, tracked.browse())
