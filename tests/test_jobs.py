from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import LifecycleCommon


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
