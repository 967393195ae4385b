from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .test_migration import load_migration
from .test_planning import PlanningCommon

MAIN = "partner_lifecycle.delivery_category_main"


@tagged("post_install", "-at_install")
class TestDeliveryCategory(PlanningCommon):
    """Delivery categories: the default of new clients, the fill of a plan by category, the
    quotation's category, who edits and sees them, the upgrade."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        categories = cls.env["partner.lifecycle.delivery.category"]
        cls.main = cls.env.ref(MAIN)
        cls.express = categories.create({"name": "Express", "sequence": 5})
        cls.company_b = cls.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        cls.own_b = categories.create({"name": "B Trucks", "company_id": cls.company_b.id})
        cls.usual = cls._due_client("Usual", lifecycle_zone_id=cls.north.id)
        cls.rushed = cls._due_client(
            "Rushed", lifecycle_zone_id=cls.south.id, lifecycle_delivery_category_id=cls.express.id
        )

    # ------------------------------------------------------------------ defaults
    def test_new_clients_get_the_company_default(self):
        """A new client gets the shipped category "Main"; after a change of the company's
        default, new clients get the new one; a contact person gets none."""
        self.assertEqual(self.company.lifecycle_delivery_category_id, self.main)
        self.assertEqual(self.usual.lifecycle_delivery_category_id, self.main)
        self.company.lifecycle_delivery_category_id = self.express
        client = self._client("New One")
        person = self._client("Anna", parent_id=client.id)
        self.assertEqual(client.lifecycle_delivery_category_id, self.express)
        self.assertEqual(person.lifecycle_delivery_category_id.ids, [])
        self.assertEqual(self.usual.lifecycle_delivery_category_id, self.main)

    def test_new_client_in_the_card(self):
        """A sales manager creating a client in the card gets the default; a category chosen
        there is kept."""
        form = Form(self.env(user=self.sales_manager)["res.partner"])
        form.name = "Card Client"
        client = form.save()
        self.assertEqual(client.lifecycle_delivery_category_id, self.main)
        form = Form(self.env(user=self.sales_manager)["res.partner"])
        form.name = "Card Express"
        form.lifecycle_delivery_category_id = self.express
        self.assertEqual(form.save().lifecycle_delivery_category_id, self.express)

    def test_client_of_another_company_gets_its_default(self):
        """A client of company B gets B's default, a category of its own."""
        self.company_b.lifecycle_delivery_category_id = self.own_b
        client = self._client("B Client", company_id=self.company_b.id)
        self.assertEqual(client.lifecycle_delivery_category_id, self.own_b)
        self.assertEqual(self.company_b.lifecycle_delivery_category_id, self.own_b)
        new_company = self.env["res.company"].create({"name": "Water C"})
        self.assertEqual(new_company.lifecycle_delivery_category_id, self.main)

    # ------------------------------------------------------------------ planning
    def test_fill_by_category(self):
        """A plan of the Express category is filled with the Express clients only; a plan
        without category with every client due."""
        express_plan = self._filled(delivery_category_id=self.express.id)
        self.assertEqual(express_plan.line_ids.partner_id, self.rushed)
        main_plan = self._filled(delivery_category_id=self.main.id)
        self.assertEqual(main_plan.line_ids.partner_id, self.usual)
        (express_plan | main_plan).action_done()  # a client is in one open plan a day
        self.assertEqual(self._filled().line_ids.partner_id, self.usual | self.rushed)

    def test_quotations_carry_the_category(self):
        """The quotations made from a plan carry their client's delivery category."""
        plan = self._filled()
        plan.action_create_orders()
        categories = {
            line.partner_id: line.order_id.lifecycle_delivery_category_id for line in plan.line_ids
        }
        self.assertEqual(categories, {self.usual: self.main, self.rushed: self.express})

    def test_client_without_category_takes_the_plans(self):
        """A client without category, in a plan of no category, makes a quotation without one."""
        self.usual.lifecycle_delivery_category_id = False
        plan = self._filled()
        plan.action_create_orders()
        self.assertEqual(
            self._line(plan, self.usual).order_id.lifecycle_delivery_category_id.ids, []
        )

    # ------------------------------------------------------------------ rights
    def test_managers_edit_users_read(self):
        """Employees read the categories; salespeople cannot change them; sales managers do."""
        categories = self.env(user=self.plain_user)["partner.lifecycle.delivery.category"]
        self.assertEqual(self.main in categories.search([]), True)
        with self.assertRaises(AccessError):
            self.env(user=self.salesman)["partner.lifecycle.delivery.category"].create(
                {"name": "Night"}
            )
        with self.assertRaises(AccessError):
            self.express.with_user(self.salesman).name = "Slow"
        manager = self.env(user=self.sales_manager)["partner.lifecycle.delivery.category"]
        night = manager.create({"name": "Night"})
        night.write({"name": "Night Run", "sequence": 2})
        self.assertEqual((night.name, night.sequence), ("Night Run", 2))

    def test_company_rule(self):
        """A user of company A sees shared categories and A's, not those of company B."""
        own_a = self.env["partner.lifecycle.delivery.category"].create(
            {"name": "A Vans", "company_id": self.company.id}
        )
        user_a = new_test_user(
            self.env,
            login="lc_cat_a",
            groups="sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        seen = self.env(user=user_a)["partner.lifecycle.delivery.category"].search([])
        self.assertEqual((self.main | self.express | own_a) - seen, self.env[seen._name])
        self.assertEqual(self.own_b in seen, False)

    def test_uninstall_frees_the_shipped_category(self):
        """After the uninstall hook, the shipped category can be deleted with the add-on."""
        from ..hooks import uninstall_hook

        uninstall_hook(self.env)
        self.env.invalidate_all()
        self.main.unlink()
        self.assertEqual(self.main.exists().ids, [])
        self.assertEqual(self.usual.lifecycle_delivery_category_id.ids, [])

    # ------------------------------------------------------------------ upgrade
    def test_migration_gives_categories(self):
        """A database of the previous release (no default, no client category) gets "Main"
        on its companies and its clients; a second run changes nothing."""
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_company SET lifecycle_delivery_category_id = NULL"))
        self.env.cr.execute(SQL("UPDATE res_partner SET lifecycle_delivery_category_id = NULL"))
        self.env.invalidate_all()
        contact = self._client("Person", parent_id=self.usual.id)
        migration = load_migration("18.0.1.3.0", "post-delivery-category")
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(self.company.lifecycle_delivery_category_id, self.main)
        self.assertEqual(self.company_b.lifecycle_delivery_category_id, self.main)
        self.assertEqual(
            (self.usual | self.rushed).mapped("lifecycle_delivery_category_id"), self.main
        )
        self.assertEqual(contact.lifecycle_delivery_category_id.ids, [])
        self.rushed.lifecycle_delivery_category_id = self.express
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(self.rushed.lifecycle_delivery_category_id, self.express)
        self.assertEqual(self.usual.lifecycle_delivery_category_id, self.main)

    def test_migration_gives_deliveries_their_zone(self):
        """Deliveries of the previous release get the zone of their order; a second run finds
        nothing to give."""
        plan = self._filled()
        plan.action_create_orders()
        orders = plan.line_ids.order_id
        orders.action_confirm()
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE stock_picking SET lifecycle_zone_id = NULL"))
        self.env.invalidate_all()
        migration = load_migration("18.0.1.3.0", "post-picking-zone")
        migration.migrate(self.env.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        zones = {order.partner_id: order.picking_ids.lifecycle_zone_id for order in orders}
        self.assertEqual(zones, {self.usual: self.north, self.rushed: self.south})
        self.assertEqual(migration.give_zones(self.env.cr), 0)
