from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import LifecycleCommon

#: What each kind of user may do with a client's lifecycle ("Y" allowed, "N" denied).
#: "manager of A" is a sales manager of company A only, acting on a client of company B.
# fmt: off
MATRIX = {
    #                  read   read  card   mass   write  write  termi- recal-  create delete
    #                  status hist. change change figure setng. nate   culate status status
    "portal":        ("N",   "N",  "N",   "N",   "N",   "N",   "N",   "N",   "N",   "N"),
    "internal":      ("Y",   "Y",  "N",   "N",   "N",   "N",   "N",   "N",   "N",   "N"),
    "salesman":      ("Y",   "Y",  "Y",   "Y",   "N",   "N",   "N",   "N",   "N",   "N"),
    "sales manager": ("Y",   "Y",  "Y",   "Y",   "N",   "N",   "Y",   "Y",   "Y",   "Y"),
    "manager of A":  ("N",   "N",  "N",   "N",   "N",   "N",   "N",   "N",   "Y",   "Y"),
    "administrator": ("Y",   "Y",  "Y",   "Y",   "N",   "Y",   "Y",   "Y",   "Y",   "Y"),
}
# fmt: on
ACTIONS = (
    "read_status",
    "read_history",
    "card_change",
    "mass_change",
    "write_figure",
    "write_settings",
    "terminate",
    "recalculate",
    "create_status",
    "delete_status",
)
DENIED = (AccessError, UserError, ValidationError)


