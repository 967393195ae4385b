import importlib.util
from datetime import date, timedelta

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL, file_path

from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


def load_migration(version="18.0.1.1.0", script="post-migration"):
    """The migration ``script`` of ``version``, as Odoo's upgrade runs it."""
    path = file_path(f"partner_lifecycle/migrations/{version}/{script}.py")
    name = f"partner_lifecycle_migration_{version}_{script}".replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@tagged("post_install", "-at_install")
class TestMigration(LifecycleCommon):
    """18.0.1.0.0 databases: reasons stored as text become codes shown in the reader's language."""

    def _old_database(self):
        """Put back the 18.0.1.0.0 columns with their texts, English and Russian."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("ALTER TABLE res_partner ADD COLUMN lifecycle_reason varchar")
        cr.execute("ALTER TABLE partner_lifecycle_history ADD COLUMN reason varchar")
        english, russian, unknown, phone = (
            self._client(name) for name in ("En", "Ru", "Odd", "Phone")
        )
        for partner, text in (
            (english, "195 days without an order >= 180 -> sleeping"),
            (russian, "первая доставка 2026-09-28 -> рабочий"),
            (unknown, "something else"),
        ):
            cr.execute(
                "UPDATE res_partner SET lifecycle_reason = %s, lifecycle_reason_code = NULL,"
                " lifecycle_reason_params = NULL WHERE id = %s",
                (text, partner.id),
            )
        automatic, manual = english.lifecycle_history_ids, phone.lifecycle_history_ids
        cr.execute(
            "UPDATE partner_lifecycle_history SET origin = 'automatic', reason_code = NULL,"
            " reason_params = NULL, note = NULL, reason = %s WHERE id = %s",
            ("заказов: 3 >= 3 -> постоянный", automatic.id),
        )
        cr.execute(
            "UPDATE partner_lifecycle_history SET origin = 'manual', reason_code = NULL,"
            " reason_params = NULL, note = NULL, reason = %s WHERE id = %s",
            ("Agreed by phone", manual.id),
        )
        self.env.invalidate_all()
        return english, russian, unknown, automatic, manual

    def test_reasons_become_codes_and_run_twice(self):
        """Both languages are read back; a person's text becomes a note; a second run is a no-op."""
        english, russian, unknown, automatic, manual = self._old_database()
        phone = manual.partner_id
        migration = load_migration()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(english.lifecycle_reason_code, "sleeping")
        self.assertEqual(english.lifecycle_reason_params, {"days": 195, "limit": 180})
        self.assertEqual(english.lifecycle_reason, "No order for 195 days (limit 180)")
        self.assertEqual(russian.lifecycle_reason_params, {"date": "2026-09-28"})
        self.assertEqual(russian.lifecycle_reason, "First delivery on 09/28/2026")
        # a text the migration cannot read gives way to the rules' own reason
        self.assertEqual(unknown.lifecycle_reason, "No confirmed order: status kept")
        self.assertEqual(automatic.reason_code, "permanent")
        self.assertEqual(automatic.reason, "3 confirmed orders (permanent from 3)")
        self.assertEqual((manual.reason_code, manual.note), (False, "Agreed by phone"))
        # the person's status holds, with his words
        self.assertEqual(
            (phone.lifecycle_held, phone.lifecycle_hold_note), (True, "Agreed by phone")
        )
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(english.lifecycle_reason_params, {"days": 195, "limit": 180})
        self.assertEqual(manual.reason, "Agreed by phone")

    def test_parse_every_old_sentence(self):
        """Every 18.0.1.0.0 sentence of both languages is recognised with its numbers."""
        migration = load_migration()
        self.assertEqual(
            migration.parse("дней без заказа: 400 >= 180 -> спящий"),
            ("sleeping", {"days": 400, "limit": 180}),
        )
        self.assertEqual(
            migration.parse("2 orders < 3 -> working"), ("working_kept", {"count": 2, "limit": 3})
        )
        self.assertEqual(migration.parse("договор расторгнут -> бывший"), ("terminated", {}))
        self.assertEqual(migration.parse("Agreed by phone"), None)


