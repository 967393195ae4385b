from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, new_test_user, tagged

from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestContextKeys(LifecycleCommon):
    """The context keys that silence or reroute the add-on count only when its own code set
    them: the same keys sent by a caller (any RPC call carries a context) change nothing."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partner_manager = new_test_user(
            cls.env,
            login="lc_partner_manager",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )

    def _working_client(self, name="Aqua Office"):
        """A delivered client of the salesman with two orders: working, one order from
        permanent; the chatter lines of its past written already."""
        client = self._client(name, user_id=self.salesman.id)
        self._deliver(self._order(client, day=TODAY - timedelta(days=20)))
        self._order(client, day=TODAY - timedelta(days=10))
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.env["partner.lifecycle.history"]._cron_announce()
        return client

    def _quotation(self, client):
        """A quotation of the client made out to the salesman, as he would see it."""
        return self.env["sale.order"].create(
            {
                "partner_id": client.id,
                "user_id": self.salesman.id,
                "order_line": [Command.create({"product_id": self.product.id})],
            }
        )

    def _status_notes(self, client):
        """The chatter lines of status changes on the client once the scheduled action ran."""
        self.env["partner.lifecycle.history"]._cron_announce()
        subtype = self.env.ref("partner_lifecycle.mt_client_status_changed")
        return client.message_ids.filtered(lambda message: message.subtype_id == subtype)

    def test_quiet_key_of_a_salesman_does_not_silence_a_confirmation(self):
        """A salesman confirming the third order with lifecycle_quiet leaves the chatter note
        to the salesperson all the same."""
        client = self._working_client()
        before = self._status_notes(client)
        order = self._quotation(client)
        order.with_user(self.salesman).with_context(lifecycle_quiet=True).action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        self.assertEqual(client.lifecycle_status_date, TODAY)
        self.assertEqual(client.lifecycle_history_ids[:1].announce, "notify")
        notes = self._status_notes(client) - before
        self.assertEqual(len(notes), 1)
        self.assertIn("3 confirmed orders (permanent from 3)", notes.body)
        self.assertEqual(notes.notified_partner_ids, self.salesman.partner_id)

    def test_bulk_key_through_browse_still_notifies_the_salesperson(self):
        """The same confirmation sent as an RPC call does (browse of the ids, then the
        context) with lifecycle_bulk, lifecycle_time_only and lifecycle_no_recalculation
        still notifies the salesperson."""
        client = self._working_client()
        before = self._status_notes(client)
        order = self._quotation(client)
        orders = self.env["sale.order"].with_user(self.salesman).browse(order.ids)
        orders.with_context(
            lifecycle_bulk=True, lifecycle_time_only=True, lifecycle_no_recalculation=True
        ).action_confirm()
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        self.assertEqual(client.lifecycle_status_date, TODAY)
        notes = self._status_notes(client) - before
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes.notified_partner_ids, self.salesman.partner_id)

    def test_merge_key_of_a_caller_does_not_drop_a_status_change(self):
        """A person's partner write with lifecycle_merge changes the status and the zone as
        without it, and still cannot write the figures."""
        client = self._client("Aqua Office")
        zone = self.env["partner.lifecycle.zone"].create({"name": "North"})
        card = client.with_user(self.partner_manager).with_context(lifecycle_merge=True)
        card.write({"lifecycle_status_id": self.status_working.id, "lifecycle_zone_id": zone.id})
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(client.lifecycle_zone_id, zone)
        last = client.lifecycle_history_ids[:1]
        self.assertEqual((last.origin, last.user_id), ("manual", self.partner_manager))
        self.assertEqual(client.lifecycle_held, True)
        with self.assertRaisesRegex(UserError, "cannot be written by hand"):
            card.write({"lifecycle_termination_date": TODAY})
        self.assertEqual(client.lifecycle_termination_date, False)

    def test_tracking_disable_of_a_caller_does_not_hide_a_status_change(self):
        """A person's status change sent with tracking_disable still leaves its tracking
        line in the chatter."""
        client = self._client("Aqua Office")
        self.env.cr.precommit.run()
        card = client.with_user(self.partner_manager).with_context(tracking_disable=True)
        card.write({"lifecycle_status_id": self.status_permanent.id})
        self.env.cr.precommit.run()
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", client.id),
                ("field_id.name", "=", "lifecycle_status_id"),
            ]
        )
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.mail_message_id.author_id, self.partner_manager.partner_id)

    def test_no_status_key_of_a_caller_still_gives_the_creation_status(self):
        """A client created with lifecycle_no_status gets the "at creation" status; the
        partner of a new user, created by the add-on's own code, still gets none."""
        partners = self.env["res.partner"].with_user(self.partner_manager)
        client = partners.with_context(lifecycle_no_status=True).create({"name": "Aqua Office"})
        self.assertEqual(client.lifecycle_status_id, self.status_new)
        user = new_test_user(self.env, login="lc_new_user", groups="base.group_user")
        self.assertEqual(user.partner_id.lifecycle_status_id.id, False)

    def test_no_recalculation_key_of_a_caller_still_queues_the_recalculation(self):
        """A settings change sent with lifecycle_no_recalculation queues the recalculation of
        every client; a company the add-on creates itself queues none."""
        jobs = self.env["partner.lifecycle.job"]
        recalculations = [("company_id", "=", self.company.id), ("kind", "=", "recalculate")]
        before = jobs.search(recalculations)
        admin = self.env.ref("base.user_admin")
        company = self.company.with_user(admin).with_context(lifecycle_no_recalculation=True)
        company.write({"lifecycle_sleeping_days": 200})
        queued = jobs.search(recalculations) - before
        self.assertEqual((len(queued), queued.user_id), (1, admin))
        other = self.env["res.company"].create({"name": "Second Water Co"})
        self.assertEqual(jobs.search_count([("company_id", "=", other.id)]), 0)
