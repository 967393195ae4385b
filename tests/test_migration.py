import importlib.util

from odoo.tests import tagged
from odoo.tools import file_path

from .common import LifecycleCommon


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
        english, russian, unknown = (self._client(name) for name in ("En", "Ru", "Odd"))
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
        rows = english.lifecycle_history_ids | russian.lifecycle_history_ids
        automatic, manual = rows[0], rows[1]
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
        migration = load_migration()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(english.lifecycle_reason_code, "sleeping")
        self.assertEqual(english.lifecycle_reason_params, {"days": 195, "limit": 180})
        self.assertEqual(english.lifecycle_reason, "No order for 195 days (limit 180)")
        self.assertEqual(russian.lifecycle_reason_params, {"date": "2026-09-28"})
        self.assertEqual(russian.lifecycle_reason, "First delivery on 09/28/2026")
        # a text the migration cannot read gives way to the rules' own reason
        self.assertEqual(unknown.lifecycle_reason, "New client, no order yet")
        self.assertEqual(automatic.reason_code, "permanent")
        self.assertEqual(automatic.reason, "3 confirmed orders (permanent from 3)")
        self.assertEqual((manual.reason_code, manual.note), (False, "Agreed by phone"))
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
        migration = load_migration(script="post-settings-limits")
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
