from datetime import datetime, time, timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .test_planning import PlanningCommon


@tagged("post_install", "-at_install")
class TestPlanningOnePlanADay(PlanningCommon):
    """A client is in one open plan a day and gets one quotation a day from planning."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = cls._due_client("Due Tomorrow", expected_in=1)
        cls.overdue = cls._due_client("Overdue", expected_in=-3)

    def _orders_of(self, client):
        """The client's quotations (its confirmed orders of the past left aside)."""
        return self.env["sale.order"].search(
            [("partner_id", "=", client.id), ("state", "in", ("draft", "sent"))], order="id"
        )

    def test_fill_leaves_out_clients_of_an_overlapping_plan(self):
        """A second plan for the same day adds none of the clients of the first, and says so;
        a new due client goes into it; once the first is done, its clients may be planned."""
        first = self._filled(user=self.salesman)
        second = self._plan(user=self.salesman)
        answer = second.action_fill()
        self.assertEqual(
            (answer["params"]["type"], answer["params"]["message"]),
            (
                "info",
                f"No client added to {second.name}. Left out: 2 already planned in {first.name}.",
            ),
        )
        newcomer = self._due_client("Newcomer", expected_in=0)
        answer = second.action_fill()
        self.assertEqual(
            answer["params"]["message"],
            f"Clients added to {second.name}: 1. Left out: 2 already planned in {first.name}.",
        )
        self.assertEqual(second.line_ids.partner_id, newcomer)
        first.action_done()
        second.action_fill()
        self.assertEqual(second.line_ids.partner_id, newcomer | self.due | self.overdue)

    def test_plan_of_another_day_does_not_leave_clients_out(self):
        """A plan of the day after does not overlap: the overdue client is in both."""
        self._filled()
        later = self._plan(
            date_from=self.tomorrow + timedelta(days=1), date_to=self.tomorrow + timedelta(days=1)
        )
        answer = later.action_fill()
        self.assertEqual(answer["params"]["message"], f"Clients added to {later.name}: 2.")

    def test_same_plan_twice_makes_one_quotation(self):
        """Create Quotations twice on one plan: the second finds nothing to do and says so;
        the client has one quotation, for the plan's day."""
        plan = self._filled()
        line = self._line(plan, self.due)
        line.call_result = "ordered"
        answer = plan.action_create_orders()
        self.assertEqual(
            answer["params"]["message"],
            f"{plan.name}: Quotations made: 1; lines linked to an existing quotation of the "
            "day: 0; lines skipped: 1. Skipped: not marked ordered: 1.",
        )
        with self.assertRaises(UserError):
            plan.action_create_orders()
        orders = self._orders_of(self.due)
        self.assertEqual(orders, line.order_id)
        self.assertEqual(orders.lifecycle_plan_date, self.tomorrow)

    def test_second_plan_links_to_the_quotation_of_the_first(self):
        """Two plans of one day with the same client (one added by hand): the second plan's
        quotations link to the first's, none is made twice."""
        first = self._filled()
        second = self._plan(line_ids=[Command.create({"partner_id": self.due.id})])
        first.action_create_orders()
        answer = second.action_create_orders()
        self.assertEqual(
            answer["params"]["message"],
            f"{second.name}: Quotations made: 0; lines linked to an existing quotation of the "
            "day: 1; lines skipped: 0.",
        )
        self.assertEqual(
            self._line(second, self.due).order_id, self._line(first, self.due).order_id
        )
        self.assertEqual(len(self._orders_of(self.due)), 1)

    def test_line_links_to_a_quotation_made_by_hand(self):
        """A client who already has a quotation for the plan's day (made by hand, delivered
        that day) is linked to it; the other client gets a new one."""
        by_hand = self._order(self.overdue, confirm=False)
        by_hand.commitment_date = datetime.combine(self.tomorrow, time(9))
        plan = self._plan(
            line_ids=[
                Command.create({"partner_id": self.overdue.id, "expected_date": self.today}),
                Command.create({"partner_id": self.due.id, "expected_date": self.tomorrow}),
            ]
        )
        answer = plan.action_create_orders()
        self.assertEqual(
            answer["params"]["message"],
            f"{plan.name}: Quotations made: 1; lines linked to an existing quotation of the "
            "day: 1; lines skipped: 0.",
        )
        self.assertEqual(self._line(plan, self.overdue).order_id, by_hand)
        self.assertEqual(len(self._orders_of(self.overdue)), 1)
        self.assertEqual(len(self._line(plan, self.due).order_id), 1)

    def test_one_plan_quotation_per_client_and_day(self):
        """The database refuses a second quotation from planning for the same client and day;
        a cancelled one gives its day up to a new one."""
        plan = self._filled()
        plan.action_create_orders()
        order = self._line(plan, self.due).order_id
        values = {"partner_id": self.due.id, "lifecycle_plan_date": self.tomorrow}
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["sale.order"].create(values).flush_recordset()
        order._action_cancel()
        other = self._plan(line_ids=[Command.create({"partner_id": self.due.id})])
        other.action_create_orders()
        remade = self._line(other, self.due).order_id
        self.assertNotEqual(remade, order)
        self.assertEqual(
            (remade.lifecycle_plan_date, order.lifecycle_plan_date), (self.tomorrow, False)
        )


