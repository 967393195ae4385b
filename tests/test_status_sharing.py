import json

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, mute_logger

from .common import LifecycleCommon

RIGHTS_MESSAGE = (
    "%s is shared by every company and used by %s. Only a user allowed in all of these "
    "companies, or an administrator, can rename it, archive it or move it into a company."
)


@tagged("post_install", "-at_install")
class TestSharedStatuses(LifecycleCommon):
    """Shared statuses stay shared: who may rename, archive or move them, and where to."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        cls.manager_a = new_test_user(
            cls.env,
            login="lc_dir_manager_a",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="lc_dir_manager_b",
            groups="sales_team.group_sale_manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.manager_ab = new_test_user(
            cls.env,
            login="lc_dir_manager_ab",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id, cls.company_b.id],
        )
        cls.admin = new_test_user(
            cls.env,
            login="lc_dir_admin",
            groups="base.group_system,sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.salesman_a = new_test_user(
            cls.env,
            login="lc_dir_salesman_a",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.vip = cls.env["partner.lifecycle.status"].create({"name": "VIP", "color": 3})

    def _as(self, user, status):
        return status.with_user(user)

    def _state(self, status):
        status.invalidate_recordset()
        return status.sudo().read(["name", "company_id", "active"])[0]

    @mute_logger("odoo.addons.base.models.ir_rule")
    def test_one_company_manager_cannot_move_shared_status_into_other_company(self):
        """A manager of A only cannot move the shared Working (or an unused status) into B;
        A's salesmen still read Working's colour."""
        for status in (self.status_working, self.vip):
            with self.subTest(status=status.name), self.assertRaises(AccessError):
                self._as(self.manager_a, status).company_id = self.company_b
            self.assertEqual(status.company_id.id, False)
        self.assertEqual(self.company.lifecycle_status_on_first_order_id, self.status_working)
        client = self._client("Aqua Office", company_id=self.company.id)
        client.lifecycle_status_id = self.status_working
        client.invalidate_recordset()
        seen = client.with_user(self.salesman_a).read(["lifecycle_status_color"])[0]
        self.assertEqual(seen["lifecycle_status_color"], self.status_working.color)

    def test_one_company_manager_cannot_change_status_of_other_company_clients(self):
        """A manager of A only cannot rename or archive a shared status that B's clients carry;
        the message names company B."""
        self._client("Client B", company_id=self.company_b.id).lifecycle_status_id = self.vip
        before = self._state(self.vip)
        with self.assertRaises(AccessError) as caught:
            self._as(self.manager_a, self.vip).name = "Key account"
        self.assertEqual(caught.exception.args[0], RIGHTS_MESSAGE % ("VIP", "Water B"))
        with self.assertRaises(AccessError):
            self._as(self.manager_a, self.vip).action_archive()
        self.assertEqual(self._state(self.vip), before)

    def test_one_company_manager_cannot_change_status_mapped_by_other_company(self):
        """A manager of A only cannot rename or archive a shared status that B's settings map;
        nor can a manager of B rename the shared Former that A's settings map."""
        self.company_b.lifecycle_status_at_risk_id = self.vip
        before = self._state(self.vip)
        with self.assertRaises(AccessError):
            self._as(self.manager_a, self.vip).write({"name": "Key account"})
        with self.assertRaises(AccessError):
            self._as(self.manager_a, self.vip).write({"active": False})
        self.assertEqual(self._state(self.vip), before)
        with self.assertRaises(AccessError):
            self._as(self.manager_b, self.status_former).name = "Gone"
        self.assertEqual(self.status_former.name, "Former")

    def test_manager_of_b_cannot_move_permanent_of_a_clients(self):
        """A manager of B cannot move the shared Permanent that A's clients carry into B."""
        client = self._client("Loyal", company_id=self.company.id)
        client.lifecycle_status_id = self.status_permanent
        with self.assertRaises(AccessError):
            self._as(self.manager_b, self.status_permanent).company_id = self.company_b
        self.assertEqual(self.status_permanent.company_id.id, False)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)

    def test_one_company_manager_changes_status_only_his_company_uses(self):
        """A manager of A only renames and archives a shared status used by A alone."""
        client = self._client("Client A", company_id=self.company.id)
        client.lifecycle_status_id = self.vip
        self._as(self.manager_a, self.vip).name = "Key account"
        self.assertEqual(self.vip.name, "Key account")
        client.lifecycle_status_id = self.status_working
        self._as(self.manager_a, self.vip).action_archive()
        self.assertEqual(self.vip.active, False)

    def test_shared_client_counts_for_every_company(self):
        """A client shared by all companies makes its status used by every company: a manager
        of A only cannot rename it, a manager of A and B can."""
        self._client("Shared client").lifecycle_status_id = self.vip
        with self.assertRaises(AccessError) as caught:
            self._as(self.manager_a, self.vip).name = "Key account"
        self.assertEqual(caught.exception.args[0], RIGHTS_MESSAGE % ("VIP", "Water B"))
        self._as(self.manager_ab, self.vip).name = "Key account"
        self.assertEqual(self.vip.name, "Key account")

    def test_manager_of_both_companies_renames_shared_status(self):
        """A manager of A and B renames a shared status carried by B's clients and mapped by
        both companies, and the shared Former."""
        self._client("Client B", company_id=self.company_b.id).lifecycle_status_id = self.vip
        self.company.lifecycle_status_at_risk_id = self.vip
        self._as(self.manager_ab, self.vip).name = "Key account"
        self._as(self.manager_ab, self.status_former).name = "Gone"
        self.assertEqual((self.vip.name, self.status_former.name), ("Key account", "Gone"))

    def test_administrator_renames_shared_status(self):
        """The administrator, though allowed in A only, renames shared statuses B uses."""
        self._client("Client B", company_id=self.company_b.id).lifecycle_status_id = self.vip
        self._as(self.admin, self.vip).name = "Key account"
        self._as(self.admin, self.status_former).name = "Gone"
        self.assertEqual((self.vip.name, self.status_former.name), ("Key account", "Gone"))

    def test_mapped_status_cannot_be_moved_into_another_company(self):
        """A status mapped by A's settings cannot be moved into B, not even by the
        administrator; the message says why."""
        self.company.lifecycle_status_at_risk_id = self.vip
        for user in (self.manager_ab, self.admin):
            with self.subTest(user=user.login), self.assertRaises(ValidationError) as caught:
                self._as(user, self.vip).company_id = self.company_b
            self.assertEqual(
                caught.exception.args[0],
                "VIP cannot be moved into Water B: clients of other companies or shared by all "
                "companies have it: 0; other companies' settings map it: "
                f"{self.company.name}. Keep it shared, or give those clients another status "
                "and change those settings first.",
            )
        self.assertEqual(self.vip.company_id.id, False)
        self.assertEqual(self.company.lifecycle_status_at_risk_id, self.vip)

    def test_status_of_two_companies_clients_cannot_be_moved(self):
        """A status carried by clients of A and of B cannot be moved into A."""
        self._client("Client A", company_id=self.company.id).lifecycle_status_id = self.vip
        self._client("Client B", company_id=self.company_b.id).lifecycle_status_id = self.vip
        with self.assertRaises(ValidationError):
            self._as(self.admin, self.vip).company_id = self.company
        self.assertEqual(self.vip.company_id.id, False)

    def test_status_used_by_one_company_moves_into_it(self):
        """A status carried by A's clients and mapped by A alone moves into A; A's settings and
        clients keep it and A's salesmen read it."""
        client = self._client("Client A", company_id=self.company.id)
        client.lifecycle_status_id = self.vip
        self.company.lifecycle_status_at_risk_id = self.vip
        self._as(self.manager_a, self.vip).company_id = self.company
        self.assertEqual(self.vip.company_id, self.company)
        self.assertEqual(self.company.lifecycle_status_at_risk_id, self.vip)
        client.invalidate_recordset()
        seen = client.with_user(self.salesman_a).read(["lifecycle_status_id"])[0]
        self.assertEqual(seen["lifecycle_status_id"], (self.vip.id, "VIP"))

    def test_company_status_cannot_move_away_from_its_clients(self):
        """A status of A that A's clients carry cannot be moved into B, even by a manager of
        both companies."""
        own = self.env["partner.lifecycle.status"].create(
            {"name": "A only", "company_id": self.company.id}
        )
        self._client("Client A", company_id=self.company.id).lifecycle_status_id = own
        with self.assertRaises(ValidationError):
            self._as(self.manager_ab, own).company_id = self.company_b
        self.assertEqual(own.company_id, self.company)


