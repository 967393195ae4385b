import importlib.util

from odoo.tests import tagged
from odoo.tools import file_path

from .common import LifecycleCommon


def load_migration(version="18.0.1.1.0"):
    """The post-migration module of ``version``, as Odoo's upgrade runs it."""
    path = file_path(f"partner_lifecycle/migrations/{version}/post-migration.py")
    spec = importlib.util.spec_from_file_location(f"partner_lifecycle_migration_{version}", path)
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
