from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from ..hooks import post_init_hook
from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestHolds(LifecycleCommon):
    """A person's change holds; Former by hand terminates; automatic changes are announced."""

    def _change(self, clients, status, user=None, reason=None, hold_until=None):
        """The Change Status wizard, as the card's button or the list opens it."""
        env = self.env(user=user or self.salesman)
        wizard = env["partner.lifecycle.status.change"].create(
            {
                "partner_ids": [(6, 0, clients.ids)],
                "status_id": status.id,
                "reason": reason,
                "hold_until": hold_until,
            }
        )
        return wizard.action_apply()

    def _nightly(self, day):
        with freeze_time(f"{day.isoformat()} 12:00:00"):
            return self.recalculation._cron_recalculate()

    def _sleeping_client(self, name="Sleeper"):
        client = self._aged_client(name, [200])
        self._nightly(TODAY)
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        return client

    def test_manual_change_holds_through_recalculations(self):
        """Two sleeping clients set to Working by phone stay Working after every recalculation."""
        clients = self._sleeping_client("One") | self._sleeping_client("Two")
        self._change(clients, self.status_working, reason="Agreed by phone")
        self.recalculation._recalculate_company(self.company)
        self._nightly(TODAY + timedelta(days=30))
        for client in clients:
            self.assertEqual(client.lifecycle_status_id, self.status_working)
            self.assertEqual(client.lifecycle_held, True)
            self.assertEqual(client.lifecycle_hold_user_id, self.salesman)
            self.assertEqual(client.lifecycle_hold_note, "Agreed by phone")
            last = client.lifecycle_history_ids.sorted("id")[-1]
            self.assertEqual(last.reason, "Held by hand until the next order — Agreed by phone")

    def test_next_order_ends_the_hold(self):
        """The client's next confirmed order ends the hold; automation resumes at once."""
        client = self._sleeping_client()
        self._change(client, self.status_permanent, reason="Key client")
        self._order(client)
        self.assertEqual(client.lifecycle_held, False)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        rows = client.lifecycle_history_ids.sorted("id")[-2:]
        self.assertEqual(rows[0].reason, "Hold by hand ended: a new order")
        self.assertEqual(
            (rows[1].old_status_id, rows[1].new_status_id),
            (
                self.status_permanent,
                self.status_working,
            ),
        )

    def test_hold_until_a_date(self):
        """A hold with a last day ends the day after; the nightly run then applies the rules."""
        client = self._sleeping_client()
        last_day = TODAY + timedelta(days=10)
        self._change(client, self.status_working, hold_until=last_day)
        self.assertEqual(client.lifecycle_review_date, last_day + timedelta(days=1))
        self._nightly(last_day)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self._nightly(last_day + timedelta(days=1))
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(client.lifecycle_held, False)
        ended = client.lifecycle_history_ids.filtered(lambda h: h.reason_code == "hold_ended_date")
        self.assertEqual(ended.reason, "Hold by hand ended after 06/11/2026")

    def test_custom_status_needs_no_hold(self):
        """A status outside the automatic ones is kept by automation without a hold."""
        vip = self.env["partner.lifecycle.status"].create({"name": "VIP"})
        client = self._sleeping_client()
        self._change(client, vip)
        self.assertEqual(client.lifecycle_held, False)
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, vip)

    def test_former_by_hand_is_a_termination(self):
        """A manager choosing Former terminates the contract and takes it out of planning."""
        client = self._aged_client("Client", [30, 20, 10])
        self._change(client, self.status_former, user=self.sales_manager, reason="Moved away")
        self.assertEqual(client.lifecycle_status_id, self.status_former)
        self.assertEqual(client.lifecycle_termination_date, TODAY)
        self.assertEqual(client.lifecycle_termination_reason, "Moved away")
        self.assertEqual(client.lifecycle_plannable, False)
        self.assertEqual(client.lifecycle_history_ids[:1].origin, "termination")
        self._change(client, self.status_working, user=self.sales_manager)
        self.assertEqual(client.lifecycle_termination_date, False)
        self.assertEqual(client.lifecycle_held, True)

    def test_salesman_cannot_terminate_by_choosing_former(self):
        """Choosing Former is a termination: refused to a salesman."""
        client = self._client()
        with self.assertRaises(AccessError):
            self._change(client, self.status_former, user=self.salesman)
        self.assertEqual(client.lifecycle_status_id, self.status_new)

    def _messages(self, client):
        """The client's messages once the pending chatter lines are written."""
        self.env["partner.lifecycle.history"]._cron_announce()
        self.env.cr.precommit.run()
        return client.message_ids

    def _status_lines(self, client, before):
        """The chatter lines of status changes written on ``client`` since ``before``."""
        self.env["partner.lifecycle.history"]._cron_announce()
        subtype = self.env.ref("partner_lifecycle.mt_client_status_changed")
        return (client.message_ids - before).filtered(lambda m: m.subtype_id == subtype)

    def test_automatic_change_posts_one_note_to_the_salesperson(self):
        """An automatic change posts one chatter note that the client's salesperson follows."""
        client = self._aged_client("Idle", [300])
        client.user_id = self.salesman
        before = self._messages(client)
        self._nightly(TODAY)
        self.assertEqual(client.message_ids - before, client.message_ids.browse())
        notes = self._status_lines(client, before)
        self.assertEqual(len(notes), 1)
        self.assertIn("No order for 300 days (limit 180)", notes.body)
        self.assertIn(self.salesman.partner_id, client.message_partner_ids)
        self.assertIn(self.salesman.partner_id, notes.notified_partner_ids)
        self.assertEqual(self._status_lines(client, before), notes)  # written once

    def test_first_delivery_leaves_its_note_to_the_scheduled_action(self):
        """New -> Working at the first delivery: the hook only triggers the scheduled
        action, which posts one note that notifies the salesperson."""
        cron = self.env.ref("partner_lifecycle.ir_cron_announce")
        client = self._client("First", user_id=self.salesman.id)
        before = self._messages(client)
        triggers = self.env["ir.cron.trigger"].sudo()
        triggers.search([("cron_id", "=", cron.id)]).unlink()
        self._deliver(self._order(client))
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(len(triggers.search([("cron_id", "=", cron.id)])), 1)
        self._deliver(self._order(self._client("Second", user_id=self.salesman.id)))
        self.assertEqual(len(triggers.search([("cron_id", "=", cron.id)])), 1)  # one serves all
        self.assertEqual(client.lifecycle_history_ids[:1].announce, "notify")
        notes = self._status_lines(client, before)
        self.assertEqual(len(notes), 1)
        self.assertIn("First delivery on", notes.body)
        self.assertEqual(notes.notified_partner_ids, self.salesman.partner_id)
        self.assertEqual(client.lifecycle_history_ids[:1].announce, False)

    def test_full_run_logs_without_notifying(self):
        """A whole company's run (settings change, on request) writes plain lines."""
        client = self._aged_client("Idle", [300])
        client.user_id = self.salesman
        before = self._messages(client)
        self.recalculation._recalculate_company(self.company, today=TODAY)
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        notes = self._status_lines(client, before)
        self.assertEqual(len(notes), 1)
        self.assertIn("No order for 300 days (limit 180)", notes.body)
        self.assertEqual(notes.notified_partner_ids, notes.notified_partner_ids.browse())

    def test_manual_change_is_one_chatter_line(self):
        """A person's change leaves exactly one tracking line in the chatter, no note."""
        client = self._client()
        self.env.cr.precommit.run()
        before = client.message_ids
        self.env(context={"tracking_disable": False})["partner.lifecycle.status.change"].with_user(
            self.salesman
        ).create(
            {"partner_ids": [(6, 0, client.ids)], "status_id": self.status_working.id}
        ).action_apply()
        self.env.cr.precommit.run()
        new = client.message_ids - before
        self.assertEqual(len(new), 1)
        self.assertEqual(len(new.tracking_value_ids), 1)

    def test_sleeping_activity_for_the_salesperson(self):
        """With the company option, turning sleeping schedules a to-do for the salesperson."""
        self.company.lifecycle_sleeping_activity = True
        client = self._aged_client("Idle", [300])
        self._messages(client)  # the lines of the client's setup, before it had a salesperson
        client.user_id = self.salesman
        self._nightly(TODAY)
        self._messages(client)
        activity = client.activity_ids
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.summary, "Client turned sleeping: call them")

    def test_install_run_announces_nothing(self):
        """The first full run (install) only fills the history, without chatter notes."""
        client = self._aged_client("Idle", [300])
        before = self._messages(client)
        post_init_hook(self.env)
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(self._status_lines(client, before), client.message_ids.browse())

    def test_stored_reason_reads_in_each_language(self):
        """The nightly run stores a code; a Russian reader reads Russian, an English one English."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(["partner_lifecycle"], ["ru_RU"], True)
        client = self._aged_client("Idle", [300])
        self._nightly(TODAY)
        self.assertEqual(client.lifecycle_reason_code, "sleeping")
        self.assertEqual(client.lifecycle_reason_params, {"days": 300, "limit": 180})
        russian = client.with_context(lang="ru_RU")
        self.assertEqual(russian.lifecycle_reason, "Нет заказов 300 дн. (порог 180)")


@tagged("post_install", "-at_install")
class TestStatusDirectoryRules(LifecycleCommon):
    """Statuses in use cannot be archived; a new status comes last."""

    def test_archiving_a_status_in_use_is_refused_with_counts(self):
        """Archiving a status that clients have and settings map is refused, naming the counts."""
        self._client("One")
        self._client("Two")
        with self.assertRaises(UserError) as caught:
            self.status_new.action_archive()
        message = str(caught.exception)
        clients = self.env["res.partner"].search_count(
            [("lifecycle_status_id", "=", self.status_new.id)]
        )
        self.assertIn(f"Clients with it: {clients};", message)
        self.assertIn("companies whose settings map it: 1.", message)
        self.assertEqual(self.status_new.active, True)

    def test_new_status_comes_after_the_last(self):
        """A new status gets the next sequence after the last one."""
        last = self.env["partner.lifecycle.status"].search([], order="sequence desc", limit=1)
        status = self.env["partner.lifecycle.status"].create({"name": "Key account"})
        self.assertEqual(status.sequence, last.sequence + 10)
