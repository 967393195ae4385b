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


@tagged("post_install", "-at_install")
class TestSettingsLimits(LifecycleCommon):
    """Nonsense numbers are refused on save with the setting's name and its allowed range."""

    def _save(self, **values):
        """Save ``values`` in the settings page, as a manager does."""
        form = Form(self.env["res.config.settings"])
        for name, value in values.items():
            setattr(form, name, value)
        form.save().execute()

    def _refused(self, message, **values):
        """Saving ``values`` in the settings page is refused with ``message``; nothing changes."""
        before = self.company.read(list(values))[0]
        with self.assertRaises(ValidationError) as caught:
            self._save(**values)
        self.assertEqual(str(caught.exception), message)
        self.assertEqual(self.company.read(list(values))[0], before)

    def test_permanent_after_a_million_orders_refused(self):
        """N = 1,000,000 is refused: N is from 1 to 1,000."""
        self._refused(
            "Permanent After N Orders must be between 1 and 1,000.",
            lifecycle_permanent_order_count=1000000,
        )

    def test_sleeping_after_5000_days_refused(self):
        """D = 5,000 days is refused: D is from 0 to 3,650."""
        self._refused(
            "Sleeping After Days Without Orders must be between 0 and 3,650.",
            lifecycle_sleeping_days=5000,
        )

    def test_periods_of_3651_days_refused(self):
        """X, P and G of 3,651 days are each refused with their own name."""
        for name, label in (
            ("lifecycle_planning_inactive_days", "Leave Out of Planning After Days Without Orders"),
            ("lifecycle_frequency_window_days", "Average Frequency Over Days"),
            ("lifecycle_frequency_max_gap_days", "Exclude Breaks Longer Than (Days)"),
            ("lifecycle_planning_overdue_days", "Leave Out of Plans After Days Overdue"),
            ("lifecycle_at_risk_min_days", "At Risk No Sooner Than (Days)"),
        ):
            with self.subTest(name=name):
                self._refused(f"{label} must be between 0 and 3,650.", **{name: 3651})

    def test_postpone_of_5000_days_refused(self):
        """A postpone of 5,000 days is refused: at most 365."""
        self._refused(
            "Days the Postpone Button Moves a Client must be between 0 and 365.",
            lifecycle_planning_postpone_days=5000,
        )

    def test_at_risk_cap_below_its_floor_refused(self):
        """A cap of 5 days under a floor of 7 is refused instead of silently winning."""
        self._refused(
            "At Risk No Later Than (Days) must be 0 (no cap) or at least 7, the value of "
            "At Risk No Sooner Than (Days).",
            lifecycle_at_risk_min_days=7,
            lifecycle_at_risk_max_days=5,
        )

    def test_raising_the_floor_above_the_cap_refused(self):
        """With a cap of 30 days, a floor of 40 is refused naming the cap and the new floor."""
        self._save(lifecycle_at_risk_min_days=7, lifecycle_at_risk_max_days=30)
        with self.assertRaises(ValidationError) as caught:
            self.company.lifecycle_at_risk_min_days = 40
        self.assertEqual(
            str(caught.exception),
            "At Risk No Later Than (Days) must be 0 (no cap) or at least 40, the value of "
            "At Risk No Sooner Than (Days).",
        )

    def test_nonsense_factors_refused(self):
        """A factor of 1e308, infinity, NaN, -1 or 11 is refused: it is from 0 to 10."""
        for value in (1e308, float("inf"), float("nan"), -1.0, 11.0):
            with self.subTest(value=value):
                self._refused(
                    "At Risk From (x Usual Interval) must be between 0 and 10.",
                    lifecycle_at_risk_factor=value,
                )
                self.assertEqual(self.company.lifecycle_at_risk_factor, 2.0)

    def test_nonsense_factor_written_on_the_company_refused(self):
        """The same message for an infinite or huge factor written on the company itself."""
        for value in (float("inf"), float("nan"), 1e308):
            with self.subTest(value=value), self.assertRaises(ValidationError) as caught:
                self.company.write({"lifecycle_at_risk_factor": value})
            self.assertEqual(
                str(caught.exception), "At Risk From (x Usual Interval) must be between 0 and 10."
            )

    def test_boundary_values_accepted(self):
        """N = 1,000, D = 3,650, X = P = G = 3,650, postpone 365, factor 10, cap 0 are saved."""
        values = {
            "lifecycle_permanent_order_count": 1000,
            "lifecycle_sleeping_days": 3650,
            "lifecycle_planning_inactive_days": 3650,
            "lifecycle_frequency_window_days": 3650,
            "lifecycle_frequency_max_gap_days": 3650,
            "lifecycle_planning_postpone_days": 365,
            "lifecycle_planning_overdue_days": 3650,
            "lifecycle_at_risk_factor": 10.0,
            "lifecycle_at_risk_min_days": 3650,
            "lifecycle_at_risk_max_days": 0,
        }
        self._save(**values)
        self.assertEqual(self.company.read(list(values))[0], {"id": self.company.id, **values})

    def test_cap_equal_to_its_floor_accepted(self):
        """A cap equal to the floor (14 and 14) is saved: the threshold is then 14 days."""
        self._save(lifecycle_at_risk_min_days=14, lifecycle_at_risk_max_days=14)
        self.assertEqual(
            (self.company.lifecycle_at_risk_min_days, self.company.lifecycle_at_risk_max_days),
            (14, 14),
        )

    def test_limits_in_the_readers_number_format(self):
        """A Russian reader sees the limits with the Russian digit grouping (1 000, 3 650)."""
        self.env["res.lang"]._activate_lang("ru_RU")
        company = self.company.with_context(lang="ru_RU")
        with self.assertRaises(ValidationError) as caught:
            company.lifecycle_permanent_order_count = 1001
        self.assertIn(" 1\u00a0000.", str(caught.exception))
        with self.assertRaises(ValidationError) as caught:
            company.lifecycle_sleeping_days = 3651
        self.assertIn(" 3\u00a0650.", str(caught.exception))

    def test_new_company_with_nonsense_refused(self):
        """A company created with N = 1,000,000 is refused with the same message."""
        with self.assertRaises(ValidationError) as caught:
            self.env["res.company"].create(
                {"name": "Aqua Two", "lifecycle_permanent_order_count": 1000000}
            )
        self.assertEqual(
            str(caught.exception), "Permanent After N Orders must be between 1 and 1,000."
        )

    def test_preview_with_nonsense_factor_refused(self):
        """The recalculation wizard refuses an infinite factor to try with the same message."""
        with self.assertRaises(ValidationError) as caught:
            self.env["partner.lifecycle.recalculate"].create(
                {"scope": "company", "preview_only": True, "preview_at_risk_factor": float("inf")}
            )
        self.assertEqual(
            str(caught.exception), "At Risk From (x Usual Interval) must be between 0 and 10."
        )
