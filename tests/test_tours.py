from datetime import date, datetime, timedelta

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

#: Seconds a tour may take on a busy machine (Odoo's default is 60).
TOUR_TIMEOUT = 180


@tagged("post_install", "-at_install")
class TestTours(HttpCase):
    """The main screens in a browser (static/tests/tours/), then their end state in the database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.admin = cls.env.ref("base.user_admin")
        cls.status_new = cls.env.ref("partner_lifecycle.status_new")
        cls.status_permanent = cls.env.ref("partner_lifecycle.status_permanent")
        cls.status_former = cls.env.ref("partner_lifecycle.status_former")
        # the colours the tours look for on the statusbar
        cls.status_new.color = 4
        cls.status_permanent.color = 7
        cls.status_former.color = 1
        cls.company.write(
            {
                "lifecycle_status_on_create_id": cls.status_new.id,
                "lifecycle_status_permanent_id": cls.status_permanent.id,
                "lifecycle_status_former_id": cls.status_former.id,
                "lifecycle_sleeping_days": 180,
            }
        )
        cls.client = cls.env["res.partner"].create(
            {"name": "Aqua Tour Office", "is_company": True, "company_id": cls.company.id}
        )

    def _last_change(self, client):
        return self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", client.id)], limit=1
        )

    def _assert_about_today(self, day):
        """``day`` is today or the day before or after (the browser's clock may have crossed
        midnight, or see another day than the server)."""
        self.assertLessEqual(abs((day - date.today()).days), 1, day)

    def test_settings_bad_value_refused(self):
        """Settings: a negative number of days is refused with a message; a valid one is saved."""
        with self.assertLogs("odoo.http", "WARNING") as logs:
            self.start_tour(
                "/odoo/settings",
                "partner_lifecycle_settings_tour",
                login="admin",
                timeout=TOUR_TIMEOUT,
            )
        refused = self.company._fields["lifecycle_sleeping_days"].get_description(self.env)
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertIn(refused["string"], logs.output[0])
        self.company.invalidate_recordset()
        self.assertEqual(self.company.lifecycle_sleeping_days, 90)

    def test_status_change_with_hold(self):
        """Card: "Change Status" to permanent, held for 30 days with a reason."""
        self.start_tour(
            f"/odoo/contacts/{self.client.id}",
            "partner_lifecycle_status_hold_tour",
            login="admin",
            timeout=TOUR_TIMEOUT,
        )
        self.client.invalidate_recordset()
        self.assertEqual(self.client.lifecycle_status_id, self.status_permanent)
        self.assertEqual(self.client.lifecycle_held, True)
        self._assert_about_today(self.client.lifecycle_hold_until - timedelta(days=30))
        self.assertEqual(self.client.lifecycle_hold_user_id, self.admin)
        self.assertEqual(self.client.lifecycle_hold_note, "Agreed by phone")
        last = self._last_change(self.client)
        self.assertEqual(
            (last.old_status_id, last.new_status_id, last.origin, last.user_id, last.note),
            (self.status_new, self.status_permanent, "manual", self.admin, "Agreed by phone"),
        )

    def test_terminate_from_actions_menu(self):
        """Card, Actions menu: "Terminate Contract" makes the client former, with the reason."""
        self.start_tour(
            f"/odoo/contacts/{self.client.id}",
            "partner_lifecycle_terminate_tour",
            login="admin",
            timeout=TOUR_TIMEOUT,
        )
        self.client.invalidate_recordset()
        self.assertEqual(self.client.lifecycle_status_id, self.status_former)
        self._assert_about_today(self.client.lifecycle_termination_date)
        self.assertEqual(self.client.lifecycle_termination_reason, "Moved to another supplier")
        self.assertEqual(self.client.lifecycle_plannable, False)
        last = self._last_change(self.client)
        self.assertEqual(
            (last.old_status_id, last.new_status_id, last.origin, last.user_id),
            (self.status_new, self.status_former, "termination", self.admin),
        )

    def test_history_report(self):
        """Contacts > Reporting > Status Changes opens as pivot, graph and list; nothing changes."""
        self.client._lifecycle_change_by_person(self.status_permanent, "Agreed by phone")
        history = self.env["partner.lifecycle.history"]
        before = history.search_count([])
        self.start_tour(
            "/odoo", "partner_lifecycle_history_report_tour", login="admin", timeout=TOUR_TIMEOUT
        )
        self.assertEqual(history.search_count([]), before)
        action = self.env.ref("partner_lifecycle.action_partner_lifecycle_history_report")
        self.assertEqual(action.res_model, "partner.lifecycle.history")
        self.assertEqual(action.view_mode, "pivot,graph,list")

    def test_lifecycle_reports(self):
        """A salesman opens the funnel (exact median), the sleeping flow and the cohorts."""
        new_test_user(self.env, login="lc_tour_salesman", groups="sales_team.group_sale_salesman")
        working = self.env.ref("partner_lifecycle.status_working")
        sleeping = self.env.ref("partner_lifecycle.status_sleeping")
        start = datetime(2019, 1, 7, 12, 0)
        history = self.env["partner.lifecycle.history"]
        product = self.env["product.product"].create({"name": "Water 19 l", "type": "consu"})
        for name, days in (("A", 10), ("B", 20), ("C", 60), ("D", None)):
            client = self.env["res.partner"].create(
                {"name": f"Funnel Tour {name}", "company_id": self.company.id}
            )
            if name == "A":  # a first order in January 2019: the cohort of January 2019
                order = self.env["sale.order"].create(
                    {
                        "partner_id": client.id,
                        "order_line": [Command.create({"product_id": product.id})],
                    }
                )
                order.action_confirm()
                order.date_order = start
            client.lifecycle_history_ids.unlink()
            rows = [(start, self.status_new)]
            if days:
                rows.append((start + timedelta(days=days), working))
            if name == "A":
                rows += [
                    (start + timedelta(days=300), sleeping),
                    (start + timedelta(days=400), working),
                ]
            old = self.env["partner.lifecycle.status"]
            for moment, status in rows:
                history.create(
                    {
                        "partner_id": client.id,
                        "date": moment,
                        "old_status_id": old.id,
                        "new_status_id": status.id,
                        "origin": "reconstructed",
                    }
                )
                old = status
        self.start_tour(
            "/odoo",
            "partner_lifecycle_lifecycle_reports_tour",
            login="lc_tour_salesman",
            timeout=TOUR_TIMEOUT,
        )