class UpgradeCommon(LifecycleCommon):
    """Clients as an older version left them, and what an upgrade must leave of them."""

    def _change(self, clients, status, reason=None):
        """A person's change of status with the Change Status wizard."""
        wizard = self.env(user=self.salesman)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, clients.ids)], "status_id": status.id, "reason": reason}
        )
        wizard.action_apply()

    def _sleeping(self, name):
        """A client whose only order is 200 days old: sleeping since last night."""
        client = self._aged_client(name, [200])
        self.recalculation._cron_recalculate()
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        return client

    def _forget_holds(self, clients):
        """Put back what a version without holds stored: the history row of the person's
        change, no hold, no review date, no reason code."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner SET lifecycle_held = FALSE, lifecycle_hold_until = NULL,
                          lifecycle_hold_user_id = NULL, lifecycle_hold_note = NULL,
                          lifecycle_hold_order_count = NULL, lifecycle_review_date = NULL,
                          lifecycle_reason_code = NULL, lifecycle_reason_params = NULL
                    WHERE id = ANY(%s)""",
                clients.ids,
            )
        )
        self.env.cr.execute(
            SQL(
                """UPDATE partner_lifecycle_history SET reason_code = NULL, reason_params = NULL
                    WHERE partner_id = ANY(%s) AND origin = 'manual'""",
                clients.ids,
            )
        )
        self.env.invalidate_all()

    def _queued_companies(self):
        """The companies with a full recalculation queued."""
        jobs = self.env["partner.lifecycle.job"].search(
            [("kind", "=", "recalculate"), ("all_clients", "=", True), ("state", "=", "queued")]
        )
        return jobs.company_id

    def _snapshot(self, clients):
        """What a second run of a migration must not change: stored values, holds, rows, jobs."""
        self.env.invalidate_all()
        fields = ["lifecycle_held", "lifecycle_hold_order_count", "lifecycle_hold_user_id"]
        return (
            self._stored(clients),
            clients.read(fields),
            self.env["partner.lifecycle.history"].search_count([]),
            self.env["partner.lifecycle.job"].search_count([]),
        )


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestMigrationCompletesClients(UpgradeCommon):
    """18.0.1.0.0 databases: statuses set by hand stay held; the nightly run has every client."""

    def test_statuses_set_by_hand_held_review_dates_filled_job_queued(self):
        """After the upgrade from 18.0.1.0.0, a person's Working stays, held, through the
        full recalculation and the nightly run; due clients have their review date."""
        kept, changed_after = self._sleeping("Kept"), self._sleeping("Changed after")
        self._change(kept, self.status_working, reason="Agreed by phone")
        self._change(changed_after, self.status_permanent)
        self._order(changed_after)  # a new order: automation took the client back
        recent = self._aged_client("Recent", [10])
        self.assertEqual(changed_after.lifecycle_status_id, self.status_working)
        self._forget_holds(kept | changed_after | recent)
        self.env["partner.lifecycle.job"].search([]).unlink()
        migration = load_migration()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(kept.lifecycle_status_id, self.status_working)
        self.assertEqual(kept.lifecycle_held, True)
        self.assertEqual(kept.lifecycle_hold_order_count, 1)
        self.assertEqual(kept.lifecycle_hold_user_id, self.salesman)
        self.assertEqual(kept.lifecycle_hold_note, "Agreed by phone")
        self.assertEqual(kept.lifecycle_reason, "Held by hand until the next order")
        self.assertEqual(changed_after.lifecycle_held, False)
        self.assertEqual(recent.lifecycle_review_date, TODAY + timedelta(days=170))
        self.assertEqual(self._queued_companies(), self.env["res.company"].search([]))
        before = self._snapshot(kept | changed_after | recent)
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.assertEqual(self._snapshot(kept | changed_after | recent), before)
        self.env["partner.lifecycle.job"]._cron_run_jobs()
        with freeze_time("2026-12-01 12:00:00"):
            self.recalculation._cron_recalculate()
        self.assertEqual(kept.lifecycle_status_id, self.status_working)
        self.assertEqual(recent.lifecycle_status_id, self.status_sleeping)

    def test_new_order_after_the_change_ends_the_hold(self):
        """A client who ordered after a person's change in 18.0.1.0.0 is under the rules again."""
        client = self._sleeping("Ordered since")
        self._change(client, self.status_working)
        with freeze_time("2026-06-02 12:00:00"):
            self._order(client)
            # the rules of 18.0.1.0.0 agreed with the person: no row after the change
            self.env.cr.execute(
                SQL(
                    "DELETE FROM partner_lifecycle_history WHERE partner_id = %s"
                    " AND origin = 'automatic' AND date > '2026-06-01 12:00:00'",
                    client.id,
                )
            )
            self._forget_holds(client)
            load_migration().migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(client.lifecycle_held, False)
        self.assertEqual(client.lifecycle_history_ids[:1].origin, "manual")


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestMigrationRelease120(UpgradeCommon):
    """18.0.1.1.0 databases: every status explained, holds kept, a full recalculation queued."""

    def test_statuses_explained_holds_kept_job_queued_twice_no_op(self):
        """Upgraded to 18.0.1.2.0: a status no row explained gets a row with the reason its
        card shows, a held status stays held, a full recalculation waits for each company;
        a second run changes nothing."""
        held, imported = self._sleeping("Held"), self._aged_client("Imported", [30, 20, 10])
        self._change(held, self.status_working, reason="Agreed by phone")
        self.env.flush_all()
        self.env.cr.execute(
            SQL("DELETE FROM partner_lifecycle_history WHERE partner_id = %s", imported.id)
        )
        self.env.invalidate_all()
        self.env["partner.lifecycle.job"].search([]).unlink()
        migration = load_migration("18.0.1.2.0")
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        self.assertEqual(held.lifecycle_status_id, self.status_working)
        self.assertEqual(held.lifecycle_held, True)
        self.assertEqual(held.lifecycle_hold_order_count, 1)
        self.assertEqual(held.lifecycle_hold_note, "Agreed by phone")
        rows = imported.lifecycle_history_ids
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.new_status_id, rows.origin), (self.status_permanent, "automatic"))
        self.assertEqual(rows.reason, "3 confirmed orders (permanent from 3)")
        self.assertEqual(rows.reason, imported.lifecycle_reason)
        self.assertEqual(rows.date.date(), imported.lifecycle_status_date)
        self.assertEqual(imported.lifecycle_held, False)
        self.assertEqual(self._queued_companies(), self.env["res.company"].search([]))
        before = self._snapshot(held | imported)
        migration.migrate(self.env.cr, "18.0.1.1.0")
        self.assertEqual(self._snapshot(held | imported), before)
        self.env["partner.lifecycle.job"]._cron_run_jobs()
        self.recalculation._cron_recalculate()
        self.assertEqual(held.lifecycle_status_id, self.status_working)
        self.assertEqual(held.lifecycle_held, True)

    def test_statuses_set_by_hand_before_holds_held(self):
        """A database upgraded to 18.0.1.1.0 before its migration held the statuses set by
        hand: 18.0.1.2.0 holds them, so the full recalculation keeps them."""
        client = self._sleeping("Set in 18.0.1.0.0")
        self._change(client, self.status_working)
        self._forget_holds(client)
        load_migration("18.0.1.2.0").migrate(self.env.cr, "18.0.1.1.0")
        self.env["partner.lifecycle.job"]._cron_run_jobs()
        self.env.invalidate_all()
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        self.assertEqual(client.lifecycle_held, True)
        self.assertEqual(client.lifecycle_reason, "Held by hand until the next order")


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestMigrationRelease130(UpgradeCommon):
    """18.0.1.2.0 databases: every status explained, a full recalculation queued."""

    def test_imported_status_explained_job_queued_twice_no_op(self):
        """Upgraded to 18.0.1.3.0: a client loaded without history gets the row its card
        shows, each company waits for a full recalculation (it writes the new columns);
        a second run adds no row and no job."""
        imported = self._aged_client("Loaded by SQL", [40, 25, 5])
        self.env.flush_all()
        self.env.cr.execute(
            SQL("DELETE FROM partner_lifecycle_history WHERE partner_id = %s", imported.id)
        )
        self.env.invalidate_all()
        self.env["partner.lifecycle.job"].search([]).unlink()
        migration = load_migration("18.0.1.3.0")
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        rows = imported.lifecycle_history_ids
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.new_status_id, rows.origin), (self.status_permanent, "automatic"))
        self.assertEqual(rows.reason, "3 confirmed orders (permanent from 3)")
        self.assertEqual(self._queued_companies(), self.env["res.company"].search([]))
        jobs = self.env["partner.lifecycle.job"].search_count([])
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(len(imported.lifecycle_history_ids), 1)
        self.assertEqual(self.env["partner.lifecycle.job"].search_count([]), jobs)

    def test_fresh_install_runs_nothing(self):
        """A fresh install (no previous version) is not touched by the upgrade step."""
        self.env["partner.lifecycle.job"].search([]).unlink()
        load_migration("18.0.1.3.0").migrate(self.env.cr, None)
        self.assertEqual(self.env["partner.lifecycle.job"].search_count([]), 0)


