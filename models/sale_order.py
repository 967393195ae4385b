from datetime import datetime, time, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

from ..engine import FIRST_USABLE_DATE, LAST_USABLE_DATE, is_usable_date
from ..engine.settings import MAX_ORDER_DAYS_AHEAD, latest_order_date

#: Order fields whose change can change the figures of the clients it counts for.
COUNTED_FIELDS = frozenset({"state", "partner_id", "date_order", "company_id"})


class SaleOrder(models.Model):
    _inherit = "sale.order"

    #: How many of a client's last confirmed orders tell its usual product and quantity.
    _lifecycle_recent_orders = 10

    lifecycle_status_id = fields.Many2one(
        related="partner_id.commercial_partner_id.lifecycle_status_id",
        string="Client Status",
        tracking=False,
    )
    lifecycle_status_color = fields.Integer(related="lifecycle_status_id.color")
    #: Delivery planning finds the orders to deliver in its days by this date.
    commitment_date = fields.Datetime(index="btree_not_null")
    lifecycle_zone_id = fields.Many2one(
        "partner.lifecycle.zone",
        string="Delivery Zone",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The delivery zone (route) of the delivery plan the quotation was made from.",
    )
    lifecycle_delivery_category_id = fields.Many2one(
        "partner.lifecycle.delivery.category",
        string="Delivery Category",
        index="btree_not_null",
        check_company=True,
        copy=False,
        help="The delivery category of the client, on the quotations made from a delivery plan.",
    )

    lifecycle_status_at_order_id = fields.Many2one(
        "partner.lifecycle.status",
        string="Client Status at Order",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The client's status just before this order counted: Sleeping for the order "
        "that woke a sleeping client up, New for a new client's first order. Kept when the "
        "client's status later moves; revenue splits by it in the sales analysis.",
    )

    lifecycle_plan_date = fields.Date(
        string="Planned Delivery Day",
        copy=False,
        readonly=True,
        help="The day a delivery plan made this quotation for: a plan makes one quotation "
        "per client and day.",
    )

    _sql_constraints = [
        (
            "lifecycle_plan_date_once",
            "UNIQUE (partner_id, lifecycle_plan_date)",
            "A delivery plan makes only one quotation per client and day.",
        ),
    ]

    @api.constrains("date_order")
    def _check_lifecycle_date_order(self):
        """An order date the lifecycle rules cannot use is refused when it is entered."""
        for order in self:
            if order.date_order and not is_usable_date(order.date_order.date()):
                raise ValidationError(
                    self.env._(
                        "The order date %(date)s of %(order)s is not plausible: it must lie "
                        "between %(first)s and %(last)s.",
                        date=format_date(self.env, order.date_order.date()),
                        order=order.name,
                        first=format_date(self.env, FIRST_USABLE_DATE),
                        last=format_date(self.env, LAST_USABLE_DATE),
                    )
                )

    @api.constrains("date_order", "state")
    def _check_lifecycle_date_order_ahead(self):
        """A confirmed order is dated at most a year after its company's today (a date further
        ahead would keep its client from ever turning sleeping). Quotations may carry any
        usable date: confirming one dates it today."""
        for order in self._lifecycle_counted().filtered("date_order"):
            if not is_usable_date(order.date_order.date()):
                continue  # refused by _check_lifecycle_date_order
            company = order.company_id
            day = company._lifecycle_date(order.date_order)
            latest = latest_order_date(company._lifecycle_today())
            if day > latest:
                raise ValidationError(
                    self.env._(
                        "The order date %(date)s of %(order)s is too far ahead: a confirmed "
                        "order may be dated at most %(days)s days after today, until %(last)s.",
                        date=format_date(self.env, day),
                        order=order.name,
                        days=MAX_ORDER_DAYS_AHEAD,
                        last=format_date(self.env, latest),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        orders = super().create(vals_list)
        counted = orders._lifecycle_counted()
        counted._lifecycle_keep_status_at_order()
        counted.partner_id._lifecycle_refresh()
        return orders

    def write(self, vals):
        if not COUNTED_FIELDS & set(vals):
            return super().write(vals)
        counted = self._lifecycle_counted()
        before = counted.partner_id  # the clients before the write (an order may move)
        result = super().write(vals)
        (self._lifecycle_counted() - counted)._lifecycle_keep_status_at_order()
        (before | self._lifecycle_counted().partner_id)._lifecycle_refresh()
        return result

    def unlink(self):
        clients = self._lifecycle_counted().partner_id.commercial_partner_id
        result = super().unlink()
        clients._lifecycle_refresh()
        return result

    def init(self):
        result = super().init()
        # The recalculation reads each client's confirmed order days from this index alone
        # (an index-only scan) instead of one heap page per order.
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS sale_order_lifecycle_client_day_index
                       ON sale_order (partner_id) INCLUDE (date_order, company_id)
                    WHERE state = 'sale'"""
            )
        )
        return result

    def _lifecycle_keep_status_at_order(self):
        """Store on these orders, which start counting now, their client's status as it is
        before the client is refreshed for them (an order that already has one keeps it)."""
        orders = self.filtered(lambda order: not order.lifecycle_status_at_order_id)
        by_status = {}
        for order in orders:
            status = order.partner_id.commercial_partner_id.lifecycle_status_id
            if status:
                by_status.setdefault(status.id, []).append(order.id)
        for status_id, ids in by_status.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE sale_order SET lifecycle_status_at_order_id = %s WHERE id = ANY(%s)",
                    status_id,
                    ids,
                )
            )
        orders.invalidate_recordset(["lifecycle_status_at_order_id"])

    @api.model
    def _lifecycle_fill_status_at_order(self, company):
        """Give the confirmed orders of ``company``'s clients that have none their client's
        status just before the order's day, from the status history (install, upgrade): the
        status of the client's last row dated before that day, else the status its first
        later row left, else (before its first status) the company's status at creation.
        Returns the number of orders filled."""
        self.env.flush_all()
        recalculation = self.env["partner.lifecycle.recalculation"]
        order_day = recalculation._order_day(company)
        row_day = company._lifecycle_date_sql(SQL("h.date"))
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order so
                      SET lifecycle_status_at_order_id = COALESCE(
                          (SELECT h.new_status_id FROM partner_lifecycle_history h
                            WHERE h.partner_id = p.id AND %(row_day)s < %(order_day)s
                         ORDER BY h.date DESC, h.id DESC LIMIT 1),
                          (SELECT h.old_status_id FROM partner_lifecycle_history h
                            WHERE h.partner_id = p.id AND %(row_day)s >= %(order_day)s
                         ORDER BY h.date, h.id LIMIT 1),
                          %(on_create)s, p.lifecycle_status_id)
                     FROM res_partner c, res_partner p
                    WHERE so.state = 'sale' AND so.lifecycle_status_at_order_id IS NULL
                      AND c.id = so.partner_id AND p.id = c.commercial_partner_id
                      AND %(company)s""",
                row_day=row_day,
                order_day=order_day,
                on_create=company.lifecycle_status_on_create_id.id or None,
                company=recalculation._company_clause(company),
            )
        )
        filled = self.env.cr.rowcount
        self.invalidate_model(["lifecycle_status_at_order_id"])
        return filled

    def _lifecycle_counted(self):
        """The orders that count for their client's lifecycle (confirmed ones)."""
        return self.filtered(lambda order: order.state == "sale")

    # ------------------------------------------------------------------ delivery planning
    @api.model
    def _lifecycle_quotation_clause(self):
        """``so`` is an open quotation of the client ``p``: the link of the recalculation's
        counted orders (``_counted_order_clause``), in the draft or sent state."""
        return SQL(
            """so.partner_id = c.id AND c.commercial_partner_id = p.id
               AND so.state IN ('draft', 'sent')
               AND (p.company_id IS NULL OR so.company_id = p.company_id)"""
        )

    @api.model
    def _lifecycle_in_period_clause(self, company, date_from, date_to):
        """``so`` is dated in a plan's period: its order day or its delivery (commitment)
        day, both in the company's time zone, falls between ``date_from`` and ``date_to``.

        Each day test comes with a range of UTC moments a day wider on each side (any
        time zone fits in it), which the indexes of the two dates can serve.
        """
        order_day = self.env["partner.lifecycle.recalculation"]._order_day(company)
        low = datetime.combine(date_from - timedelta(days=1), time.min)
        high = datetime.combine(date_to + timedelta(days=2), time.min)
        return SQL(
            """((so.date_order >= %(low)s AND so.date_order < %(high)s
                 AND %(order_day)s BETWEEN %(start)s AND %(end)s)
                OR (so.commitment_date >= %(low)s AND so.commitment_date < %(high)s
                    AND %(delivery_day)s BETWEEN %(start)s AND %(end)s))""",
            low=low,
            high=high,
            order_day=order_day,
            delivery_day=company._lifecycle_date_sql(SQL("so.commitment_date")),
            start=date_from,
            end=date_to,
        )

    @api.model
    def _lifecycle_usual_order_query(self):
        """For the client ``p``, from its last ``_lifecycle_recent_orders`` confirmed orders
        (the usual order of a client, which delivery plans propose):

        - ``product_id``: its usual product, the one in most of these orders (the most
          recently ordered on a tie; active products for sale only);
        - ``quantity``: its usual quantity, the median of that product's quantity in these
          orders, the lower of the two middle values for an even count (a quantity the
          client really ordered);
        - ``address_id``: the delivery address of its last order.
        """
        return SQL(
            """WITH recent AS (
                   SELECT so.id, so.date_order, so.partner_shipping_id
                     FROM res_partner c, sale_order so
                    WHERE %(counted)s
                 ORDER BY so.date_order DESC, so.id DESC
                    LIMIT %(recent)s)
               SELECT (SELECT r.partner_shipping_id FROM recent r
                        ORDER BY r.date_order DESC, r.id DESC LIMIT 1) AS address_id,
                      usual.product_id, usual.quantity
                 FROM (SELECT 1) AS one
            LEFT JOIN LATERAL (
                   SELECT ol.product_id,
                          percentile_disc(0.5) WITHIN GROUP (ORDER BY ol.quantity) AS quantity
                     FROM recent r
                     JOIN LATERAL (SELECT l.product_id, sum(l.product_uom_qty) AS quantity
                                     FROM sale_order_line l
                                    WHERE l.order_id = r.id AND l.product_id IS NOT NULL
                                      AND l.display_type IS NULL
                                      AND l.is_downpayment IS NOT TRUE
                                 GROUP BY l.product_id) ol ON TRUE
                     JOIN product_product pp ON pp.id = ol.product_id AND pp.active
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                                             AND pt.active AND pt.sale_ok
                 GROUP BY ol.product_id
                 ORDER BY count(*) DESC, max(r.date_order) DESC, ol.product_id
                    LIMIT 1) usual ON TRUE""",
            counted=self.env["partner.lifecycle.recalculation"]._counted_order_clause(),
            recent=self._lifecycle_recent_orders,
        )

    @api.model
    def _lifecycle_flush_orders(self):
        """Flush what the planning queries read of clients, orders and products."""
        self.env["res.partner"].flush_model()
        self.env["sale.order"].flush_model(
            [
                "partner_id",
                "state",
                "company_id",
                "date_order",
                "commitment_date",
                "partner_shipping_id",
            ]
        )
        self.env["sale.order.line"].flush_model(
            ["order_id", "product_id", "product_uom_qty", "display_type", "is_downpayment"]
        )
        self.env["product.product"].flush_model(["active", "product_tmpl_id"])
        self.env["product.template"].flush_model(["active", "sale_ok"])

    @api.model
    def _lifecycle_usual_orders(self, partner_ids):
        """``{client id: {"product_id", "quantity", "address_id"}}`` for lines added by hand,
        by the same query as the fill."""
        if not partner_ids:
            return {}
        self._lifecycle_flush_orders()
        rows = self.env.execute_query_dict(
            SQL(
                """SELECT p.id, u.product_id, u.quantity, COALESCE(u.address_id, p.id) AS address_id
                     FROM res_partner p
                LEFT JOIN LATERAL (%s) u ON TRUE
                    WHERE p.id = ANY(%s)""",
                self._lifecycle_usual_order_query(),
                list(partner_ids),
            )
        )
        return {row["id"]: row for row in rows}
