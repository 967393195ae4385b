from datetime import date, timedelta

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestTermination(LifecycleCommon):
    """Contract termination: the gear menu wizard, the method, rights and automation."""

    def _wizard_form(self, partners, user):
        """The termination wizard as the gear menu of the client card opens it."""
        action = self.env.ref("partner_lifecycle.partner_lifecycle_terminate_action")
        model = self.env(user=user)[action.res_model].with_context(
            active_model="res.partner", active_id=partners[:1].id, active_ids=partners.ids
        )
        return Form(model)

    def test_terminate_action_in_gear_menu(self):
        """The wizard is bound to the Actions menu of client forms and lists, for managers."""
        action = self.env.ref("partner_lifecycle.partner_lifecycle_terminate_action")
        self.assertEqual(action.binding_model_id.model, "res.partner")
        self.assertEqual(action.binding_view_types, "list,form")
        self.assertEqual(action.groups_id, self.env.ref("sales_team.group_sale_manager"))

    def test_terminate_with_wizard(self):
        """Terminating from the wizard sets former, the date and the reason, and posts them."""
        client = self._client("Aqua Office")
        terminated_on = date.today() - timedelta(days=3)
        form = self._wizard_form(client, self.sales_manager)
        self.assertEqual(form.date, date.today())
        form.date = terminated_on
        form.reason = "Moved to another supplier"
        form.save().action_terminate()
        self.assertEqual(client.lifecycle_status_id, self.status_former)
        self.assertEqual(client.lifecycle_termination_date, terminated_on)
        self.assertEqual(client.lifecycle_termination_reason, "Moved to another supplier")
        self.assertEqual(client.lifecycle_plannable, False)
        last = self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", client.id)], limit=1
        )
        self.assertEqual(last.new_status_id, self.status_former)
        self.assertEqual(last.origin, "termination")
        messages = client.message_ids.filtered(
            lambda message: "Moved to another supplier" in (message.body or "")
        )
        self.assertEqual(len(messages), 1)
        self.assertIn(terminated_on.strftime("%m/%d/%Y"), messages.body)  # the reader's format

    def test_terminate_contact_person_terminates_company(self):
        """Terminating from a contact person's card terminates its company's contract."""
        company = self._client("Office Ltd", is_company=True)
        person = self._client("Ivan", parent_id=company.id)
        form = self._wizard_form(person, self.sales_manager)
        form.reason = "Office closed"
        form.save().action_terminate()
        self.assertEqual(company.lifecycle_status_id, self.status_former)
        self.assertEqual(company.lifecycle_termination_reason, "Office closed")

    def test_terminate_programmatically(self):
        """action_lifecycle_terminate() without a wizard: today, no reason."""
        client = self._client("Aqua Office")
        client.with_user(self.sales_manager).action_lifecycle_terminate()
        self.assertEqual(client.lifecycle_status_id, self.status_former)
        self.assertEqual(client.lifecycle_termination_date, date.today())
        self.assertEqual(client.lifecycle_termination_reason, False)

    def test_salesman_cannot_terminate(self):
        """A salesman can neither open the wizard nor call the method; nothing changes."""
        client = self._client("Aqua Office")
        with self.assertRaises(AccessError):
            self._wizard_form(client, self.salesman).save()
        with self.assertRaises(AccessError):
            client.with_user(self.salesman).action_lifecycle_terminate()
        self.assertEqual(client.lifecycle_status_id, self.status_new)
        self.assertEqual(client.lifecycle_termination_date, False)

    def test_plain_user_cannot_terminate(self):
        """A user without sales rights cannot terminate a contract."""
        client = self._client("Aqua Office")
        with self.assertRaises(AccessError):
            self.env(user=self.plain_user)["partner.lifecycle.terminate"].create(
                {"partner_ids": [client.id]}
            )
        with self.assertRaises(AccessError):
            client.with_user(self.plain_user).action_lifecycle_terminate()
        self.assertEqual(client.lifecycle_status_id, self.status_new)

    def test_automation_never_moves_former(self):
        """Orders, deliveries, recalculation and idle time leave a former client former."""
        client = self._client("Aqua Office")
        for _index in range(3):
            self._deliver(self._order(client, day=date.today() - timedelta(days=400)))
        client.with_user(self.sales_manager).action_lifecycle_terminate(reason="Closed")
        self._deliver(self._order(client))
        self.assertEqual(client.lifecycle_status_id, self.status_former)
        self.recalculation._recalculate_company(self.company)
        self.assertEqual(client.lifecycle_status_id, self.status_former)
        self.recalculation._recalculate_partners(client, today=date.today() + timedelta(days=400))
        self.assertEqual(client.lifecycle_status_id, self.status_former)
        self.assertEqual(client.lifecycle_plannable, False)

    def test_manual_change_reinstates_contract(self):
        """A person moving a former client to another status clears the termination date."""
        client = self._client("Aqua Office")
        client.with_user(self.sales_manager).action_lifecycle_terminate()
        client.with_user(self.salesman)._lifecycle_change_by_person(self.status_working)
        self.assertEqual(client.lifecycle_termination_date, False)
        self._deliver(self._order(client))
        self._order(client)
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