@tagged("post_install", "-at_install")
class TestAccessMatrix(LifecycleCommon):
    """Who may read and change what, on every path, proven cell by cell."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        cls.users = {
            "portal": new_test_user(cls.env, login="lc_portal", groups="base.group_portal"),
            "internal": cls.plain_user,
            "salesman": cls.salesman,
            "sales manager": cls.sales_manager,
            "manager of A": new_test_user(
                cls.env,
                login="lc_manager_a",
                groups="sales_team.group_sale_manager",
                company_id=cls.company.id,
                company_ids=[cls.company.id],
            ),
            "administrator": new_test_user(
                cls.env,
                login="lc_admin",
                groups="base.group_system,sales_team.group_sale_manager",
                company_ids=[cls.company.id, cls.company_b.id],
            ),
        }

    def _target(self, role):
        """A client with a history; of company B for the single-company manager."""
        company = self.company_b if role == "manager of A" else self.company
        client = self._client(f"Client of {role}", company_id=company.id)
        client.lifecycle_status_id = self.status_working
        return client

    # ------------------------------------------------------------------ the actions
    def read_status(self, env, client):
        client.invalidate_recordset()
        values = client.with_env(env).read(["lifecycle_status_id"])[0]
        return values["lifecycle_status_id"][1] == "Working", lambda: None

    def read_history(self, env, client):
        rows = env["partner.lifecycle.history"].search([("partner_id", "=", client.id)])
        return bool(rows) and rows.new_status_id.mapped("name") != [], lambda: None

    def card_change(self, env, client):
        wizard = env["partner.lifecycle.status.change"].with_context(
            active_model="res.partner", active_ids=client.ids
        )
        wizard.create({"status_id": self.status_permanent.id}).action_apply()
        return True, lambda: self.assertEqual(client.lifecycle_status_id, self.status_permanent)

    def mass_change(self, env, client):
        other = self._client("Second", company_id=client.company_id.id)
        env["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, (client | other).ids)], "status_id": self.status_sleeping.id}
        ).action_apply()
        return True, lambda: self.assertEqual(client.lifecycle_status_id, self.status_sleeping)

    def write_figure(self, env, client):
        client.with_env(env).write({"lifecycle_order_count": 999})
        return True, lambda: self.assertEqual(client.lifecycle_order_count, 999)

    def write_settings(self, env, client):
        env["res.config.settings"].create({"lifecycle_sleeping_days": 99}).execute()
        return True, lambda: self.assertEqual(env.company.lifecycle_sleeping_days, 99)

    def terminate(self, env, client):
        client.with_env(env).action_lifecycle_terminate(reason="Matrix")
        return True, lambda: self.assertEqual(client.lifecycle_status_id, self.status_former)

    def recalculate(self, env, client):
        client.with_env(env).action_lifecycle_recalculate()
        return True, lambda: None

    def create_status(self, env, client):
        status = env["partner.lifecycle.status"].create({"name": "Matrix status"})
        return True, lambda: self.assertEqual(status.exists().name, "Matrix status")

    def delete_status(self, env, client):
        status = self.env["partner.lifecycle.status"].create(
            {"name": "Unused", "company_id": env.company.id}
        )
        status.with_env(env).unlink()
        return True, lambda: self.assertEqual(status.exists(), status.browse())

    # ------------------------------------------------------------------ the matrix
    @mute_logger("odoo.addons.base.models.ir_model", "odoo.addons.base.models.ir_rule")
    def test_access_matrix(self):
        """Each role against each action: allowed cells work, denied cells change nothing."""
        for role, cells in MATRIX.items():
            user = self.users[role]
            for action, expected in zip(ACTIONS, cells, strict=True):
                with self.subTest(role=role, action=action):
                    client = self._target(role)
                    before = (client.lifecycle_status_id, client.lifecycle_order_count)
                    env = self.env(user=user, context={"tracking_disable": True})
                    try:
                        with self.env.cr.savepoint():
                            done, effect = getattr(self, action)(env, client)
                            if expected == "Y":
                                effect()
                            raise _Undo(done)
                    except _Undo as undo:
                        outcome = "Y" if undo.done else "N"
                    except DENIED:
                        outcome = "N"
                    self.env.invalidate_all()
                    self.assertEqual(outcome, expected)
                    if expected == "N":
                        after = (client.lifecycle_status_id, client.lifecycle_order_count)
                        self.assertEqual(after, before, "a denied action changed the client")


class _Undo(Exception):
    """Rolls a matrix cell back while carrying its outcome."""

    def __init__(self, done):
        super().__init__()
        self.done = done


@tagged("post_install", "-at_install")
class TestAccess(LifecycleCommon):
    """Company isolation, figures only the add-on writes, and origins set by the code path."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        cls.user_a = new_test_user(
            cls.env,
            login="lc_user_a",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.status_b = cls.env["partner.lifecycle.status"].create(
            {"name": "B only", "company_id": cls.company_b.id}
        )

    def test_history_follows_the_clients_company(self):
        """A user of company A sees no history row of a company-B client."""
        client_b = self._client("Client B", company_id=self.company_b.id)
        client_b.lifecycle_status_id = self.status_working
        history = self.env(user=self.user_a)["partner.lifecycle.history"]
        self.assertEqual(history.search_count([("partner_id", "=", client_b.id)]), 0)
        visible = history.sudo().search_count([("company_id", "!=", self.company_b.id)])
        self.assertEqual(history.search_count([]), visible)

    def test_foreign_status_cannot_be_set_on_a_client(self):
        """A company-B status cannot be given to a company-A client, by any path."""
        client = self._client("Client A", company_id=self.company.id)
        with self.assertRaises(UserError):
            client.lifecycle_status_id = self.status_b
        with self.assertRaises(UserError):
            self.env["partner.lifecycle.status.change"].create(
                {"partner_ids": [(6, 0, client.ids)], "status_id": self.status_b.id}
            ).action_apply()
        self.assertEqual(client.lifecycle_status_id, self.status_new)

    def test_foreign_status_cannot_be_mapped_in_settings(self):
        """Company A's settings cannot map a role to a company-B status."""
        with self.assertRaises(UserError):
            self.company.lifecycle_status_sleeping_id = self.status_b
        self.assertEqual(self.company.lifecycle_status_sleeping_id, self.status_sleeping)

    def test_salesman_gets_no_write_access_on_clients(self):
        """A salesman changes statuses through the wizard but cannot edit a client."""
        client = self._client("Aqua Office")
        with self.assertRaises(AccessError):
            client.with_user(self.salesman).write({"email": "new@example.com"})
        with self.assertRaises(AccessError):
            client.with_user(self.salesman).lifecycle_status_id = self.status_sleeping
        self.assertEqual(client.email, False)

    def test_stored_figures_refused_to_people(self):
        """Figures and termination fields are refused to a manager's write, import or create."""
        client = self._client("Aqua Office")
        manager = client.with_user(self.sales_manager)
        for values in (
            {"lifecycle_order_count": 999},
            {"lifecycle_first_delivery_date": "2020-01-01"},
            {"lifecycle_reason_code": "forged"},
            {"lifecycle_termination_date": "2026-01-01"},
        ):
            with self.subTest(values=values), self.assertRaises(UserError):
                manager.write(values)
        with self.assertRaises(UserError):
            self.env(user=self.sales_manager)["res.partner"].create(
                {"name": "Forged", "lifecycle_order_count": 5}
            )
        with self.assertRaises(UserError):
            self.env(user=self.sales_manager)["res.partner"].with_context(
                default_lifecycle_termination_date="2026-01-01"
            ).create({"name": "Forged"})
        result = self.env(user=self.sales_manager)["res.partner"].load(
            ["name", "lifecycle_order_count"], [["Imported", "7"]]
        )
        self.assertEqual(result["ids"], False)
        self.assertEqual(client.lifecycle_termination_date, False)

    def test_origin_and_reason_come_from_the_path(self):
        """A caller's context cannot forge an automatic history row."""
        client = self._client("Aqua Office")
        forged = {"lifecycle_origin": "automatic", "lifecycle_change_reason": "400 days"}
        self.env(user=self.salesman, context=forged)["partner.lifecycle.status.change"].create(
            {"partner_ids": [(6, 0, client.ids)], "status_id": self.status_sleeping.id}
        ).action_apply()
        last = self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", client.id)], limit=1
        )
        self.assertEqual(last.new_status_id, self.status_sleeping)
        self.assertEqual(
            (last.origin, last.note, last.reason_code), ("manual", False, "held_next_order")
        )
        self.assertEqual(last.user_id, self.salesman)

    def test_public_recalculation_is_for_sales_managers(self):
        """action_lifecycle_recalculate is refused to users who are not sales managers."""
        client = self._aged_client("Idle", [300])
        for user in (self.plain_user, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                client.with_user(user).action_lifecycle_recalculate()
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        client.with_user(self.sales_manager).action_lifecycle_recalculate()
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)

    def test_portal_user_reads_no_lifecycle(self):
        """A portal user cannot read his own company's lifecycle fields."""
        portal = new_test_user(self.env, login="lc_portal2", groups="base.group_portal")
        partner = portal.partner_id
        with self.assertRaises(AccessError):
            partner.with_user(portal).read(["lifecycle_status_id"])

    def test_uninstall_hook_frees_statuses_and_parameters(self):
        """After the uninstall hook, the shipped statuses can be deleted, the at-risk one
        mapped in the settings included; no parameter is left."""
        from ..hooks import uninstall_hook

        self.company.lifecycle_status_at_risk_id = self.env.ref("partner_lifecycle.status_at_risk")
        self.env["ir.config_parameter"].set_param("partner_lifecycle.anything", "1")
        self._client("Aqua Office")
        uninstall_hook(self.env)
        self.env.invalidate_all()
        statuses = self.env["partner.lifecycle.status"].search([])
        statuses.with_context(_force_unlink=True).unlink()
        self.assertEqual(statuses.exists(), statuses.browse())
        params = self.env["ir.config_parameter"].search([("key", "like", "partner_lifecycle.")])
        self.assertEqual(params.mapped("key"), [])
