from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import convert_file
from odoo.tools.safe_eval import safe_eval

from ..bench import generate
from .common import LifecycleCommon

STATUS_XMLIDS = (
    "partner_lifecycle.status_new",
    "partner_lifecycle.status_working",
    "partner_lifecycle.status_permanent",
    "partner_lifecycle.status_at_risk",
    "partner_lifecycle.status_sleeping",
    "partner_lifecycle.status_former",
)


@tagged("post_install", "-at_install")
class TestStatusDirectory(LifecycleCommon):
    """The status directory: shipped records, renames, deletion and archiving."""

    def _reload_status_data(self):
        """Load the shipped status file again, as an upgrade of the add-on does."""
        convert_file(
            self.env,
            "partner_lifecycle",
            "data/partner_lifecycle_status_data.xml",
            {},
            mode="update",
            noupdate=False,
        )
        self.env.invalidate_all()

    def test_six_statuses_in_order(self):
        """The add-on ships New, Working, Permanent, At risk, Sleeping and Former, in order."""
        shipped = self.env["partner.lifecycle.status"].browse(
            [self.env.ref(xmlid).id for xmlid in STATUS_XMLIDS]
        )
        ordered = self.env["partner.lifecycle.status"].search([("id", "in", shipped.ids)])
        self.assertEqual(ordered, shipped)
        self.assertEqual(
            shipped.with_context(lang="en_US").mapped("name"),
            ["New", "Working", "Permanent", "At risk", "Sleeping", "Former"],
        )

    def test_shipped_statuses_are_noupdate(self):
        """Every shipped status is protected from upgrades (noupdate)."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "partner_lifecycle"), ("model", "=", "partner.lifecycle.status")]
        )
        self.assertEqual(len(data), 6)
        self.assertEqual(set(data.mapped("noupdate")), {True})

    def test_shipped_statuses_have_a_colour(self):
        """Every shipped status, at risk included, has its own colour on badges and statusbar."""
        colours = [self.env.ref(xmlid).color for xmlid in STATUS_XMLIDS]
        self.assertEqual(colours, [4, 10, 7, 2, 3, 1])

    def test_demo_key_account_status_has_a_colour(self):
        """The demo's own status, "Key account", has a colour none of the shipped ones has."""
        generate.generate(self.env, clients=3, seed=1, years=1, company=self.company)
        key_account = self.env["partner.lifecycle.status"].search([("name", "=", "Key account")])
        shipped = {self.env.ref(xmlid).color for xmlid in STATUS_XMLIDS}
        self.assertEqual(len(key_account), 1)
        self.assertNotIn(key_account.color, shipped | {0})

    def test_rename_survives_upgrade(self):
        """A status renamed and recoloured by the user keeps its name after the data reload."""
        self.status_working.write({"name": "Served", "color": 2})
        self._reload_status_data()
        self.assertEqual(self.status_working.name, "Served")
        self.assertEqual(self.status_working.color, 2)
        self.assertEqual(self.env.ref("partner_lifecycle.status_working"), self.status_working)

    def test_archived_status_stays_archived_after_upgrade(self):
        """An archived shipped status is neither recreated nor reactivated by the data reload."""
        self.company.lifecycle_status_sleeping_id = False
        self.status_sleeping.active = False
        self._reload_status_data()
        self.assertEqual(self.status_sleeping.active, False)
        count = (
            self.env["partner.lifecycle.status"]
            .with_context(active_test=False)
            .search_count([("name", "=", "Sleeping")])
        )
        self.assertEqual(count, 1)

    def test_delete_status_of_a_client_refused(self):
        """Deleting a status that a client has is refused and nothing is lost."""
        client = self._client("Aqua Office")
        with self.assertRaises(UserError):
            self.status_new.unlink()
        self.assertEqual(self.status_new.exists(), self.status_new)
        self.assertEqual(client.lifecycle_status_id, self.status_new)

    def test_delete_status_of_a_setting_refused(self):
        """Deleting a status mapped in a company's settings is refused."""
        vip = self.env["partner.lifecycle.status"].create({"name": "VIP"})
        self.company.lifecycle_status_permanent_id = vip
        with self.assertRaises(UserError):
            vip.unlink()
        self.assertEqual(self.company.lifecycle_status_permanent_id, vip)

    def test_delete_unused_status(self):
        """A status nobody uses can be deleted."""
        spare = self.env["partner.lifecycle.status"].create({"name": "Spare"})
        spare.unlink()
        self.assertEqual(spare.exists().ids, [])

    def test_archive_unused_status(self):
        """Archiving a status nobody uses hides it from the directory."""
        vip = self.env["partner.lifecycle.status"].create({"name": "VIP"})
        vip.action_archive()
        self.assertEqual(vip.active, False)
        visible = self.env["partner.lifecycle.status"].search([])
        self.assertEqual(vip in visible, False)

    def test_client_counter(self):
        """The directory counts the clients of each status."""
        self._client("One")
        self._client("Two")
        before = self.status_new.partner_count
        self._client("Three")
        self.status_new.invalidate_recordset(["partner_count"])
        self.assertEqual(self.status_new.partner_count, before + 1)

    def test_clients_by_status_report(self):
        """The "Clients by status" report counts the clients of each status per company."""
        action = self.env.ref("partner_lifecycle.partner_lifecycle_report_action")
        self._client("One")
        self._client("Two").lifecycle_status_id = self.status_permanent
        domain = [*safe_eval(action.domain), ("name", "in", ["One", "Two"])]
        groups = self.env["res.partner"]._read_group(
            domain, ["lifecycle_status_id", "company_id"], ["__count"]
        )
        counts = {status: count for status, _company, count in groups}
        self.assertEqual(counts, {self.status_new: 1, self.status_permanent: 1})

    def test_clients_by_status_counts_the_clients_with_a_status(self):
        """The report's domain names the same partners as "a client with a status": a
        company and a person without a company are counted; a contact person that kept a
        status from before it joined a company, an archived client and a customer without a
        status are not."""
        action = self.env.ref("partner_lifecycle.partner_lifecycle_report_action")
        company = self._client("Report Co", is_company=True)
        person = self._client("Report Person")
        moved = self._client("Report Moved")
        moved.parent_id = company  # a contact now; its status was set when it was a client
        archived = self._client("Report Archived")
        archived.action_archive()
        bare = self._client("Report Bare", customer_rank=1)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET lifecycle_status_id = NULL WHERE id = %s", [bare.id]
        )
        self.env.invalidate_all()
        names = [("name", "like", "Report ")]
        reported = self.env["res.partner"].search([*safe_eval(action.domain), *names])
        self.assertEqual(moved.lifecycle_status_id, self.status_new)
        self.assertEqual(reported, company | person)
        clients = self.env["res.partner"].search(
            [("lifecycle_is_client", "=", True), ("lifecycle_status_id", "!=", False), *names]
        )
        self.assertEqual(reported, clients)
