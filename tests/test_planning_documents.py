from datetime import timedelta

from lxml import html

from odoo.tests import tagged
from odoo.tools import format_date

from .test_planning import PlanningCommon

ROUTE_SHEET = "partner_lifecycle.action_report_route_sheet"


def _text(element):
    """The text of an element as a reader sees it: spaces collapsed."""
    return " ".join(element.text_content().split())


@tagged("post_install", "-at_install")
class TestPlanningDocuments(PlanningCommon):
    """The documents of a dispatcher's day: the zone on deliveries, the route sheet, the
    print offer of "Create Quotations"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.lifecycle_planning_offer_print = False
        cls.north_client = cls._due_client(
            "Ivanov Bakery",
            expected_in=-2,
            lifecycle_zone_id=cls.north.id,
            street="Lenin St 1",
            city="Kazan",
            phone="+7 843 100-00-01",
            mobile="+7 900 100-00-02",
        )
        cls.env["res.partner"].create(
            {"name": "Olga Ivanova", "parent_id": cls.north_client.id, "type": "contact"}
        )
        cls.south_client = cls._due_client(
            "Petrov Office",
            lifecycle_zone_id=cls.south.id,
            street="Bauman St 5",
            street2="office 12",
            city="Kazan",
            phone="+7 843 200-00-01",
        )
        cls.south_second = cls._due_client(
            "Sidorova", lifecycle_zone_id=cls.south.id, street="Kremlin St 3", city="Kazan"
        )

    def _route_sheet(self, plan):
        """The rendered route sheet of ``plan``: its parsed HTML."""
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(ROUTE_SHEET, plan.ids)
        return html.fromstring(content)

    def _quoted_plan(self, quantities=None):
        """Tomorrow's plan filled and turned into quotations, with ``quantities`` (client ->
        quantity) on the lines first."""
        plan = self._filled()
        for client, quantity in (quantities or {}).items():
            self._line(plan, client).quantity = quantity
        plan.action_create_orders()
        return plan

    # ------------------------------------------------------------------ zone on deliveries
    def test_zone_on_deliveries(self):
        """With the setting, the delivery of a quotation from the plan carries the plan's zone,
        and the warehouse finds and groups its deliveries by zone."""
        plan = self._quoted_plan()
        orders = plan.line_ids.order_id
        orders.action_confirm()
        zones = {order.partner_id: order.picking_ids.lifecycle_zone_id for order in orders}
        self.assertEqual(zones[self.north_client], self.north)
        self.assertEqual(zones[self.south_client], self.south)
        pickings = self.env["stock.picking"]
        found = pickings.search([("lifecycle_zone_id", "=", self.south.id)])
        self.assertEqual(found.partner_id, self.south_client | self.south_second)
        groups = dict(
            pickings._read_group(
                [("id", "in", orders.picking_ids.ids)], ["lifecycle_zone_id"], ["__count"]
            )
        )
        self.assertEqual(groups, {self.north: 1, self.south: 2})

    def test_zone_kept_on_the_backorder(self):
        """A delivery sent in part leaves a backorder in the same zone."""
        plan = self._quoted_plan({self.north_client: 3})
        order = self._line(plan, self.north_client).order_id
        order.action_confirm()
        self._deliver(order, qty=1)
        self.assertEqual(len(order.picking_ids), 2)
        self.assertEqual(order.picking_ids.lifecycle_zone_id, self.north)

    def test_no_zone_on_deliveries_when_off(self):
        """Without the setting, neither the quotation nor its delivery carries a zone."""
        self.company.lifecycle_planning_route_to_orders = False
        plan = self._quoted_plan()
        orders = plan.line_ids.order_id
        orders.action_confirm()
        self.assertEqual(orders.picking_ids.lifecycle_zone_id.ids, [])
        self.assertEqual(len(orders.picking_ids), 3)

    def test_order_without_plan_has_no_zone(self):
        """An order made by hand gets a delivery without zone."""
        order = self._order(self.north_client)
        self.assertEqual(order.picking_ids.lifecycle_zone_id.ids, [])

    # ------------------------------------------------------------------ route sheet
    def test_route_sheet_content(self):
        """The route sheet lists each zone's clients with address, phones, contact person,
        whole quantities, note and status, then the totals of each zone and of the plan."""
        plan = self._filled()
        self._line(plan, self.north_client).note = "Gate code 15"
        self._line(plan, self.north_client).quantity = 2
        self._line(plan, self.south_client).quantity = 3
        plan.action_create_orders()
        sheet = self._route_sheet(plan)
        self.assertEqual(
            [_text(h) for h in sheet.xpath("//h5")],
            ["Zone: North", "Zone: South", "Total of the plan"],
        )
        rows = [
            [_text(cell) for cell in row.xpath("./td")]
            for row in sheet.xpath("//table[contains(@class, 'o_lifecycle_route_table')]/tbody/tr")
        ]
        self.assertEqual(
            rows,
            [
                [
                    "1",
                    "Ivanov Bakery Contact: Olga Ivanova",
                    "Lenin St 1, Kazan",
                    "+7 843 100-00-01, +7 900 100-00-02",
                    "Water 19 l × 2",
                    "Gate code 15",
                    "Working",
                ],
                [
                    "1",
                    "Petrov Office",
                    "Bauman St 5, office 12, Kazan",
                    "+7 843 200-00-01",
                    "Water 19 l × 3",
                    "",
                    "Working",
                ],
                ["2", "Sidorova", "Kremlin St 3, Kazan", "", "Water 19 l × 1", "", "Working"],
            ],
        )
        self.assertEqual(
            [_text(p) for p in sheet.xpath("//p[hasclass('o_lifecycle_route_zone_total')]")],
            [
                "Zone total: clients 1, Water 19 l × 2",
                "Zone total: clients 2, Water 19 l × 4",
            ],
        )
        totals = sheet.xpath("//div[hasclass('o_lifecycle_route_total')]//tr")
        self.assertEqual([_text(row) for row in totals], ["Clients 3", "Water 19 l 6"])

    def test_route_sheet_before_quotations(self):
        """Before "Create Quotations", the route sheet lists the lines it would take, with
        their product and quantity; a refused client is left out."""
        plan = self._filled()
        self._line(plan, self.south_second).call_result = "refused"
        self._line(plan, self.south_client).quantity = 5
        sheet = self._route_sheet(plan)
        clients = [_text(cell) for cell in sheet.xpath("//tbody/tr/td[2]/div[1]")]
        self.assertEqual(clients, ["Ivanov Bakery", "Petrov Office"])
        totals = sheet.xpath("//div[hasclass('o_lifecycle_route_total')]//tr")
        self.assertEqual([_text(row) for row in totals], ["Clients 2", "Water 19 l 6"])

    def test_route_sheet_other_units_and_fractions(self):
        """A quantity in another unit shows the unit; a fraction keeps its decimals."""
        litre = self.env.ref("uom.product_uom_litre")
        milk = self.env["product.product"].create(
            {"name": "Milk", "type": "consu", "uom_id": litre.id, "uom_po_id": litre.id}
        )
        plan = self._filled()
        line = self._line(plan, self.north_client)
        line.write({"product_id": milk.id, "quantity": 2.5})
        self._line(plan, self.south_client).quantity = 2
        sheet = self._route_sheet(plan)
        products = [_text(cell) for cell in sheet.xpath("//tbody/tr/td[5]")]
        self.assertEqual(products, ["Milk × 2.50 L", "Water 19 l × 2", "Water 19 l × 1"])

    def test_route_sheet_in_russian(self):
        """A plan whose responsible reads Russian prints its route sheet in Russian: labels,
        statuses and numbers."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_lifecycle"], ["ru_RU"], overwrite=True
        )
        template = self.env.ref("partner_lifecycle.report_route_sheet_document")
        template.update_field_translations(
            "arch_db",
            {"ru_RU": {"Route Sheet": "Маршрутный лист", "Zone:": "Зона:", "Client": "Клиент"}},
        )
        self.salesman.lang = "ru_RU"
        plan = self._filled(user_id=self.salesman.id)
        self._line(plan, self.north_client).quantity = 1500
        sheet = self._route_sheet(plan)
        self.assertEqual(_text(sheet.xpath("//h3")[0]), f"Маршрутный лист {plan.name}")
        self.assertEqual(_text(sheet.xpath("//h5")[0]), "Зона: North")
        self.assertEqual(_text(sheet.xpath("//thead/tr/th[2]")[0]), "Клиент")
        self.assertEqual(_text(sheet.xpath("//tbody/tr/td[7]")[0]), "Рабочий")
        self.assertEqual(_text(sheet.xpath("//tbody/tr/td[5]")[0]), "Water 19 l × 1 500")
        self.salesman.lang = "en_US"
        english = self._route_sheet(plan)
        self.assertEqual(_text(english.xpath("//h3")[0]), f"Route Sheet {plan.name}")

    def test_route_sheet_printed_by_the_dispatcher(self):
        """The Route Sheet button of a salesperson prints the plan's route sheet."""
        plan = self._filled(user=self.salesman)
        action = plan.action_print_route_sheet()
        self.assertEqual(
            (action["type"], action["report_name"], action["context"]["active_ids"]),
            ("ir.actions.report", "partner_lifecycle.report_route_sheet", plan.ids),
        )
        report = self.env.ref(ROUTE_SHEET)
        self.assertEqual(report.paperformat_id.format, "A4")
        self.assertEqual(report.paperformat_id.orientation, "Portrait")

    # ------------------------------------------------------------------ print offer
    def test_print_offer_when_on(self):
        """With "Offer to print", "Create Quotations" says how many it made, then prints the
        quotations it made (they have no delivery yet) in one PDF."""
        self.company.lifecycle_planning_offer_print = True
        plan = self._filled(user=self.salesman)
        action = plan.action_create_orders()
        self.assertEqual(
            action["params"]["message"],
            f"{plan.name}: Quotations made: 3; lines linked to an existing quotation of the day: "
            "0; lines skipped: 0.",
        )
        offer = action["params"]["next"]
        self.assertEqual(
            (offer["type"], offer["report_name"]), ("ir.actions.report", "sale.report_saleorder")
        )
        self.assertEqual(sorted(offer["context"]["active_ids"]), sorted(plan.line_ids.order_id.ids))

    def test_print_offer_of_delivery_slips(self):
        """Orders that have their deliveries are offered as the delivery slips of these."""
        self.company.lifecycle_planning_offer_print = True
        plan = self._quoted_plan()
        orders = plan.line_ids.order_id
        orders.action_confirm()
        offer = plan.with_user(self.salesman)._lifecycle_print_offer(orders)
        self.assertEqual(offer["report_name"], "stock.report_deliveryslip")
        self.assertEqual(sorted(offer["context"]["active_ids"]), sorted(orders.picking_ids.ids))
        content, _kind = self.env["ir.actions.report"]._render_qweb_html(
            "stock.action_report_delivery", orders.picking_ids.ids
        )
        self.assertEqual(
            all(name in content.decode() for name in ("Ivanov Bakery", "Petrov Office")), True
        )

    def test_no_print_offer_when_off(self):
        """Without the setting, "Create Quotations" only says how many it made."""
        plan = self._filled()
        action = plan.action_create_orders()
        self.assertEqual(
            action["params"]["message"],
            f"{plan.name}: Quotations made: 3; lines linked to an existing quotation of the day: "
            "0; lines skipped: 0.",
        )
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"})
        self.assertEqual(plan._lifecycle_print_offer(plan.line_ids.order_id), False)

    def test_settings_of_the_documents(self):
        """The print offer and the default delivery category are company settings."""
        category = self.env["partner.lifecycle.delivery.category"].create({"name": "Express"})
        settings = self.env["res.config.settings"].create(
            {"lifecycle_planning_offer_print": True, "lifecycle_delivery_category_id": category.id}
        )
        settings.execute()
        self.assertEqual(
            (
                self.company.lifecycle_planning_offer_print,
                self.company.lifecycle_delivery_category_id,
            ),
            (True, category),
        )
        self.assertEqual(
            self.env["res.config.settings"].create({}).lifecycle_delivery_category_id, category
        )

    def test_route_sheet_header(self):
        """The header gives the plan's day (or days), its category and its responsible."""
        plan = self._filled(
            delivery_category_id=self.env.ref("partner_lifecycle.delivery_category_main").id,
            user_id=self.salesman.id,
        )
        longer = self._filled(date_to=self.today + timedelta(days=3), user_id=False)
        header = "//p[hasclass('o_lifecycle_route_header')]"
        self.assertEqual(
            _text(self._route_sheet(plan).xpath(header)[0]),
            f"Delivery day: {format_date(self.env, self.tomorrow)} · Delivery category: Main "
            f"· Responsible: {self.salesman.name}",
        )
        self.assertEqual(
            _text(self._route_sheet(longer).xpath(header)[0]),
            f"Delivery days: {format_date(self.env, self.tomorrow)} – "
            f"{format_date(self.env, self.today + timedelta(days=3))}",
        )
