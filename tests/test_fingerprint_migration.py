from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common import LifecycleCommon
from .test_migration import load_migration

TODAY = date(2026, 5, 4)


@tagged("post_install", "-at_install")
class TestFingerprintMigration(LifecycleCommon):
    """18.0.1.3.0 databases: clients without a fingerprint get one from the queued run."""

    def test_queued_run_fills_the_fingerprints(self):
        """The migration, run twice, queues one full recalculation; once it has run, every
        client has a fingerprint and a full run decides nobody again."""
        with freeze_time(TODAY):
            clients = self._client("Fm One") | self._client("Fm Two")
            for days in (30, 12):
                self._order(clients[0], day=TODAY - timedelta(days=days))
            self.env.flush_all()
            # as 18.0.1.3.0 left them: no fingerprint, no job
            self.env.cr.execute("DELETE FROM partner_lifecycle_fingerprint")
            jobs = self.env["partner.lifecycle.job"]
            jobs.search([]).unlink()
            migration = load_migration("18.0.1.4.0", "post-fingerprint")
            migration.migrate(self.env.cr, "18.0.1.3.0")
            migration.migrate(self.env.cr, "18.0.1.3.0")
            queued = jobs.search([("kind", "=", "recalculate"), ("state", "=", "queued")])
            self.assertEqual(set(queued.mapped("all_clients")), {True})
            self.assertEqual(len(queued.filtered(lambda job: job.company_id == self.company)), 1)
            jobs._cron_run_jobs()
            self.assertEqual(queued.state, "done")
            self.env.invalidate_all()
            self.env.cr.execute(
                "SELECT count(*) FROM res_partner p WHERE id = ANY(%s) AND NOT EXISTS"
                " (SELECT 1 FROM partner_lifecycle_fingerprint s WHERE s.partner_id = p.id)",
                [self.recalculation._client_ids(self.company)],
            )
            self.assertEqual(self.env.cr.fetchone()[0], 0)
            stats = self.recalculation._recalculate_company(self.company, today=TODAY)
            self.assertEqual(stats["unchanged"], stats["clients"])
            self.assertEqual(clients[0].lifecycle_order_count, 2)
