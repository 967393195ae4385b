from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LifecycleCommon


@tagged("post_install", "-at_install")
class TestSecurity(LifecycleCommon):
    """Who may read and manage statuses, change a client's status, and see which company's."""

    def test_plain_user_cannot_create_status(self):
        """A user without sales rights cannot add a status to the directory."""
        with self.assertRaises(AccessError):
            self.env(user=self.plain_user)["partner.lifecycle.status"].create({"name": "VIP"})

    def test_plain_user_cannot_change_client_status(self):
        """A user without sales rights cannot change a client's status."""
        client = self._client("Aqua Office")
        with self.assertRaises(AccessError):
            client.with_user(self.plain_user).lifecycle_status_id = self.status_permanent
        self.assertEqual(client.lifecycle_status_id, self.status_new)

    def test_salesman_reads_statuses_but_cannot_manage_them(self):
        """A salesman sees the directory but cannot add, edit or delete statuses."""
        statuses = self.env(user=self.salesman)["partner.lifecycle.status"]
        found = statuses.search([("id", "=", self.status_former.id)])
        self.assertEqual(found.name, "Former")
        with self.assertRaises(AccessError):
            statuses.create({"name": "VIP"})
        with self.assertRaises(AccessError):
            statuses.browse(self.status_new.id).write({"name": "Fresh"})
        with self.assertRaises(AccessError):
            statuses.browse(self.status_new.id).unlink()

    def test_salesman_changes_client_status(self):
        """A salesman changes a client's status; the history names the salesman."""
        client = self._client("Aqua Office")
        self.env(user=self.salesman)["partner.lifecycle.status.change"].create(
            {"partner_ids": [client.id], "status_id": self.status_working.id}
        ).action_apply()
        self.assertEqual(client.lifecycle_status_id, self.status_working)
        last = self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", client.id)], limit=1
        )
        self.assertEqual(last.user_id, self.salesman)

    def test_salesman_reads_history(self):
        """A salesman reads the status history of a client."""
        client = self._client("Aqua Office")
        client.lifecycle_status_id = self.status_working
        client.invalidate_recordset(["lifecycle_history_ids"])
        history = client.with_user(self.salesman).lifecycle_history_ids
        self.assertEqual([line.new_status_id.name for line in history], ["Working", "New"])

    def test_salesman_cannot_run_the_recalculation_wizard(self):
        """The recalculation wizard is for sales managers only."""
        client = self._client("Aqua Office")
        env = self.env(user=self.salesman)
        with self.assertRaises(AccessError):
            env["partner.lifecycle.recalculate"].create({"partner_ids": [client.id]})

    def test_sales_manager_manages_directory(self):
        """A sales manager adds, renames and archives statuses."""
        statuses = self.env(user=self.sales_manager)["partner.lifecycle.status"]
        vip = statuses.create({"name": "VIP", "color": 5})
        vip.name = "Key account"
        vip.action_archive()
        self.assertEqual((vip.name, vip.active), ("Key account", False))

    def test_salesman_cannot_change_settings(self):
        """The lifecycle settings are refused to a salesman."""
        with self.assertRaises(AccessError):
            self.env(user=self.salesman)["res.config.settings"].create(
                {"lifecycle_sleeping_days": 10}
            )
        self.assertEqual(self.company.lifecycle_sleeping_days, 180)

    def test_other_company_status_hidden(self):
        """A status of company B is invisible to a user of company A only."""
        company_b = self.env["res.company"].create({"name": "Water B"})
        status_b = self.env["partner.lifecycle.status"].create(
            {"name": "B only", "company_id": company_b.id}
        )
        user_a = new_test_user(
            self.env,
            login="lc_user_a",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        user_ab = new_test_user(
            self.env,
            login="lc_user_ab",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[self.company.id, company_b.id],
        )
        seen_by_a = self.env(user=user_a)["partner.lifecycle.status"].search([])
        self.assertEqual(status_b in seen_by_a, False)
        self.assertEqual(self.status_new in seen_by_a, True)
        with self.assertRaises(AccessError):
            self.env(user=user_a)["partner.lifecycle.status"].browse(status_b.id).name  # noqa: B018
        both = self.env(
            user=user_ab, context={"allowed_company_ids": [self.company.id, company_b.id]}
        )
        self.assertEqual(status_b in both["partner.lifecycle.status"].search([]), True)
