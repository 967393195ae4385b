from datetime import time, timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date

from ..engine import planning as engine
from .day_range import format_day_range

#: What came of the dispatcher's call ("результат звонка").
CALL_RESULTS = [
    ("not_called", "Not called"),
    ("ordered", "Ordered"),
    ("call_back", "Call back"),
    ("refused", "Refused"),
    ("no_answer", "No answer"),
]


class PartnerLifecyclePlanningLine(models.Model):
    """One client of a delivery plan: when it is expected, what it usually takes, the call."""

    _name = "partner.lifecycle.planning.line"
    _description = "Delivery Plan Line"
    _order = "planning_id, sequence, id"
    _rec_name = "partner_id"
    _check_company_auto = True

    planning_id = fields.Many2one(
        "partner.lifecycle.planning",
        string="Delivery Plan",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="planning_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        check_company=True,
        domain="[('lifecycle_is_client', '=', True)]",
    )
    expected_date = fields.Date(
        string="Expected Order",
        help="The day the client is expected to order: its expected next order, or its "
        "contact schedule, or the day it was postponed to.",
    )
    postponed = fields.Boolean(
        readonly=True,
        copy=False,
        help="Moved by the Postpone button: the next fill proposes the client from the "
        "expected date on.",
    )
    days_overdue = fields.Integer(
        compute="_compute_days_overdue",
        help="Days the expected order lies before the plan's first day.",
    )
    zone_id = fields.Many2one(
        "partner.lifecycle.zone",
        string="Delivery Zone",
        compute="_compute_zone_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    status_id = fields.Many2one(
        "partner.lifecycle.status",
        string="Client Status",
        compute="_compute_status_id",
        inverse="_inverse_status_id",
        search="_search_status_id",
        help="The client's status; changing it here changes the client's status (recorded "
        "in its history as a change from delivery planning).",
    )
    status_role = fields.Char(compute="_compute_status_role")
    status_color = fields.Integer(related="status_id.color", string="Status Color")
    phone = fields.Char(related="partner_id.phone")
    mobile = fields.Char(related="partner_id.mobile")
    delivery_address_id = fields.Many2one(
        "res.partner",
        string="Delivery Contact",
        compute="_compute_usual_order",
        store=True,
        readonly=False,
        precompute=True,
        help="The delivery address of the client's last order (else the client's own).",
    )
    address_text = fields.Char(
        string="Delivery Address",
        compute="_compute_address_text",
        help="The street and town of the delivery address.",
    )
    product_id = fields.Many2one(
        "product.product",
        compute="_compute_usual_order",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
        domain=[("sale_ok", "=", True)],
        help="The product in most of the client's recent orders.",
    )
    quantity = fields.Float(
        compute="_compute_usual_order",
        store=True,
        readonly=False,
        precompute=True,
        digits="Product Unit of Measure",
        help="The client's usual quantity of the product (median of its recent orders), "
        "when the company fills quantities in planning.",
    )
    quantity_in_units = fields.Boolean(
        compute="_compute_quantity_in_units",
        help="The product is counted in units (bottles): the quantity shows as a whole number.",
    )
    call_result = fields.Selection(CALL_RESULTS, default="not_called", required=True)
    call_user_id = fields.Many2one(
        "res.users",
        string="Called By",
        readonly=True,
        copy=False,
        help="The dispatcher who set the call result.",
    )
    note = fields.Char()
    order_id = fields.Many2one(
        "sale.order",
        string="Quotation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    pause = fields.Char(
        compute="_compute_pause",
        help="A pause the client declared during the plan or in the two weeks after it.",
    )
    last_order_date = fields.Date(related="partner_id.lifecycle_last_order_date")
    avg_interval_days = fields.Float(related="partner_id.lifecycle_avg_interval_days")
    next_order_range = fields.Char(
        compute="_compute_next_order_range",
        help="The client's range of its next order (the days in which it orders four times "
        "out of five), moved with the line's expected date when a postponement, a call or "
        "a contact schedule moved that date away from the client's expected next order.",
    )

    _sql_constraints = [
        (
            "partner_once",
            "UNIQUE (planning_id, partner_id)",
            "A client appears only once in a delivery plan.",
        ),
    ]

    @api.constrains("partner_id")
    def _check_partner_is_client(self):
        self.partner_id._lifecycle_check_clients()

    @api.model
    def _lifecycle_caller(self, vals):
        """``vals`` with the dispatcher who set the call result (none when set back to not
        called)."""
        if "call_result" not in vals:
            return vals
        called = engine.call_made(vals["call_result"] or engine.NOT_CALLED)
        return {**vals, "call_user_id": self.env.uid if called else False}

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._lifecycle_caller(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._lifecycle_caller(vals))

    # ------------------------------------------------------------------ computes
    @api.depends("partner_id.lifecycle_pause_ids", "planning_id.date_from", "planning_id.date_to")
    @api.depends_context("lang")
    @api.depends(
        "expected_date",
        "partner_id.lifecycle_next_order_date",
        "partner_id.lifecycle_next_order_from",
        "partner_id.lifecycle_next_order_to",
    )
    @api.depends_context("lang")
    def _compute_next_order_range(self):
        for line in self:
            client = line.partner_id
            low, high = client.lifecycle_next_order_from, client.lifecycle_next_order_to
            expected = client.lifecycle_next_order_date
            if low and high and expected and line.expected_date:
                shift = line.expected_date - expected
                low, high = low + shift, high + shift
            line.next_order_range = format_day_range(self.env, low, high)

    def _compute_pause(self):
        for line in self:
            plan = line.planning_id
            horizon = plan.date_to and plan.date_to + timedelta(days=14)
            pause = line.partner_id.sudo().lifecycle_pause_ids.filtered(
                lambda p, start=plan.date_from, end=horizon: (
                    start and p.date_to >= start and p.date_from <= end
                )
            )[:1]
            line.pause = bool(pause) and self.env._(
                "Away %(start)s – %(end)s",
                start=format_date(self.env, pause.date_from),
                end=format_date(self.env, pause.date_to),
            )

    @api.depends(
        "delivery_address_id.street",
        "delivery_address_id.street2",
        "delivery_address_id.city",
    )
    def _compute_address_text(self):
        """The delivery address as the driver reads it: street, street 2, town."""
        for line in self:
            address = line.delivery_address_id
            parts = (address.street, address.street2, address.city)
            line.address_text = ", ".join(part for part in parts if part) or False

    @api.depends("product_id.uom_id", "quantity")
    def _compute_quantity_in_units(self):
        """A whole quantity of a product counted in units (the Unit category of measures), or
        of no product yet (its quotation counts units), shows without decimals; litres or
        kilograms keep them."""
        unit_category = self.env.ref("uom.product_uom_categ_unit", raise_if_not_found=False)
        for line in self:
            category = line.product_id.uom_id.category_id
            line.quantity_in_units = float(line.quantity).is_integer() and (
                not line.product_id or category == unit_category
            )

    @api.depends("expected_date", "planning_id.date_from")
    def _compute_days_overdue(self):
        for line in self:
            date_from = line.planning_id.date_from
            if line.expected_date and date_from:
                line.days_overdue = engine.days_overdue(line.expected_date, date_from)
            else:
                line.days_overdue = 0

    @api.depends("partner_id")
    def _compute_zone_id(self):
        for line in self:
            line.zone_id = line.partner_id.lifecycle_zone_id

    @api.depends("partner_id", "planning_id")
    def _compute_usual_order(self):
        usual = self.env["sale.order"]._lifecycle_usual_orders(
            [line.partner_id.id for line in self if line.partner_id.id]
        )
        for line in self:
            row = usual.get(line.partner_id.id) or {}
            company = line.planning_id.company_id or self.env.company
            fill = company.sudo().lifecycle_planning_fill_quantity
            line.product_id = row.get("product_id") or False
            line.quantity = (row.get("quantity") or 0.0) if fill else 0.0
            line.delivery_address_id = row.get("address_id") or line.partner_id

    @api.depends("partner_id.lifecycle_status_id")
    def _compute_status_id(self):
        for line in self:
            line.status_id = line.partner_id.lifecycle_status_id

    def _inverse_status_id(self):
        """A status chosen on a line changes the client's status as a person's change, from
        delivery planning; the line's note (else the plan's reference) is its reason."""
        for line in self:
            client = line.partner_id
            if line.status_id and line.status_id != client.lifecycle_status_id:
                client._lifecycle_change_by_person(
                    line.status_id,
                    reason=line.note or line.planning_id.name,
                    origin="planning",
                )

    def _search_status_id(self, operator, value):
        return [("partner_id.lifecycle_status_id", operator, value)]

    @api.depends("status_id", "company_id")
    def _compute_status_role(self):
        """The lifecycle role of the line's status (colours in the views); ``custom`` for
        a status of your own."""
        roles = {}
        for line in self:
            company = (line.company_id or self.env.company).sudo()
            if company not in roles:
                roles[company] = {
                    status: role for role, status in company._lifecycle_role_statuses().items()
                }
            line.status_role = roles[company].get(line.status_id, "custom")

    # ------------------------------------------------------------------ buttons
    def action_postpone(self):
        """Postpone ("перенос"): move the expected date the company's number of days past the
        plan's first day (or past the expected date when later); the next fill proposes the
        client from that day on. The call result and the note are kept."""
        self.env["partner.lifecycle.planning"]._lifecycle_check_dispatcher()
        self.check_access("write")
        self.planning_id._lifecycle_check_draft()
        for line in self:
            plan = line.planning_id
            days = plan.company_id.sudo().lifecycle_planning_postpone_days
            moved = engine.postpone(line.expected_date, plan.date_from, days)
            line.write({"expected_date": moved, "postponed": True})
        return True

    def action_set_call_result(self):
        """One tap on a line of the mobile plan: the call result the button names in its
        context (``call_result``), a value of the field's selection."""
        result = self.env.context.get("call_result")
        if result not in dict(self._fields["call_result"].selection):
            raise UserError(self.env._("Unknown call result: %(result)s", result=result))
        self.planning_id._lifecycle_check_draft()
        self.write({"call_result": result})
        return True

    # ------------------------------------------------------------------ quotations
    def _lifecycle_order_values(self):
        """The values of the quotation made from this line: the client, its delivery
        address, the delivery day of the plan, the zone (by setting) and the usual
        product and quantity; override to add values."""
        self.ensure_one()
        plan = self.planning_id
        company = plan.company_id.sudo()
        day = engine.delivery_date(self.expected_date or None, plan.date_from)
        values = {
            "partner_id": self.partner_id.id,
            "company_id": plan.company_id.id,
            "commitment_date": self._lifecycle_delivery_moment(day),
            "origin": plan.name,
        }
        if self.delivery_address_id:
            values["partner_shipping_id"] = self.delivery_address_id.id
        if company.lifecycle_planning_route_to_orders:
            values["lifecycle_zone_id"] = (self.zone_id or plan.zone_id).id
        if self.product_id:
            values["order_line"] = [
                Command.create(
                    {"product_id": self.product_id.id, "product_uom_qty": self.quantity or 1.0}
                )
            ]
        return values

    def _lifecycle_delivery_moment(self, day):
        """The commitment date (UTC) of a quotation delivered on ``day``: that day at the
        plan's ``_lifecycle_delivery_hour`` in the company's time zone."""
        plan = self.planning_id
        return plan.company_id.sudo()._lifecycle_moment(day, time(plan._lifecycle_delivery_hour))

    @api.model
    def _lifecycle_insert(self, plan, entries):
        """Write the lines of ``plan`` for ``entries`` ((row, due) pairs, in order) in one
        INSERT, with each client's zone, usual product and quantity, and last delivery
        address; a client already in the plan is left out. Returns the number written."""
        if not entries:
            return 0
        company = plan.company_id.sudo()
        self.env.cr.execute(
            SQL(
                "SELECT COALESCE(max(sequence), 0) FROM partner_lifecycle_planning_line "
                "WHERE planning_id = %s",
                plan.id,
            )
        )
        start = self.env.cr.fetchone()[0]
        now = fields.Datetime.now()
        query = SQL(
            """INSERT INTO partner_lifecycle_planning_line
                          (planning_id, company_id, sequence, partner_id, expected_date, postponed,
                           zone_id, delivery_address_id, product_id, quantity, call_result,
                           create_uid, create_date, write_uid, write_date)
                   SELECT %(plan)s, %(company)s, v.sequence, p.id, v.expected_date, v.postponed,
                          p.lifecycle_zone_id, COALESCE(u.address_id, p.id), u.product_id,
                          CASE WHEN %(fill_quantity)s THEN u.quantity END, 'not_called',
                          %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(ids)s::int[], %(dates)s::date[], %(postponed)s::bool[],
                                 %(sequences)s::int[])
                          AS v(partner_id, expected_date, postponed, sequence)
                     JOIN res_partner p ON p.id = v.partner_id
                LEFT JOIN LATERAL (%(usual)s) u ON TRUE
              ON CONFLICT DO NOTHING""",
            plan=plan.id,
            company=company.id,
            fill_quantity=company.lifecycle_planning_fill_quantity,
            uid=self.env.uid,
            now=now,
            ids=[row["id"] for row, _found in entries],
            dates=[found.expected_date for _row, found in entries],
            postponed=[found.postponed for _row, found in entries],
            sequences=list(range(start + 1, start + 1 + len(entries))),
            usual=self.env["sale.order"]._lifecycle_usual_order_query(),
        )
        with plan._lifecycle_busy_guard():
            self.env.cr.execute(query)
            added = self.env.cr.rowcount
        plan.invalidate_recordset(["line_ids"])
        self.invalidate_model()
        return added