@tagged("post_install", "-at_install")
class TestStatusNames(LifecycleCommon):
    """Status names: required, not blank, unique per company and among shared statuses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        cls.manager = new_test_user(
            cls.env,
            login="lc_names_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id, cls.company_b.id],
        )
        cls.statuses = cls.env(user=cls.manager)["partner.lifecycle.status"]

    def test_blank_names_refused(self):
        """An empty, a whitespace-only or a missing name is refused on creation and rename."""
        for name in ("", "   ", "\t\n", False):
            with self.subTest(name=name):
                with self.assertRaises(ValidationError) as caught:
                    self.statuses.create({"name": name})
                self.assertEqual(caught.exception.args[0], "A client status needs a name.")
                with self.assertRaises(ValidationError):
                    self.statuses.browse(self.status_working.id).write({"name": name})
        self.assertEqual(self.status_working.name, "Working")

    def test_duplicate_shared_name_refused(self):
        """A second shared status named like a shared one (case and spaces aside) is refused."""
        for name in ("Working", " working ", "WORKING"):
            with self.subTest(name=name), self.assertRaises(ValidationError) as caught:
                self.statuses.create({"name": name})
            self.assertEqual(
                caught.exception.args[0],
                f"A client status named “{name.strip()}” already exists. Names must differ "
                "within a company and from the shared statuses (case and spaces aside).",
            )
        with self.assertRaises(ValidationError):
            self.statuses.browse(self.status_new.id).name = "Sleeping"
        self.assertEqual(self.status_new.name, "New")

    def test_company_status_named_like_shared_refused(self):
        """A company's own status cannot take the name of a shared status, nor a shared one
        the name of a company's status."""
        with self.assertRaises(ValidationError):
            self.statuses.create({"name": "permanent", "company_id": self.company.id})
        self.statuses.create({"name": "Seasonal", "company_id": self.company.id})
        with self.assertRaises(ValidationError):
            self.statuses.create({"name": "Seasonal"})

    def test_same_name_in_one_company_refused_in_two_allowed(self):
        """Two statuses of one company cannot share a name; two companies can each have one."""
        self.statuses.create({"name": "Seasonal", "company_id": self.company.id})
        with self.assertRaises(ValidationError):
            self.statuses.create({"name": "SEASONAL ", "company_id": self.company.id})
        other = self.env["partner.lifecycle.status"].create(
            {"name": "Seasonal", "company_id": self.company_b.id}
        )
        self.assertEqual(other.name, "Seasonal")

    def test_archived_namesake_refused_with_a_hint(self):
        """A name taken by an archived status is refused with a hint to restore it."""
        spare = self.statuses.create({"name": "Spare"})
        spare.action_archive()
        with self.assertRaises(ValidationError) as caught:
            self.statuses.create({"name": "spare"})
        self.assertEqual(
            caught.exception.args[0],
            "An archived client status is already named “spare”: restore it, or choose "
            "another name.",
        )

    def test_name_is_trimmed(self):
        """Spaces around a name are dropped when it is saved."""
        status = self.statuses.create({"name": "  Key account "})
        status.name = " Key client  "
        self.assertEqual(status.name, "Key client")

    def test_archive_after_rename(self):
        """A renamed unused status archives; a renamed status in use is refused with the
        usage message."""
        spare = self.statuses.create({"name": "Spare"})
        spare.name = "Reserve"
        spare.action_archive()
        self.assertEqual((spare.name, spare.active), ("Reserve", False))
        vip = self.statuses.create({"name": "VIP"})
        self._client("Aqua Office").lifecycle_status_id = vip
        vip.name = "Key account"
        with self.assertRaises(UserError) as caught:
            vip.action_archive()
        self.assertEqual(
            caught.exception.args[0],
            "Key account cannot be archived while in use. Clients with it: 1; companies whose "
            "settings map it: 0. Give those clients another status and change the settings "
            "first.",
        )
        self.assertEqual(vip.active, True)

    def test_archive_status_with_a_blank_name_from_an_old_database(self):
        """A status left with an empty name by an older version archives cleanly, or is
        refused with the usage message when in use."""
        unused = self.env["partner.lifecycle.status"].create({"name": "Old"})
        used = self.env["partner.lifecycle.status"].create({"name": "Old used"})
        self._client("Aqua Office").lifecycle_status_id = used
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE partner_lifecycle_status SET name = %s WHERE id IN %s",
                json.dumps({"en_US": ""}),
                (unused.id, used.id),
            )
        )
        self.env.invalidate_all()
        with self.assertRaises(UserError) as caught:
            used.with_user(self.manager).action_archive()
        self.assertEqual(
            caught.exception.args[0],
            f"Status #{used.id} cannot be archived while in use. Clients with it: 1; companies "
            "whose settings map it: 0. Give those clients another status and change the "
            "settings first.",
        )
        unused.with_user(self.manager).action_archive()
        self.assertEqual((unused.active, used.active), (False, True))