@tagged("post_install", "-at_install")
class TestPlanningCalls(PlanningCommon):
    """Successful calls settle a client until its next order; the others come back."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = cls._due_client("Due Tomorrow", expected_in=1)
        cls.overdue = cls._due_client("Overdue", expected_in=-3)
        cls.third = cls._due_client("Third", expected_in=0)

    def _next_day_plan(self, days=1):
        day = self.tomorrow + timedelta(days=days)
        plan = self._plan(date_from=day, date_to=day)
        plan.action_fill()
        return plan

    def _counts(self, plan):
        self.env.flush_all()
        self.env.invalidate_all()  # as a new request of the web client
        return {
            row.user_id.login: (row.call_count, row.successful_count, row.order_count)
            for row in plan.dispatcher_ids
        }

    def test_done_lines_not_proposed_again_unsuccessful_back_overdue(self):
        """Ordered: not in the next day's plan, back by its rhythm; no answer and not called:
        back the next day, overdue."""
        plan = self._filled()
        self._line(plan, self.due).call_result = "ordered"
        self._line(plan, self.overdue).call_result = "no_answer"
        after = self._next_day_plan()
        self.assertEqual(after.line_ids.partner_id, self.overdue | self.third)
        self.assertEqual(
            sorted(after.line_ids.mapped("days_overdue")), [2, 5]
        )  # third expected today, overdue three days before
        again = self._next_day_plan(days=14)
        self.assertIn(self.due, again.line_ids.partner_id)
        self.assertEqual(self._line(again, self.due).expected_date, self.tomorrow + timedelta(14))

    def test_call_back_counts_by_the_setting(self):
        """ "Call back" is not successful by default (the client comes back the next day);
        with any answered call successful it is, and the client waits for its next order."""
        plan = self._filled()
        self._line(plan, self.due).call_result = "call_back"
        self.assertIn(self.due, self._next_day_plan().line_ids.partner_id)
        self.assertEqual(self._counts(plan), {"__system__": (1, 0, 0)})
        self.env["res.config.settings"].create(
            {"lifecycle_planning_any_call_successful": True}
        ).execute()
        self.assertEqual(self.company.lifecycle_planning_any_call_successful, True)
        self.assertNotIn(self.due, self._next_day_plan(days=2).line_ids.partner_id)
        self.assertEqual(self._counts(plan), {"__system__": (1, 1, 0)})

    def test_counts_per_dispatcher(self):
        """Each dispatcher's calls made, successful calls and quotations, by who set the call
        result."""
        plan = self._filled(user=self.salesman)
        as_salesman = plan.with_user(self.salesman)
        self._line(as_salesman, self.due).call_result = "ordered"
        self._line(as_salesman, self.overdue).call_result = "no_answer"
        self._line(plan.with_user(self.sales_manager), self.third).call_result = "refused"
        as_salesman.action_create_orders()
        self.assertEqual(self._line(plan, self.due).call_user_id, self.salesman)
        expected = {"lc_salesman": (2, 1, 1), "lc_sales_manager": (1, 0, 0)}
        self.assertEqual(self._counts(plan), expected)
        self.company.lifecycle_planning_any_call_successful = True
        expected["lc_sales_manager"] = (1, 1, 0)
        self.assertEqual(self._counts(plan), expected)


@tagged("post_install", "-at_install")
class TestPlanningQuotationJob(PlanningCommon):
    """Large plans make their quotations in a background job; small ones at once."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.clients = cls.env["res.partner"].create([{"name": f"Client {i}"} for i in range(5)])

    def _big_plan(self):
        plan = self._plan(
            user=self.salesman,
            line_ids=[Command.create({"partner_id": client.id}) for client in self.clients],
        )
        plan.line_ids[:3].call_result = "ordered"
        return plan

    def test_large_plan_runs_in_the_background(self):
        """Above the threshold the dispatcher is told the job started; the job makes the
        quotations batch by batch and tells him what it made."""
        plans = type(self.env["partner.lifecycle.planning"])
        self.patch(plans, "_lifecycle_background_lines", 4)
        self.patch(plans, "_lifecycle_quotation_batch", 2)
        plan = self._big_plan().with_user(self.salesman)
        answer = plan.action_create_orders()
        job = plan.quotation_job_id
        self.assertEqual(
            answer["params"]["message"],
            f"Quotations of {plan.name} runs in the background; you will get a message with "
            "the result when it ends.",
        )
        self.assertEqual((job.state, job.total_count, plan.order_count), ("queued", 5, 0))
        with self.assertRaises(UserError):
            plan.action_create_orders()
        self.env["partner.lifecycle.job"]._cron_run_jobs()
        self.env.invalidate_all()  # as a new request of the web client
        self.assertEqual((job.state, job.done_count), ("done", 5))
        self.assertEqual(plan.line_ids.filtered("order_id").partner_id, self.clients[:3])
        self.assertFalse(plan.quotation_job_id)
        message = (
            self.env["mail.notification"]
            .search(
                [
                    ("res_partner_id", "=", self.salesman.partner_id.id),
                    ("mail_message_id.model", "=", "partner.lifecycle.job"),
                ]
            )
            .mail_message_id
        )
        self.assertEqual(message.subject, f"Client lifecycle: Quotations of {plan.name} done")
        self.assertEqual(
            message.body,
            "<p>Quotations made: 3; lines linked to an existing quotation of the day: 0; "
            "lines skipped: 2. Skipped: not marked ordered: 2.</p>",
        )

    def test_failing_batch_loses_that_batch_only(self):
        """A batch that fails (a quotation of the day the plan cannot see, of another
        company) is undone alone; the batches before it keep their quotations."""
        plans = type(self.env["partner.lifecycle.planning"])
        self.patch(plans, "_lifecycle_background_lines", 4)
        self.patch(plans, "_lifecycle_quotation_batch", 2)
        plan = self._big_plan()
        plan.line_ids.call_result = "not_called"
        other = self.env["res.company"].create({"name": "Other Water"})
        client = self.clients[3]
        client.company_id = self.company
        order = self.env["sale.order"].create(
            {"partner_id": client.id, "lifecycle_plan_date": self.tomorrow}
        )
        order.flush_recordset()
        self.env.cr.execute(
            "UPDATE sale_order SET company_id = %s WHERE id = %s", (other.id, order.id)
        )
        order.invalidate_recordset()
        plan.action_create_orders()
        with mute_logger(
            "odoo.addons.partner_lifecycle.models.partner_lifecycle_job", "odoo.sql_db"
        ):
            self.env["partner.lifecycle.job"]._cron_run_jobs()
        job = self.env["partner.lifecycle.job"].search([("planning_id", "=", plan.id)])
        self.assertEqual((job.state, job.done_count, job.attempt_count), ("running", 2, 1))
        self.assertEqual(plan.line_ids.filtered("order_id").partner_id, self.clients[:2])

    def test_small_plan_at_once(self):
        """At or below the threshold the quotations are made at once, and the message says
        what was made and what was skipped, and why."""
        plan = self._big_plan()
        plan.line_ids[3].call_result = "refused"
        answer = plan.action_create_orders()
        self.assertEqual(
            answer["params"]["message"],
            f"{plan.name}: Quotations made: 3; lines linked to an existing quotation of the "
            "day: 0; lines skipped: 2. Skipped: not marked ordered: 2.",
        )
        self.assertFalse(plan.quotation_job_id)
        self.assertEqual(plan.order_count, 3)
