import random
from collections import Counter
from datetime import date, datetime, time, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL, mute_logger

from .common import LifecycleCommon

#: The logger that reports a client whose dates the rules cannot use.
DECISION_LOGGER = "odoo.addons.partner_lifecycle.models.partner_lifecycle_decision"

TODAY = date(2026, 6, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestEvents(LifecycleCommon):
    """Every event that changes a client's orders refreshes the client at once."""

    def _permanent_client(self, name="Client"):
        """A delivered client with three confirmed orders, 30, 20 and 10 days old."""
        client = self._client(name)
        orders = [self._order(client, day=TODAY - timedelta(days=age)) for age in (30, 20, 10)]
        self._deliver(orders[0])
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        return client, orders

    def test_cancel_drops_permanent_at_once(self):
        """Cancelling one of three orders makes a permanent client working with 2 orders."""
        client, orders = self._permanent_client()
        orders[-1]._action_cancel()
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(client.lifecycle_order_count, 2)
        self.assertEqual(client.lifecycle_last_order_date, TODAY - timedelta(days=20))
        history = client.lifecycle_history_ids[:1]
        self.assertEqual(
            (history.old_status_id, history.origin), (self.status_permanent, "automatic")
        )

    def test_back_to_quotation_and_confirm_again(self):
        """A cancelled order set back to quotation counts again once confirmed."""
        client, orders = self._permanent_client()
        orders[-1]._action_cancel()
        orders[-1].action_draft()
        self.assertEqual(client.lifecycle_order_count, 2)
        orders[-1].action_confirm()
        self.assertEqual(client.lifecycle_order_count, 3)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)

    def test_moving_a_confirmed_order_refreshes_both_clients(self):
        """An order moved to another client leaves the first and counts for the second."""
        client, orders = self._permanent_client("First")
        other = self._client("Second")
        orders[-1].partner_id = other
        self.assertEqual(client.lifecycle_order_count, 2)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(other.lifecycle_order_count, 1)
        self.assertEqual(other.lifecycle_last_order_date, TODAY - timedelta(days=10))

    def test_redating_an_order_refreshes_the_client(self):
        """Changing the date of a confirmed order moves the last order and the review date."""
        client, orders = self._permanent_client()
        orders[-1].date_order = datetime.combine(TODAY - timedelta(days=200), time(12))
        self.assertEqual(client.lifecycle_last_order_date, TODAY - timedelta(days=20))
        self.assertEqual(client.lifecycle_review_date, TODAY + timedelta(days=160))
        orders[0].date_order = datetime.combine(TODAY - timedelta(days=250), time(12))
        orders[1].date_order = datetime.combine(TODAY - timedelta(days=190), time(12))
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)

    def test_deleting_orders_keeps_the_figures_true(self):
        """Deleting a cancelled order and a quotation leaves the figures of a full run."""
        client, orders = self._permanent_client()
        orders[-1]._action_cancel()
        quotation = self._order(client, confirm=False)
        (orders[-1] | quotation).unlink()
        self.assertEqual(client.lifecycle_order_count, 2)
        self._assert_as_full_recalculation()

    def test_orders_count_for_their_company(self):
        """A client of company A counts A's orders only; a shared client counts every company's."""
        other = self.env["res.company"].create({"name": "Other Water"})
        client, orders = self._permanent_client("Of A")
        client.company_id = self.company
        shared, shared_orders = self._permanent_client("Shared")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE sale_order SET company_id = %s WHERE id = ANY(%s)",
                other.id,
                [orders[-1].id, shared_orders[-1].id],
            )
        )
        self.env.invalidate_all()
        self.recalculation._recalculate_partners(client | shared)
        self.assertEqual(client.lifecycle_order_count, 2)
        self.assertEqual(shared.lifecycle_order_count, 3)

    def test_contact_moving_to_another_company_moves_its_orders(self):
        """A contact person moved to another company takes its orders along."""
        office = self._client("Office", is_company=True)
        person = self._client("Olga", parent_id=office.id)
        self._deliver(self._order(person, day=TODAY - timedelta(days=5)))
        self.assertEqual(office.lifecycle_order_count, 1)
        other = self._client("Other Office", is_company=True)
        person.parent_id = other
        self.assertEqual(office.lifecycle_order_count, 0)
        self.assertEqual(other.lifecycle_order_count, 1)

    def test_return_does_not_undo_the_first_delivery(self):
        """A return of goods leaves the first delivery and the working status."""
        client = self._client()
        order = self._order(client)
        picking = self._deliver(order)
        wizard = (
            self.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({})
        )
        wizard.product_return_moves.quantity = 1
        returned = self.env["stock.picking"].browse(wizard._create_return().id)
        returned.move_ids.picked = True
        returned._action_done()
        self.assertEqual(client.lifecycle_first_delivery_date, TODAY)
        self.assertEqual(client.lifecycle_status_id, self.status_working)

    # ------------------------------------------------------------------ merge
    def _merge(self, partners, survivor):
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge(partners.ids, survivor)

    def test_merge_recalculates_the_survivor(self):
        """Merging two clients counts both clients' orders for the survivor at once."""
        survivor, _orders = self._permanent_client("Aqua Office")
        duplicate = self._client("Aqua Office (old)")
        self._deliver(self._order(duplicate, day=TODAY - timedelta(days=400)))
        duplicate._lifecycle_write_system(
            {"lifecycle_first_delivery_date": TODAY - timedelta(days=400)}
        )
        self._merge(survivor | duplicate, survivor)
        self.assertEqual(survivor.lifecycle_order_count, 4)
        self.assertEqual(survivor.lifecycle_first_delivery_date, TODAY - timedelta(days=400))
        self.assertEqual(survivor.lifecycle_status_id, self.status_permanent)

    def test_merge_does_not_carry_a_duplicates_termination(self):
        """A terminated duplicate does not make an active survivor former."""
        survivor, _orders = self._permanent_client("Aqua Office")
        duplicate = self._client("Aqua Office (old)")
        duplicate.action_lifecycle_terminate(TODAY - timedelta(days=100), "Moved away")
        self._merge(survivor | duplicate, survivor)
        self.assertEqual(survivor.lifecycle_termination_date, False)
        self.assertEqual(survivor.lifecycle_status_id, self.status_permanent)
        self.assertEqual(survivor.lifecycle_plannable, True)
        self.recalculation._recalculate_company(self.company)
        self.assertEqual(survivor.lifecycle_status_id, self.status_permanent)

    def test_merge_keeps_the_survivors_own_termination(self):
        """A terminated survivor stays terminated and former."""
        survivor = self._client("Aqua Office")
        survivor.action_lifecycle_terminate(TODAY, "Closed")
        duplicate, _orders = self._permanent_client("Aqua Office (new)")
        self._merge(survivor | duplicate, survivor)
        self.assertEqual(survivor.lifecycle_termination_date, TODAY)
        self.assertEqual(survivor.lifecycle_status_id, self.status_former)

    def test_merge_keeps_the_survivors_history_its_own(self):
        """A terminated duplicate merged into a permanent client: the survivor stays active
        and permanent since its own day, holds both histories, and the cohort report shows
        it permanent."""
        survivor, _orders = self._permanent_client("Aqua Office")
        survivor.user_id = self.salesman
        since = survivor.lifecycle_status_date
        own = survivor.lifecycle_history_ids
        duplicate = self._client("Aqua Office (old)")
        for age in (90, 80, 70):
            self._order(duplicate, day=TODAY - timedelta(days=age))
        self.assertEqual(duplicate.lifecycle_status_id, self.status_permanent)
        duplicate.action_lifecycle_terminate(TODAY, "Moved away")
        moved = duplicate.lifecycle_history_ids
        self.assertEqual(moved[:1].new_status_id, self.status_former)
        self._merge(survivor | duplicate, survivor)
        self.assertEqual(survivor.lifecycle_status_id, self.status_permanent)
        self.assertEqual(survivor.lifecycle_status_date, since)
        self.assertEqual(survivor.lifecycle_termination_date, False)
        self.assertEqual(survivor.lifecycle_plannable, True)
        self.assertEqual(survivor.lifecycle_order_count, 6)
        self.assertEqual(survivor.lifecycle_history_ids, own | moved)
        self.assertEqual(set(own.mapped("merged_from")), {False})
        self.assertEqual(set(moved.mapped("merged_from")), {"Aqua Office (old)"})
        self.assertEqual(set(moved.mapped("salesperson_id")), {self.salesman})
        self.assertEqual(set(moved.mapped("announce")), {False})
        self.assertEqual(
            moved[:1].reason,
            "Contract terminated — Moved away — from the merged client Aqua Office (old)",
        )
        cohort = self.env["partner.lifecycle.report.cohort"].search(
            [("partner_id", "=", survivor.id), ("month", "=", TODAY.replace(day=1))]
        )
        self.assertEqual((cohort.status_id, cohort.active_count), (self.status_permanent, 1))

    def test_merge_moves_the_duplicates_history(self):
        """The status history of a merged duplicate is kept on the survivor."""
        survivor = self._client("Aqua Office")
        duplicate, _orders = self._permanent_client("Aqua Office (new)")
        moved = duplicate.lifecycle_history_ids
        self._merge(survivor | duplicate, survivor)
        self.assertEqual(moved.partner_id, survivor)
        self.assertEqual(moved <= survivor.lifecycle_history_ids, True)

    # ------------------------------------------------------------------ bad dates
    def test_date_beyond_the_usable_range_is_refused(self):
        """A person cannot enter an order date the rules cannot use."""
        client = self._client()
        order = self._order(client)
        with self.assertRaises(ValidationError) as caught:
            order.date_order = datetime(9999, 12, 30, 12)
        self.assertIn("12/30/9999", str(caught.exception))  # in the reader's format

    def test_unusable_date_in_the_database_is_flagged_and_skipped(self):
        """An order dated 9999-12-30 in the database flags its client; the run goes on."""
        bad, orders = self._permanent_client("Bad")
        idle = self._aged_client("Idle", [300])
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE sale_order SET date_order = '9999-12-30 12:00' WHERE id = %s", orders[0].id)
        )
        self.env.invalidate_all()
        with mute_logger(DECISION_LOGGER):
            stats = self.recalculation._recalculate_company(self.company)
        self.assertEqual(stats["errors"], 1)
        self.assertEqual(idle.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(bad.lifecycle_error_order_id, orders[0])
        self.assertEqual(
            bad.lifecycle_error, f"Cannot compute: order {orders[0].name} has date 12/30/9999"
        )
        self.assertEqual(bad.lifecycle_status_id, self.status_permanent)
        with mute_logger(DECISION_LOGGER):
            new_order = self._order(bad)
        self.assertEqual(new_order.state, "sale")
        orders[0].date_order = datetime.combine(TODAY - timedelta(days=40), time(12))
        self.assertEqual(bad.lifecycle_error, False)
        self.assertEqual(bad.lifecycle_order_count, 4)

    # ------------------------------------------------------------------ time zone
    def test_one_time_zone_for_hooks_and_runs(self):
        """A salesman in UTC+14 and the nightly run (UTC) store the same order day."""
        self.company.lifecycle_tz = "Europe/Moscow"
        self.salesman.tz = "Pacific/Kiritimati"
        client = self._client()
        order = self._order(client, confirm=False)
        order.user_id = self.salesman
        with freeze_time("2026-06-01 11:00:00"):  # 2026-06-02 01:00 in Kiritimati
            order.with_user(self.salesman).with_context(tz="Pacific/Kiritimati").action_confirm()
        self.assertEqual(client.lifecycle_last_order_date, TODAY)
        self._assert_as_full_recalculation()
        self.assertEqual(client.lifecycle_last_order_date, TODAY)

    def test_today_is_the_companys_day(self):
        """Idle days count from the company's today: late evening UTC is tomorrow in Moscow."""
        self.company.lifecycle_tz = "Europe/Moscow"
        client = self._aged_client("Client", [179], today=TODAY)
        with freeze_time("2026-06-01 22:00:00"):  # 2 June 01:00 in Moscow
            self.recalculation._cron_recalculate()
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)

    # ------------------------------------------------------------------ locks
    # A hook that meets a client row locked by another transaction: the live scenario
    # client_locked_by_a_person (bench/concurrency.py) holds the row for real.
    def test_delivery_day_left_in_a_mark_is_stored_by_the_next_run(self):
        """A delivery whose client row was locked leaves its day in the client's mark: the
        next run stores it as the first delivery, and the client becomes Working."""
        client = self._client("Delivered while locked")
        self._order(client, day=TODAY - timedelta(days=5))
        self.assertEqual(client.lifecycle_status_id, self.status_new)
        marks = self.env["partner.lifecycle.queue"].sudo()
        marks._mark(client.ids, first_delivery_dates={client.id: TODAY - timedelta(days=2)})
        self.recalculation._cron_recalculate()
        self.assertEqual(client.lifecycle_first_delivery_date, TODAY - timedelta(days=2))
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(marks.search_count([("partner_id", "=", client.id)]), 0)

    def test_later_delivery_day_in_a_mark_keeps_the_first(self):
        """A day left in a mark replaces the stored first delivery only when it is earlier."""
        client, _orders = self._permanent_client()
        first = client.lifecycle_first_delivery_date
        marks = self.env["partner.lifecycle.queue"].sudo()
        marks._mark(client.ids, first_delivery_dates={client.id: TODAY})
        marks._mark(client.ids, first_delivery_dates={client.id: first - timedelta(days=1)})
        self.recalculation._cron_recalculate()
        self.assertEqual(client.lifecycle_first_delivery_date, first - timedelta(days=1))

    def test_marks_of_a_deleted_client_are_forgotten(self):
        """The marks of a client deleted since are dropped by the next run."""
        client = self._client("Gone")
        marks = self.env["partner.lifecycle.queue"].sudo()
        marks._mark(client.ids, first_delivery_dates={client.id: TODAY})
        client.unlink()
        self.recalculation._cron_recalculate()
        self.assertEqual(marks.search_count([]), 0)

    def test_marks_wake_the_incremental_run_once(self):
        """Marks wake the incremental run once for all; the run's own marks of the clients
        it skipped wake nothing (they wait for its next scheduled run)."""
        cron = self.env.ref("partner_lifecycle.ir_cron_recompute")
        triggers = self.env["ir.cron.trigger"].sudo()
        triggers.search([("cron_id", "=", cron.id)]).unlink()
        marks = self.env["partner.lifecycle.queue"].sudo()
        first, second = self._client("First"), self._client("Second")
        marks._mark(first.ids)
        marks._mark(second.ids)
        wake_ups = triggers.search([("cron_id", "=", cron.id)])
        self.assertEqual(len(wake_ups), 1)
        self.assertEqual(wake_ups.call_at, datetime(2026, 6, 1, 12, 0, 30))
        wake_ups.unlink()
        marks._mark(first.ids, trigger=False)
        self.assertEqual(triggers.search_count([("cron_id", "=", cron.id)]), 0)


