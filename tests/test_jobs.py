from datetime import datetime, timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, new_test_user, tagged
from odoo.tools import mute_logger

from .common import LifecycleCommon

#: The logger of the job runner, which logs the error of a failed run.
JOB_LOGGER = "odoo.addons.partner_lifecycle.models.partner_lifecycle_job"


@tagged("post_install", "-at_install")
class TestJobs(LifecycleCommon):
    """Large selections leave the web request: a background job, a message at its end."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clients = cls.env["res.partner"].create([{"name": f"Client {i}"} for i in range(5)])
        cls.jobs = cls.env["partner.lifecycle.job"]

    def setUp(self):
        super().setUp()
        self.patch(type(self.jobs), "_background_threshold", 3)
        self.patch(type(self.jobs), "_person_batch_size", 2)

    def _inbox(self, user):
        return self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", user.partner_id.id),
                ("mail_message_id.model", "=", self.jobs._name),
            ]
        )

    def test_large_change_with_a_past_hold_is_refused_at_request(self):
        """A hold ending yesterday is refused before anything is queued, as for a few clients."""
        wizard = self.env(user=self.salesman)["partner.lifecycle.status.change"].create(
            {
                "partner_ids": [(6, 0, self.clients.ids)],
                "status_id": self.status_permanent.id,
                "hold_until": fields.Date.today() - timedelta(days=1),
            }
        )
        with self.assertRaisesRegex(UserError, "cannot be held until a day before today"):
            wizard.action_apply()
        self.assertEqual(self.jobs.search_count([("user_id", "=", self.salesman.id)]), 0)

    def test_large_status_change_runs_in_the_background(self):
        """A status change of more clients than the threshold is queued, then done and reported."""
        wizard = self.env(user=self.salesman)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, self.clients.ids)], "status_id": self.status_sleeping.id}
        )
        action = wizard.action_apply()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_new})
        job = self.jobs.search([("user_id", "=", self.salesman.id)])
        self.assertEqual((job.kind, job.state, job.total_count), ("status", "queued", 5))
        job._run()
        self.assertEqual(job.state, "done")
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_sleeping})
        history = self.clients.lifecycle_history_ids.filtered(lambda h: h.origin == "manual")
        self.assertEqual(history.user_id, self.salesman)
        message = self._inbox(self.salesman).mail_message_id
        self.assertEqual(len(message), 1)
        self.assertIn("Clients checked: 5, changed: 5.", message.body)
        self.assertIn("Sleeping: 5", message.body)

    def test_large_termination_runs_in_the_background(self):
        """A termination of many clients is queued and done in the manager's name."""
        wizard = self.env(user=self.sales_manager)["partner.lifecycle.terminate"].create(
            {"partner_ids": [(6, 0, self.clients.ids)], "reason": "Moved away"}
        )
        wizard.action_terminate()
        job = self.jobs.search([("user_id", "=", self.sales_manager.id)])
        self.assertEqual(job.kind, "terminate")
        self.jobs._cron_run_jobs()
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_former})
        self.assertEqual(set(self.clients.mapped("lifecycle_termination_reason")), {"Moved away"})
        self.assertEqual(len(self._inbox(self.sales_manager)), 1)

    def test_job_resumes_after_the_last_client_done(self):
        """A job stopped after some clients goes on with the others only."""
        self.env(user=self.sales_manager)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, self.clients.ids)], "status_id": self.status_sleeping.id}
        ).action_apply()
        job = self.jobs.search([("user_id", "=", self.sales_manager.id)])
        # meanwhile a client of the second batch moved to a company the requester cannot read
        other = self.env["res.company"].create({"name": "Other Water", "lifecycle_tz": "UTC"})
        self.clients[2].company_id = other
        failure = None
        try:  # no savepoint (assertRaises takes one): the first batch's work stays, as committed
            job._run()
        except AccessError as error:
            failure = error
        self.assertIsInstance(failure, AccessError, "the second batch fails")
        self.assertEqual((job.state, job.done_count), ("running", 2))
        self.assertEqual(job.last_partner_id, self.clients[1].id)
        statuses = [client.lifecycle_status_id for client in self.clients]
        self.assertEqual(statuses, [self.status_sleeping] * 2 + [self.status_new] * 3)
        self.clients[2].company_id = False
        self.jobs._cron_run_jobs()
        self.assertEqual((job.state, job.done_count), ("done", 5))
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_sleeping})
        manual = self.env["partner.lifecycle.history"].search(
            [("partner_id", "in", self.clients.ids), ("origin", "=", "manual")]
        )
        self.assertEqual((len(manual), sorted(manual.partner_id.ids)), (5, self.clients.ids))
        self.assertIn("Clients checked: 5, changed: 5.", job.result)

    def test_small_selection_stays_in_the_request(self):
        """At or under the threshold, the change is made at once, without a job."""
        self.env(user=self.salesman)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, self.clients[:3].ids)], "status_id": self.status_working.id}
        ).action_apply()
        self.assertEqual(set(self.clients[:3].mapped("lifecycle_status_id")), {self.status_working})
        self.assertEqual(self.jobs.search_count([("user_id", "=", self.salesman.id)]), 0)

    # ------------------------------------------------------------------ rights at request time
    def test_salesman_large_former_change_refused_at_request(self):
        """A salesman's Former status on a large selection is refused at once, as a small one
        is, and no job is queued."""
        wizard = self.env(user=self.salesman)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, self.clients.ids)], "status_id": self.status_former.id}
        )
        with self.assertRaisesRegex(AccessError, "Only sales managers can terminate"):
            wizard.action_apply()
        self.assertEqual(self.jobs.search_count([("user_id", "=", self.salesman.id)]), 0)
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_new})

    # ------------------------------------------------------------------ failures
    def _demoted_manager_job(self):
        """A termination queued by a manager who is a plain salesman by the time it runs."""
        manager = new_test_user(
            self.env, login="lc_demoted", groups="sales_team.group_sale_manager"
        )
        self.env(user=manager)["partner.lifecycle.terminate"].create(
            {"partner_ids": [(6, 0, self.clients.ids)]}
        ).action_terminate()
        manager.groups_id = [
            Command.set(
                [
                    self.env.ref("base.group_user").id,
                    self.env.ref("sales_team.group_sale_salesman").id,
                ]
            )
        ]
        return manager, self.jobs.search([("user_id", "=", manager.id)])

    def test_failing_job_does_not_block_the_next(self):
        """A job failing on every run is marked failed with its error and its requester told;
        the recalculation queued after it is done at the first run."""
        self.patch(type(self.jobs), "_retry_delay", 0)
        manager, failing = self._demoted_manager_job()
        regular = self._aged_client("Regular", [30, 20])
        self.company.lifecycle_permanent_order_count = 2
        recalculation = self.jobs.search([("kind", "=", "recalculate"), ("state", "=", "queued")])
        with self.assertLogs(JOB_LOGGER, "ERROR") as logs:
            self.jobs._cron_run_jobs()
        self.assertIn("AccessError: Only sales managers can terminate", logs.output[0])
        self.assertEqual(recalculation.state, "done")
        self.assertEqual(regular.lifecycle_status_id, self.status_permanent)
        self.assertEqual((failing.state, failing.attempt_count), ("running", 1))
        self.assertEqual(failing.error, "Only sales managers can terminate a client's contract.")
        self.assertEqual(self._inbox(manager), self.env["mail.notification"])
        with self.assertLogs(JOB_LOGGER, "ERROR"):
            self.jobs._cron_run_jobs()
            self.jobs._cron_run_jobs()
        self.assertEqual((failing.state, failing.attempt_count), ("failed", 3))
        self.assertEqual(failing.done_count, 0)
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_new})
        message = self._inbox(manager).mail_message_id
        self.assertEqual(len(message), 1)
        self.assertIn("failed", message.subject)
        self.assertIn("stopped after 0 of 5 clients and was tried 3 times", message.body)
        self.assertIn("Error: Only sales managers can terminate a client's contract.", message.body)
        self.jobs._cron_run_jobs()
        self.assertEqual((failing.state, failing.attempt_count), ("failed", 3))

    def test_failed_run_is_tried_again_after_a_delay(self):
        """A failed run is counted; the job waits a minute before the next attempt, and is
        marked failed at the third."""
        _manager, job = self._demoted_manager_job()
        start = datetime(2026, 6, 1, 12, 0)
        attempts = []
        for seconds in (0, 30, 120, 150, 240):
            with freeze_time(start + timedelta(seconds=seconds)), mute_logger(JOB_LOGGER):
                self.jobs._cron_run_jobs()
            attempts.append((job.attempt_count, job.state))
        self.assertEqual(
            attempts,
            [(1, "running"), (1, "running"), (2, "running"), (2, "running"), (3, "failed")],
        )
        self.assertEqual(job.retry_at, False)

    def test_batches_done_before_a_failure_stay_done(self):
        """A run failing in its second batch keeps the first; the next attempt resumes after
        it once the cause is gone."""
        self.patch(type(self.jobs), "_retry_delay", 0)
        self.env(user=self.sales_manager)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, self.clients.ids)], "status_id": self.status_sleeping.id}
        ).action_apply()
        job = self.jobs.search([("user_id", "=", self.sales_manager.id)])
        other = self.env["res.company"].create({"name": "Other Water", "lifecycle_tz": "UTC"})
        self.clients[2].company_id = other
        with self.assertLogs(JOB_LOGGER, "ERROR") as logs:
            self.jobs._cron_run_jobs()
        self.assertIn("AccessError", logs.output[0])
        self.assertEqual((job.state, job.done_count, job.attempt_count), ("running", 2, 1))
        statuses = [client.lifecycle_status_id for client in self.clients]
        self.assertEqual(statuses, [self.status_sleeping] * 2 + [self.status_new] * 3)
        self.clients[2].company_id = False
        self.jobs._cron_run_jobs()
        self.assertEqual((job.state, job.done_count, job.attempt_count), ("done", 5, 1))
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_sleeping})
        self.assertIn("done", self._inbox(self.sales_manager).mail_message_id.subject)

    # ------------------------------------------------------------------ time limit
    def _job_cron_triggers(self):
        cron = self.env.ref("partner_lifecycle.ir_cron_jobs")
        return self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])

    def test_job_stops_when_the_call_time_is_spent_and_resumes(self):
        """With no time left after a batch, each call of the job cron does one batch, wakes
        the cron for the next, and the job ends at the third call."""
        self.patch(type(self.jobs), "_time_budget", 0)
        self.env(user=self.sales_manager)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, self.clients.ids)], "status_id": self.status_sleeping.id}
        ).action_apply()
        job = self.jobs.search([("user_id", "=", self.sales_manager.id)])
        progress = []
        for _call in range(3):
            self._job_cron_triggers().unlink()
            self.jobs._cron_run_jobs()
            progress.append((job.state, job.done_count, len(self._job_cron_triggers())))
        self.assertEqual(progress, [("running", 2, 1), ("running", 4, 1), ("done", 5, 0)])
        self.assertEqual(set(self.clients.mapped("lifecycle_status_id")), {self.status_sleeping})
        self.assertIn("Clients checked: 5, changed: 5.", job.result)

    def test_recalculation_job_stops_and_resumes(self):
        """A background recalculation also stops after a batch when the call's time is spent,
        and the next call goes on after its last client done."""
        self.patch(type(self.jobs), "_time_budget", 0)
        self.patch(type(self.recalculation), "_batch_size", 2)
        clients = self.clients.browse(
            [self._aged_client(f"Idle {i}", [300, 250]).id for i in range(5)]
        )
        self.assertEqual(set(clients.mapped("lifecycle_status_id")), {self.status_working})
        job = self.jobs._queue_recalculation(self.company, self.sales_manager, clients)
        done = []
        for _call in range(3):
            self.jobs._cron_run_jobs()
            done.append((job.state, job.done_count))
        self.assertEqual(done, [("running", 2), ("running", 4), ("done", 5)])
        self.assertEqual(set(clients.mapped("lifecycle_status_id")), {self.status_sleeping})
