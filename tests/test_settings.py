from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestSettings(LifecycleCommon):
    """The "Client Lifecycle" block of the settings, stored on the company."""

    def _settings_form(self):
        return Form(self.env["res.config.settings"])

    def test_settings_saved_on_company(self):
        """Values entered in the settings form are stored on the current company."""
        vip = self.env["partner.lifecycle.status"].create({"name": "VIP"})
        form = self._settings_form()
        form.lifecycle_status_permanent_id = vip
        form.lifecycle_permanent_order_count = 5
        form.lifecycle_sleeping_days = 90
        form.lifecycle_first_order_trigger = "order"
        form.lifecycle_frequency_window_days = 365
        form.lifecycle_frequency_max_gap_days = 60
        form.lifecycle_frequency_trim_extremes = True
        form.lifecycle_planning_inactive_days = 45
        form.save().execute()
        self.assertEqual(self.company.lifecycle_status_permanent_id, vip)
        self.assertEqual(self.company.lifecycle_permanent_order_count, 5)
        self.assertEqual(self.company.lifecycle_sleeping_days, 90)
        self.assertEqual(self.company.lifecycle_first_order_trigger, "order")
        self.assertEqual(self.company.lifecycle_frequency_window_days, 365)
        self.assertEqual(self.company.lifecycle_frequency_max_gap_days, 60)
        self.assertEqual(self.company.lifecycle_frequency_trim_extremes, True)
        self.assertEqual(self.company.lifecycle_planning_inactive_days, 45)

    def test_settings_show_company_values(self):
        """The settings form opens with the company's current mapping and numbers."""
        form = self._settings_form()
        self.assertEqual(form.lifecycle_status_on_create_id, self.status_new)
        self.assertEqual(form.lifecycle_status_on_first_order_id, self.status_working)
        self.assertEqual(form.lifecycle_status_sleeping_id, self.status_sleeping)
        self.assertEqual(form.lifecycle_status_former_id, self.status_former)
        self.assertEqual(form.lifecycle_permanent_order_count, 3)
        self.assertEqual(form.lifecycle_sleeping_days, 180)

    def test_new_settings_drive_recalculation(self):
        """A lower N saved in the settings makes a two-order client permanent at recalculation."""
        client = self._client()
        self._deliver(self._order(client))
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        form = self._settings_form()
        form.lifecycle_permanent_order_count = 2
        form.save().execute()
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)

    def test_negative_days_refused(self):
        """A negative number of days is refused with a message naming the setting."""
        form = self._settings_form()
        form.lifecycle_sleeping_days = -1
        with self.assertRaises(ValidationError) as caught:
            form.save().execute()
        self.assertIn("Sleeping After Days Without Orders", str(caught.exception))
        self.assertEqual(self.company.lifecycle_sleeping_days, 180)

    def test_negative_frequency_window_refused(self):
        """A negative frequency window is refused with a message naming the setting."""
        form = self._settings_form()
        form.lifecycle_frequency_window_days = -30
        with self.assertRaises(ValidationError) as caught:
            form.save().execute()
        self.assertIn("Average Frequency Over Days", str(caught.exception))

    def test_zero_orders_for_permanent_refused(self):
        """N = 0 orders for the permanent status is refused: N must be at least 1."""
        form = self._settings_form()
        form.lifecycle_permanent_order_count = 0
        with self.assertRaises(ValidationError) as caught:
            form.save().execute()
        self.assertIn("Permanent After N Orders must be between 1 and", str(caught.exception))
        self.assertEqual(self.company.lifecycle_permanent_order_count, 3)

    def test_same_status_on_two_roles_refused(self):
        """Mapping one status to two roles is refused with a message naming both roles."""
        form = self._settings_form()
        form.lifecycle_status_sleeping_id = self.status_former
        with self.assertRaises(ValidationError) as caught:
            form.save().execute()
        message = str(caught.exception)
        self.assertIn("two lifecycle roles", message)
        self.assertIn("Sleeping Client Status", message)
        self.assertIn("Client Status at Termination", message)
        self.assertEqual(self.company.lifecycle_status_sleeping_id, self.status_sleeping)
