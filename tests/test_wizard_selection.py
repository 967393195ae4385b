from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged

from ..models.lifecycle_context import NO_STATUS_KEY, internal
from .common import LifecycleCommon

EMPTY = "Select at least one client."


@tagged("post_install", "-at_install")
class TestWizardSelection(LifecycleCommon):
    """The wizards of the contacts list say so when no client is selected, and count well."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        cls.client_b = cls._client("Client B", company_id=cls.company_b.id)
        cls.salesman_a = new_test_user(
            cls.env,
            login="lc_sel_salesman_a",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.manager_a = new_test_user(
            cls.env,
            login="lc_sel_manager_a",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )

    def _opened(self, model, user, partners):
        """The wizard ``model`` as the Actions menu of the contacts list opens it."""
        return self.env(user=user)[model].with_context(
            active_model="res.partner", active_ids=partners.ids
        )

    def test_status_change_without_clients(self):
        """The status change wizard with no client selected says so and changes nothing."""
        wizard = self.env(user=self.salesman)["partner.lifecycle.status.change"].create(
            {"status_id": self.status_working.id}
        )
        with self.assertRaises(UserError) as caught:
            wizard.action_apply()
        self.assertEqual(caught.exception.args[0], EMPTY)

    def test_status_change_of_unreadable_clients(self):
        """Opened on clients of another company only, the status change wizard says that no
        client is selected; the clients keep their status."""
        wizard = self.env(user=self.salesman_a)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, self.client_b.ids)], "status_id": self.status_working.id}
        )
        wizard.invalidate_recordset()  # as the next request of the web client reads it
        with self.assertRaises(UserError) as caught:
            wizard.action_apply()
        self.assertEqual(caught.exception.args[0], EMPTY)
        self.assertEqual(self.client_b.lifecycle_status_id, self.status_new)

    def test_termination_without_clients(self):
        """The termination wizard with no client selected says so."""
        wizard = self.env(user=self.sales_manager)["partner.lifecycle.terminate"].create({})
        with self.assertRaises(UserError) as caught:
            wizard.action_terminate()
        self.assertEqual(caught.exception.args[0], EMPTY)

    def test_termination_of_unreadable_clients(self):
        """Opened on clients of another company only, the termination wizard says that no
        client is selected; nobody is terminated."""
        wizard = self.env(user=self.manager_a)["partner.lifecycle.terminate"].create(
            {"partner_ids": [(6, 0, self.client_b.ids)]}
        )
        wizard.invalidate_recordset()  # as the next request of the web client reads it
        with self.assertRaises(UserError) as caught:
            wizard.action_terminate()
        self.assertEqual(caught.exception.args[0], EMPTY)
        self.assertEqual(self.client_b.lifecycle_status_id, self.status_new)

    def test_recalculation_without_clients(self):
        """The recalculation wizard on selected partners none of which is a client says so."""
        vendor = (
            self.env["res.partner"]
            .with_context(**internal(NO_STATUS_KEY))
            .create({"name": "Bottle Supplier"})
        )
        form = Form(self._opened("partner.lifecycle.recalculate", self.sales_manager, vendor))
        self.assertEqual(form.scope, "selected")
        wizard = form.save()
        with self.assertRaises(UserError) as caught:
            wizard.action_recalculate()
        self.assertEqual(caught.exception.args[0], EMPTY)
        self.assertEqual(wizard.state, "draft")

    def test_selection_wording(self):
        """The status change wizard says "1 client selected" or "2 clients selected"; the
        termination wizard speaks of one client or of clients."""
        one, two = self._client("One"), self._client("Two")
        change = "partner.lifecycle.status.change"
        form = Form(self._opened(change, self.salesman, one))
        self.assertEqual(form.selection_summary, "1 client selected.")
        form = Form(self._opened(change, self.salesman, one | two))
        self.assertEqual(form.selection_summary, "2 clients selected.")
        terminate = "partner.lifecycle.terminate"
        form = Form(self._opened(terminate, self.sales_manager, one))
        self.assertEqual(
            form.selection_summary,
            "The client gets the status of terminated contracts; automation no longer changes it.",
        )
        form = Form(self._opened(terminate, self.sales_manager, one | two))
        self.assertEqual(
            form.selection_summary,
            "The selected clients get the status of terminated contracts; automation no "
            "longer changes it.",
        )