@tagged("post_install", "-at_install")
class TestMigrationSettingsLimits(LifecycleCommon):
    """18.0.1.0.0 databases: settings outside the new limits are brought within them."""

    def _old_values(self, company_values, interval_days):
        """Store settings the new limits refuse, as an 18.0.1.0.0 database may hold them."""
        client = self._client("Every 20 years")
        cr = self.env.cr
        self.env.flush_all()
        cr.execute("ALTER TABLE res_company DROP CONSTRAINT res_company_lifecycle_numbers_positive")
        cr.execute(
            "ALTER TABLE res_company DROP CONSTRAINT res_company_lifecycle_planning_days_positive"
        )
        for name, value in company_values.items():
            cr.execute(
                f"UPDATE res_company SET {name} = %s WHERE id = %s",
                (value, self.company.id),
            )
        cr.execute(
            "UPDATE res_partner SET lifecycle_schedule_kind = 'interval',"
            " lifecycle_schedule_interval_days = %s, lifecycle_schedule_start_date = '2020-01-01'"
            " WHERE id = %s",
            (interval_days, client.id),
        )
        self.env.invalidate_all()
        return client

    def test_values_brought_within_the_limits_and_run_twice(self):
        """N 5,000 -> 1,000, D 5,000 -> 3,650, factor 50 -> 10, postpone 5,000 -> 365, floor
        30 over cap 10 -> 10; in-range values are kept; a second run changes nothing."""
        values = {
            "lifecycle_permanent_order_count": 5000,
            "lifecycle_sleeping_days": 5000,
            "lifecycle_frequency_window_days": 400,
            "lifecycle_frequency_max_gap_days": 36500,
            "lifecycle_at_risk_factor": 50,
            "lifecycle_at_risk_min_days": 30,
            "lifecycle_at_risk_max_days": 10,
            "lifecycle_planning_postpone_days": 5000,
            "lifecycle_planning_overdue_days": 30,
        }
        client = self._old_values(values, 7300)
        migration = load_migration("0.0.0", "pre-settings-limits")
        expected = {
            "id": self.company.id,
            "lifecycle_permanent_order_count": 1000,
            "lifecycle_sleeping_days": 3650,
            "lifecycle_frequency_window_days": 400,
            "lifecycle_frequency_max_gap_days": 3650,
            "lifecycle_at_risk_factor": 10.0,
            "lifecycle_at_risk_min_days": 10,
            "lifecycle_at_risk_max_days": 10,
            "lifecycle_planning_postpone_days": 365,
            "lifecycle_planning_overdue_days": 30,
        }
        with self.assertLogs(migration._logger.name, "WARNING") as logs:
            migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(self.company.read(list(values))[0], expected)
        self.assertEqual(client.lifecycle_schedule_interval_days, 3650)
        # the floor, N, D, G, the factor, the postpone and the interval, each with its old value
        self.assertEqual(len(logs.records), 7)
        self.assertIn("lifecycle_sleeping_days 5000 is outside 0..3650", "\n".join(logs.output))
        with self.assertNoLogs(migration._logger.name, "WARNING"):
            migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(self.company.read(list(values))[0], expected)
        settings = self.company._lifecycle_settings()
        self.assertEqual((settings.permanent_order_count, settings.sleeping_days), (1000, 3650))


@tagged("post_install", "-at_install")
class TestQueueUpgrade(LifecycleCommon):
    """18.0.1.1.0 databases: the queue of marked clients loses its foreign key."""

    def test_queue_foreign_key_dropped_at_upgrade(self):
        """The foreign key of the queue, on which a mark would wait for a client row held
        FOR UPDATE, is dropped when the module is upgraded, and twice is no error."""
        cr = self.env.cr
        cr.execute(
            """ALTER TABLE partner_lifecycle_queue ADD CONSTRAINT
               partner_lifecycle_queue_partner_id_fkey FOREIGN KEY (partner_id)
               REFERENCES res_partner(id) ON DELETE CASCADE"""
        )
        queue = self.env["partner.lifecycle.queue"]
        queue.init()
        queue.init()
        cr.execute(
            """SELECT count(*) FROM pg_constraint
                WHERE conrelid = 'partner_lifecycle_queue'::regclass AND contype = 'f'"""
        )
        self.assertEqual(cr.fetchone()[0], 0)