@tagged("post_install", "-at_install")
class TestRandomEvents(LifecycleCommon):
    """After any sequence of order events and nightly runs, the stored state is a full run's."""

    def test_random_events_and_nightly_runs(self):
        """Random confirmations, cancellations, moves, re-dates, deliveries and people's acts
        (a status by hand, held or not, a company's own status, a termination, a
        reinstatement) over 40 days."""
        rng = random.Random(11)
        start = date(2026, 3, 1)
        self.company.write(
            {"lifecycle_frequency_window_days": 60, "lifecycle_planning_inactive_days": 20}
        )
        with freeze_time(start):
            clients = [self._client(f"Client {index}") for index in range(8)]
        orders, nightly = [], Counter()
        for offset in range(0, 40, 2):
            day = start + timedelta(days=offset)
            with freeze_time(datetime.combine(day, time(10))):
                for _step in range(4):
                    self._random_event(rng, day, clients, orders)
                nightly.update(self.recalculation._cron_recalculate())
                self._assert_as_full_recalculation(today=day)
        self.assertGreater(nightly["written"], 0, "the nightly runs had work to do")

    def _random_event(self, rng, day, clients, orders):
        event = rng.choice(["confirm", "confirm", "cancel", "move", "redate", "deliver", "act"])
        if event == "act":
            self._random_act(rng, day, rng.choice(clients))
            return
        confirmed = [order for order in orders if order.state == "sale"]
        if event == "confirm" or not confirmed:
            past = day - timedelta(days=rng.choice([0, 1, 3, 30, 55, 150, 170, 175, 200]))
            orders.append(self._order(rng.choice(clients), day=past))
            return
        order = rng.choice(confirmed)
        if event == "cancel":
            order._action_cancel()
        elif event == "move":
            order.partner_id = rng.choice(clients)
        elif event == "redate":
            order.date_order = datetime.combine(day - timedelta(days=rng.randint(0, 250)), time(9))
        elif order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")):
            self._deliver(order)

    def _random_act(self, rng, day, client):
        """A person's act, checked at once against what the person asked for."""
        if not hasattr(self, "own_status"):
            self.own_status = self.env["partner.lifecycle.status"].create({"name": "Key"})
        statuses = [self.status_working, self.status_permanent, self.status_sleeping]
        status = rng.choice([*statuses, self.own_status, self.status_former])
        until = rng.choice([False, day + timedelta(days=rng.randint(0, 20))])
        before = client.lifecycle_status_id
        client.with_user(self.sales_manager)._lifecycle_change_by_person(
            status, "act", hold_until=until
        )
        client.invalidate_recordset()
        self.assertEqual(client.lifecycle_status_id, status)
        if status == before:
            return
        self.assertEqual(client.lifecycle_status_date, day)
        row = self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", client.id)], order="id desc", limit=1
        )
        self.assertEqual((row.old_status_id, row.new_status_id, row.note), (before, status, "act"))
        if status == self.status_former:
            self.assertEqual(client.lifecycle_termination_date, day)
            self.assertEqual((client.lifecycle_held, client.lifecycle_plannable), (False, False))
            self.assertEqual(row.origin, "termination")
        else:
            self.assertEqual(client.lifecycle_termination_date, False)
            self.assertEqual(client.lifecycle_held, status != self.own_status)
            self.assertEqual(client.lifecycle_hold_until, until if client.lifecycle_held else False)
            self.assertEqual(row.origin, "manual")
