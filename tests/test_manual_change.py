from odoo.tests import Form, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestManualChange(LifecycleCommon):
    """A person changes the status: on the client card, or for many clients at once."""

    def _wizard(self, partners, user=None, **context):
        """The mass change wizard as opened from the Actions menu of the contacts list."""
        env = self.env(user=user or self.sales_manager)
        return env["partner.lifecycle.status.change"].with_context(
            active_model="res.partner", active_ids=partners.ids, **context
        )

    def _last_history(self, partner):
        return self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", partner.id)], limit=1
        )

    def _card_change(self, partner, status, user, reason=None):
        """The "Change Status" button of the client card, then the wizard it opens."""
        card = partner.with_user(user).with_context(tracking_disable=False)
        with Form(card) as form:
            self.assertEqual(form._get_modifier("lifecycle_commercial_status_id", "readonly"), True)
        action = self.env.ref("partner_lifecycle.partner_lifecycle_status_change_card_action")
        view = self.env.ref("partner_lifecycle.view_partner_form")
        self.assertIn(f'name="{action.id}"', view.arch)
        wizard = Form(
            self.env(user=user)[action.res_model].with_context(
                active_model="res.partner",
                active_ids=partner.commercial_partner_id.ids,
                tracking_disable=False,
            )
        )
        wizard.status_id = status
        if reason:
            wizard.reason = reason
        return wizard.save().action_apply()

    def test_card_names_the_change_in_the_singular(self):
        """On one client's card, the button and the Actions menu read "Change Status"; the
        list's Actions menu, over many clients, reads "Change Client Status"."""
        card = self.env.ref("partner_lifecycle.partner_lifecycle_status_change_card_action")
        listed = self.env.ref("partner_lifecycle.partner_lifecycle_status_change_action")
        bindings = self.env(user=self.salesman)["ir.actions.actions"].get_bindings("res.partner")
        status_changes = [
            (action["name"], action["binding_view_types"])
            for action in bindings["action"]
            if action["id"] in (card | listed).ids
        ]
        self.assertEqual(
            sorted(status_changes), [("Change Client Status", "list"), ("Change Status", "form")]
        )
        arch = self.env(user=self.salesman)["res.partner"].get_views([(False, "form")])
        self.assertIn(f'name="{card.id}"', arch["views"]["form"]["arch"])
        self.assertIn('string="Change Status"', arch["views"]["form"]["arch"])

    def test_salesman_changes_status_on_card(self):
        """A salesman changes the status from the card; history and chatter record it once."""
        client = self._client("Aqua Office")
        self.env.cr.precommit.run()  # as after the commit that created the client
        self._card_change(client, self.status_permanent, self.salesman, "Agreed by phone")
        self.env.cr.precommit.run()
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        last = self._last_history(client)
        self.assertEqual(last.old_status_id, self.status_new)
        self.assertEqual(last.new_status_id, self.status_permanent)
        self.assertEqual(last.origin, "manual")
        self.assertEqual(last.note, "Agreed by phone")
        self.assertEqual(last.user_id, self.salesman)
        tracked = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id.model", "=", "res.partner"),
                ("mail_message_id.res_id", "=", client.id),
                ("field_id.name", "=", "lifecycle_status_id"),
            ]
        )
        self.assertEqual(len(tracked), 1)
        self.assertEqual(tracked.new_value_integer, self.status_permanent.id)
        self.assertEqual(tracked.mail_message_id.author_id, self.salesman.partner_id)

    def test_contact_person_card_changes_company_status(self):
        """Changing the status from a contact person's card changes its company's status."""
        company = self._client("Office Ltd", is_company=True)
        person = self._client("Ivan", parent_id=company.id)
        self.assertEqual(person.lifecycle_commercial_status_id, self.status_new)
        self._card_change(person, self.status_sleeping, self.salesman)
        self.assertEqual(company.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(person.lifecycle_status_id.id, False)
        self.assertEqual(person.lifecycle_commercial_status_id, self.status_sleeping)
        self.assertEqual(self._last_history(company).new_status_id, self.status_sleeping)

    def test_mass_change_with_reason(self):
        """The mass change wizard gives one status to several clients and keeps the reason."""
        clients = self._client("One") | self._client("Two") | self._client("Three")
        form = Form(self._wizard(clients))
        self.assertEqual(form.partner_count, 3)
        form.status_id = self.status_sleeping
        form.reason = "Summer holidays"
        form.save().action_apply()
        self.assertEqual(clients.mapped("lifecycle_status_id"), self.status_sleeping)
        for client in clients:
            last = self._last_history(client)
            self.assertEqual(last.new_status_id, self.status_sleeping)
            self.assertEqual(last.note, "Summer holidays")
            self.assertEqual(last.user_id, self.sales_manager)

    def test_mass_change_skips_clients_already_there(self):
        """Clients that already have the status keep their history and status date."""
        moved, kept = self._client("Moved"), self._client("Kept")
        kept.lifecycle_status_id = self.status_sleeping
        kept._lifecycle_write_system({"lifecycle_status_date": "2020-01-01"})
        history = kept.lifecycle_history_ids
        form = Form(self._wizard(moved | kept))
        form.status_id = self.status_sleeping
        form.save().action_apply()
        self.assertEqual(moved.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(kept.lifecycle_history_ids, history)
        self.assertEqual(str(kept.lifecycle_status_date), "2020-01-01")

    def test_mass_change_on_contact_persons_moves_companies(self):
        """Selecting contact persons changes the status of their companies."""
        company = self._client("Office Ltd", is_company=True)
        person = self._client("Olga", parent_id=company.id)
        form = Form(self._wizard(person))
        form.status_id = self.status_permanent
        form.save().action_apply()
        self.assertEqual(company.lifecycle_status_id, self.status_permanent)
        self.assertEqual(person.lifecycle_status_id.id, False)

    def test_mass_change_select_all_uses_domain(self):
        """When every record of the list is selected, the list domain gives the clients."""
        self.env["ir.config_parameter"].set_param("web.active_ids_limit", 2)
        clients = self._client("Water A") | self._client("Water B") | self._client("Water C")
        domain = [("id", "in", clients.ids)]
        form = Form(self._wizard(clients[:2], active_domain=domain))
        self.assertEqual(form.partner_count, 3)
        form.status_id = self.status_permanent
        form.save().action_apply()
        self.assertEqual(clients.mapped("lifecycle_status_id"), self.status_permanent)
