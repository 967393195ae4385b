from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from ..models.lifecycle_context import NO_STATUS_KEY, internal
from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestRecalculateWizard(LifecycleCommon):
    """The "Recalculate order frequency" wizard of the contacts list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Working client whose only order is 200 days old: sleeping at recalculation.
        cls.idle = cls._aged_client("Idle", [200])
        # Working client with two orders: permanent once N drops to 2.
        cls.regular = cls._aged_client("Regular", [1, 0])
        # New client without orders: nothing to change.
        cls.fresh = cls._client("Fresh")
        # Idle client left out of the selection.
        cls.other = cls._aged_client("Not selected", [200])
        cls.company.lifecycle_permanent_order_count = 2

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
        self.assertEqual(
            wizard.result, "Clients checked: 3, changed: 2.\nPermanent: 1\nSleeping: 1"
        )
        self.assertEqual(self.idle.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(self.regular.lifecycle_status_id, self.status_permanent)
        self.assertEqual(self.fresh.lifecycle_status_id, self.status_new)
        self.assertEqual(self.other.lifecycle_status_id, self.status_working)

    def test_result_uses_current_status_names(self):
        """The report names statuses as the user renamed them."""
        self.status_sleeping.name = "Dormant"
        wizard = self._wizard_form(self.idle).save()
        wizard.action_recalculate()
        self.assertEqual(wizard.result, "Clients checked: 1, changed: 1.\nDormant: 1")

    def test_nothing_changed(self):
        """A second run reports that no client changed status."""
        self._wizard_form(self.idle).save().action_recalculate()
        wizard = self._wizard_form(self.idle).save()
        wizard.action_recalculate()
        self.assertEqual((wizard.client_count, wizard.changed_count), (1, 0))
        self.assertEqual(wizard.result, "Clients checked: 1, changed: 0.")

    def test_all_clients_of_company(self):
        """Without a selection the wizard queues every client of the company in the background."""
        form = self._wizard_form()
        self.assertEqual(form.scope, "company")
        wizard = form.save()
        action = wizard.action_recalculate()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.other.lifecycle_status_id, self.status_working)
        job = self.env["partner.lifecycle.job"].search(
            [("user_id", "=", self.sales_manager.id), ("all_clients", "=", True)]
        )
        self.assertEqual(len(job), 1)
        job._run()
        self.assertEqual(job.state, "done")
        self.assertEqual(self.other.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(self.idle.lifecycle_status_id, self.status_sleeping)
        self.assertGreaterEqual(job.counts["clients"], 4)
        self.assertGreaterEqual(job.counts["changed"], 3)

    def test_other_company_refused(self):
        """A manager of company A cannot recalculate the clients of company B."""
        other = self.env["res.company"].create({"name": "Other Water"})
        wizard = self.env(user=self.sales_manager)["partner.lifecycle.recalculate"].create(
            {"scope": "company"}
        )
        wizard.sudo().company_id = other
        with self.assertRaises(AccessError):
            wizard.action_recalculate()
        self.assertEqual(
            self.env["partner.lifecycle.job"].search_count(
                [("company_id", "=", other.id), ("kind", "=", "recalculate")]
            ),
            0,
        )

    def test_selected_non_client_left_alone(self):
        """A selected partner that is no client (no status, never a customer) gets no status."""
        vendor = (
            self.env["res.partner"]
            .with_context(**internal(NO_STATUS_KEY))
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

    def test_preview_columns_name_statuses_not_dates(self):
        """The preview's columns read "Status Before" and "Status After" (not "From"/"To",
        the words of a plan's dates)."""
        form = self._wizard_form(self.idle)
        form.preview_only = True
        form.preview_sleeping_days = 100
        wizard = form.save()
        wizard.action_recalculate()
        lines = wizard.line_ids
        self.assertEqual(
            [(line.partner_id, line.old_status_id, line.new_status_id) for line in lines],
            [(self.idle, self.status_working, self.status_sleeping)],
        )
        labels = lines.fields_get(["old_status_id", "new_status_id"], ["string"])
        self.assertEqual(
            (labels["old_status_id"]["string"], labels["new_status_id"]["string"]),
            ("Status Before", "Status After"),
        )
