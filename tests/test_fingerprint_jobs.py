from datetime import date, timedelta

from odoo.tests import Form, freeze_time, tagged
from odoo.tools import SQL

from .common import LifecycleCommon

TODAY = date(2026, 5, 4)


@tagged("post_install", "-at_install")
class TestFingerprintJobs(LifecycleCommon):
    """A background recalculation of every client decides only the clients whose facts
    changed, and its progress still counts every client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.jobs = cls.env["partner.lifecycle.job"]
        with freeze_time(TODAY):
            cls.clients = [cls._client(f"Fj {index}") for index in range(5)]
            for client in cls.clients:
                for days in (40, 25, 10):
                    cls._order(client, day=TODAY - timedelta(days=days))

    def setUp(self):
        super().setUp()
        self.enterContext(freeze_time(TODAY))
        self.recalculation._recalculate_company(self.company, today=TODAY)

    def _queue_from_wizard(self):
        """Every client of the company, queued from the recalculation wizard."""
        wizard = Form(self.env(user=self.sales_manager)["partner.lifecycle.recalculate"]).save()
        wizard.action_recalculate()
        return self.jobs.search(
            [("user_id", "=", self.sales_manager.id), ("all_clients", "=", True)]
        )

    def _rows(self):
        """Where each client row of the company lies on disk: any write moves it."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, ctid::text FROM res_partner"
                " WHERE company_id = %s OR company_id IS NULL",
                self.company.id,
            )
        )
        return dict(self.env.cr.fetchall())

    def _history_count(self):
        return self.env["partner.lifecycle.history"].search_count([])

    def _behind_the_back(self, clients, count=9):
        """Wrong figures written without the add-on (no hook decides the clients)."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE res_partner SET lifecycle_order_count = %s WHERE id = ANY(%s)",
                count,
                [client.id for client in clients],
            )
        )
        self.env.invalidate_all()

    def test_nothing_changed_nobody_decided(self):
        """After a full run, a recalculation of every client writes nothing and counts every
        client as done and unchanged."""
        rows, history = self._rows(), self._history_count()
        job = self._queue_from_wizard()
        job._run()
        self.assertEqual((self._rows(), self._history_count()), (rows, history))
        self.assertEqual(job.state, "done")
        self.assertGreaterEqual(job.total_count, 5)
        self.assertEqual(job.done_count, job.total_count)
        self.assertEqual(
            (job.counts["clients"], job.counts["unchanged"], job.counts.get("changed", 0)),
            (job.total_count, job.total_count, 0),
        )
        self.assertIn(
            f"Clients unchanged since their last decision, not decided again: {job.total_count}",
            job.result,
        )

    def test_changed_client_alone_decided(self):
        """A client whose figures were changed behind the add-on's back is decided again and
        corrected; no other client row is written."""
        first = self.clients[0]
        self._behind_the_back(first)
        rows = self._rows()
        job = self._queue_from_wizard()
        job._run()
        self.assertEqual(first.lifecycle_order_count, 3)
        after = self._rows()
        self.assertEqual(
            [partner_id for partner_id in rows if rows[partner_id] != after[partner_id]],
            [first.id],
        )
        self.assertEqual((job.state, job.done_count), ("done", job.total_count))
        self.assertEqual(job.counts["unchanged"], job.total_count - 1)
        self.assertEqual(job.counts["clients"], job.total_count)

    def test_stopped_job_resumes_with_the_right_progress(self):
        """A job whose call time is spent after each batch goes on where it stopped: after
        the first two changed clients, then the third, then the unchanged ones after it,
        and ends with every client counted once."""
        self.patch(type(self.jobs), "_time_budget", 0)
        self.patch(type(self.recalculation), "_batch_size", 2)
        changed = [self.clients[0], self.clients[2], self.clients[3]]
        self._behind_the_back(changed)
        job = self._queue_from_wizard()
        progress = []
        for _call in range(3):
            self.jobs._cron_run_jobs()
            progress.append((job.state, job.last_partner_id))
        self.assertEqual(
            progress,
            [
                ("running", self.clients[2].id),
                ("running", self.clients[3].id),
                ("done", self.clients[4].id),
            ],
        )
        self.assertEqual(job.done_count, job.total_count)
        self.assertEqual(job.counts["clients"], job.total_count)
        self.assertEqual(job.counts["unchanged"], job.total_count - 3)
        self.assertEqual([client.lifecycle_order_count for client in changed], [3, 3, 3])

    def test_settings_change_decides_everyone(self):
        """After a change of the rules, the queued recalculation decides every client again."""
        self.company.with_user(self.sales_manager).sudo().lifecycle_sleeping_days += 1
        job = self.jobs.search([("all_clients", "=", True), ("state", "=", "queued")])
        self.assertEqual(len(job), 1)
        job._run()
        self.assertEqual((job.state, job.done_count), ("done", job.total_count))
        self.assertEqual(job.counts["clients"], job.total_count)
        self.assertEqual(job.counts.get("unchanged", 0), 0)

    def test_fingerprint_follows_its_client(self):
        """An administrator reads a client's stored fingerprint on the partner; deleting the
        client deletes it."""
        client = self._client("Fj gone")
        self.recalculation._recalculate_company(self.company, today=TODAY)
        fingerprint = client.with_user(self.env.ref("base.user_admin")).lifecycle_fingerprint
        self.assertEqual(fingerprint.split(":")[1], TODAY.isoformat())
        client.unlink()
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM partner_lifecycle_fingerprint WHERE partner_id = %s",
                client.id,
            )
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
