from odoo.tests import tagged

from .test_migration import load_migration
from .test_planning import PlanningCommon


@tagged("post_install", "-at_install")
class TestPlanningMigration(PlanningCommon):
    """18.0.1.2.0 plans: lines without their caller, quotations without their plan day."""

    def test_upgrade_fills_callers_and_plan_days(self):
        """Lines with a call result get the last person who wrote them as caller; quotations
        made from plans get the day of their line, the first of two for one client and day
        only; a second run changes nothing."""
        due = self._due_client("Due Tomorrow", expected_in=1)
        overdue = self._due_client("Overdue", expected_in=-3)
        plan = self._filled()
        plan.line_ids.call_result = "no_answer"
        self._line(plan, due).call_result = "ordered"
        plan.action_create_orders()
        twice = self._order(due, confirm=False)
        self.env.flush_all()
        # as 18.0.1.2.0 left them: no caller, no plan day, and a second quotation of one day
        self.env.cr.execute(
            "UPDATE partner_lifecycle_planning_line SET call_user_id = NULL, write_uid = %s",
            (self.salesman.id,),
        )
        self.env.cr.execute("UPDATE sale_order SET lifecycle_plan_date = NULL")
        second = self._plan(date_from=self.tomorrow, date_to=self.tomorrow)
        self.env.flush_all()
        self.env.cr.execute(
            """INSERT INTO partner_lifecycle_planning_line
                   (planning_id, company_id, partner_id, call_result, order_id, sequence)
               VALUES (%s, %s, %s, 'not_called', %s, 1)""",
            (second.id, self.company.id, due.id, twice.id),
        )
        self.env.invalidate_all()
        migration = load_migration("18.0.1.3.0", "post-planning")
        for _run in range(2):
            migration.migrate(self.env.cr, "18.0.1.2.0")
            self.env.invalidate_all()
            self.assertEqual(
                {line.partner_id.name: line.call_user_id.login for line in plan.line_ids},
                {"Due Tomorrow": "lc_salesman", "Overdue": "lc_salesman"},
            )
            self.assertEqual(self._line(plan, due).order_id.lifecycle_plan_date, self.tomorrow)
            self.assertEqual(twice.lifecycle_plan_date, False)
            self.assertEqual(self._line(second, due).call_user_id.id, False)
        self.assertEqual(self._line(plan, overdue).order_id.id, False)
