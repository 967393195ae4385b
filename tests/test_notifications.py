from odoo.tests import Form, tagged

from .common import LifecycleCommon

CLOSE = {"type": "ir.actions.act_window_close"}


@tagged("post_install", "-at_install")
class TestNotifications(LifecycleCommon):
    """What a person reads after an act: a notification that fades, then the wizard closes."""

    def _params(self, action):
        """The notification's parameters, after checking that ``action`` is one."""
        self.assertEqual(
            (action["type"], action["tag"]), ("ir.actions.client", "display_notification")
        )
        return action["params"]

    def _change(self, clients, status, user=None):
        """The status change wizard applied on ``clients``, as the Actions menu opens it."""
        env = self.env(user=user or self.salesman)
        wizard = Form(
            env["partner.lifecycle.status.change"].with_context(
                active_model="res.partner", active_ids=clients.ids
            )
        )
        wizard.status_id = status
        return wizard.save().action_apply()

    def _terminate(self, clients):
        wizard = Form(
            self.env(user=self.sales_manager)["partner.lifecycle.terminate"].with_context(
                active_model="res.partner", active_ids=clients.ids
            )
        )
        return wizard.save().action_terminate()

    def test_mass_change_counts_clients_moved(self):
        """Three clients moved to Working: "3 clients moved to Working.", a success."""
        clients = self._client("One") | self._client("Two") | self._client("Three")
        params = self._params(self._change(clients, self.status_working))
        self.assertEqual(
            params,
            {
                "type": "success",
                "message": "3 clients moved to Working.",
                "sticky": False,
                "next": CLOSE,
            },
        )

    def test_change_of_one_client_is_singular(self):
        """One client moved to Permanent: "1 client moved to Permanent."."""
        params = self._params(self._change(self._client("Aqua"), self.status_permanent))
        self.assertEqual(
            (params["type"], params["message"]), ("success", "1 client moved to Permanent.")
        )

    def test_change_counts_only_clients_that_moved(self):
        """Of two selected clients, one already sleeping: "1 client moved to Sleeping."."""
        moved, kept = self._client("Moved"), self._client("Kept")
        kept.lifecycle_status_id = self.status_sleeping
        params = self._params(self._change(moved | kept, self.status_sleeping))
        self.assertEqual(params["message"], "1 client moved to Sleeping.")

    def test_change_to_the_current_status_says_so(self):
        """A client given the status it has is told so, as information, not as a success."""
        client = self._client("Aqua")
        params = self._params(self._change(client, self.status_new))
        self.assertEqual(
            (params["type"], params["message"]),
            ("info", "The client already has the status New."),
        )
        both = client | self._client("Other")
        params = self._params(self._change(both, self.status_new))
        self.assertEqual(params["message"], "The selected clients already have the status New.")

    def test_notification_in_the_users_language_names_the_renamed_status(self):
        """The message names the status as the user renamed it."""
        self.status_working.name = "Served"
        params = self._params(self._change(self._client("Aqua"), self.status_working))
        self.assertEqual(params["message"], "1 client moved to Served.")

    def test_termination_of_one_client(self):
        """Terminating one client's contract: "Contract terminated for 1 client."."""
        params = self._params(self._terminate(self._client("Aqua")))
        self.assertEqual(
            params,
            {
                "type": "success",
                "message": "Contract terminated for 1 client.",
                "sticky": False,
                "next": CLOSE,
            },
        )

    def test_termination_of_several_clients(self):
        """Terminating two clients' contracts: "Contracts terminated for 2 clients."."""
        clients = self._client("One") | self._client("Two")
        params = self._params(self._terminate(clients))
        self.assertEqual(params["message"], "Contracts terminated for 2 clients.")
        self.assertEqual(clients.mapped("lifecycle_status_id"), self.status_former)

    def _save_settings(self, **values):
        self.env["partner.lifecycle.job"].search([]).unlink()  # queued by the fixtures
        form = Form(self.env["res.config.settings"])
        for name, value in values.items():
            setattr(form, name, value)
        return form.save().execute()

    def test_settings_that_change_rules_announce_the_recalculation(self):
        """Saving a new number of days before sleeping queues a recalculation and says so;
        the settings are shown again without reloading the page (which would hide it)."""
        params = self._params(self._save_settings(lifecycle_sleeping_days=90))
        self.assertEqual(
            params,
            {
                "type": "info",
                "message": "The client statuses will be recalculated in the background: you "
                "will get a message when it is done.",
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        )
        job = self.env["partner.lifecycle.job"].search([])
        self.assertEqual(
            (job.kind, job.state, job.all_clients, job.company_id),
            ("recalculate", "queued", True, self.company),
        )

    def test_settings_without_rule_change_reload_as_usual(self):
        """Saving settings that change no rule reloads the page, as Odoo does, with no message."""
        action = self._save_settings(lifecycle_planning_autosave=True)
        self.assertEqual(action, {"type": "ir.actions.client", "tag": "reload"})
        self.assertEqual(self.env["partner.lifecycle.job"].search_count([]), 0)

    def test_settings_changing_a_group_still_reload_the_page(self):
        """A rule and a group changed together: the notification, then the full reload the
        group change needs (its menus and rights)."""
        discounts = self.env.ref("base.group_user").implied_ids & self.env.ref(
            "sale.group_discount_per_so_line"
        )
        action = self._save_settings(
            lifecycle_sleeping_days=90, group_discount_per_so_line=not discounts
        )
        params = self._params(action)
        self.assertEqual(params["next"], {"type": "ir.actions.client", "tag": "reload"})
        self.assertEqual(params["type"], "info")
