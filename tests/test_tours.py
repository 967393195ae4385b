from datetime import date, timedelta

from odoo.tests import HttpCase, tagged

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
