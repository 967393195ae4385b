from datetime import date, datetime, time, timedelta

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestRecalculateWizard(LifecycleCommon):
    """The "Recalculate order frequency" wizard of the contacts list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        long_ago = date.today() - timedelta(days=200)
        # Working client whose only order is 200 days old: sleeping at recalculation.
        cls.idle = cls._client("Idle")
        cls._age(cls._deliver(cls._order(cls.idle)), long_ago)
        # Working client with two orders: permanent once N drops to 2.
        cls.regular = cls._client("Regular")
        cls._deliver(cls._order(cls.regular))
        cls._order(cls.regular)
        # New client without orders: nothing to change.
        cls.fresh = cls._client("Fresh")
        # Idle client left out of the selection.
        cls.other = cls._client("Not selected")
        cls._age(cls._deliver(cls._order(cls.other)), long_ago)
        cls.company.lifecycle_permanent_order_count = 2

    @classmethod
    def _age(cls, picking, day):
        """Move a delivered order back in time without refreshing its client."""
        picking.sale_id.date_order = datetime.combine(day, time(12, 0))

    def _wizard_form(self, partners=None):
        """The wizard as the Actions menu of the contacts list opens it."""
        model = self.env(user=self.sales_manager)["partner.lifecycle.recalculate"]
        if partners is not None:
            model = model.with_context(active_model="res.partner", active_ids=partners.ids)
        return Form(model)

    def test_selected_clients_report_counts_per_status(self):
        """On three selected clients the wizard reports 3 checked, 2 changed, per status."""
        form = self._wizard_form(self.idle | self.regular | self.fresh)
        self.assertEqual(form.scope, "selected")
        wizard = form.save()
        action = wizard.action_recalculate()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.state, "done")
        self.assertEqual(wizard.client_count, 3)
        self.assertEqual(wizard.changed_count, 2)
        self.assertEqual(wizard.result, "Permanent: 1\nSleeping: 1")
        self.assertEqual(self.idle.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(self.regular.lifecycle_status_id, self.status_permanent)
        self.assertEqual(self.fresh.lifecycle_status_id, self.status_new)
        self.assertEqual(self.other.lifecycle_status_id, self.status_working)

    def test_result_uses_current_status_names(self):
        """The report names statuses as the user renamed them."""
        self.status_sleeping.name = "Dormant"
        wizard = self._wizard_form(self.idle).save()
        wizard.action_recalculate()
        self.assertEqual(wizard.result, "Dormant: 1")

    def test_nothing_changed(self):
        """A second run reports that no client changed status."""
        self._wizard_form(self.idle).save().action_recalculate()
        wizard = self._wizard_form(self.idle).save()
        wizard.action_recalculate()
        self.assertEqual((wizard.client_count, wizard.changed_count), (1, 0))
        self.assertEqual(wizard.result, "No client changed status.")

    def test_all_clients_of_company(self):
        """Without a selection the wizard runs on every client of the current company."""
        form = self._wizard_form()
        self.assertEqual(form.scope, "company")
        wizard = form.save()
        wizard.action_recalculate()
        self.assertEqual(self.other.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(self.idle.lifecycle_status_id, self.status_sleeping)
        self.assertGreaterEqual(wizard.client_count, 4)
        self.assertGreaterEqual(wizard.changed_count, 3)

    def test_selected_non_client_left_alone(self):
        """A selected partner that is no client (no status, never a customer) gets no status."""
        vendor = (
            self.env["res.partner"]
            .with_context(lifecycle_no_status=True)
            .create({"name": "Bottle Supplier"})
        )
        wizard = self._wizard_form(vendor | self.idle).save()
        wizard.action_recalculate()
        self.assertEqual(wizard.client_count, 1)
        self.assertEqual(vendor.lifecycle_status_id.id, False)

    def test_selected_scope_needs_a_selection(self):
        """Choosing "selected clients" without selecting any is refused with a message."""
        form = self._wizard_form()
        form.scope = "selected"
        wizard = form.save()
        with self.assertRaises(UserError):
            wizard.action_recalculate()
        self.assertEqual(wizard.state, "draft")
