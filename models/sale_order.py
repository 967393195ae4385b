from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_date

from ..engine import FIRST_USABLE_DATE, LAST_USABLE_DATE, is_usable_date
from ..engine.settings import MAX_ORDER_DAYS_AHEAD, latest_order_date

#: Order fields whose change can change the figures of the clients it counts for.
COUNTED_FIELDS = frozenset({"state", "partner_id", "date_order", "company_id"})


class SaleOrder(models.Model):
    _inherit = "sale.order"

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

    @api.constrains("date_order")
    def _check_lifecycle_date_order(self):
        """An order date the lifecycle rules cannot use is refused when it is entered."""
        for order in self:
            if order.date_order and not is_usable_date(order.date_order.date()):
                raise ValidationError(
                    self.env._(
                        "The order date %(date)s of %(order)s is not plausible: it must lie "
                        "between %(first)s and %(last)s.",
                        date=order.date_order.date().isoformat(),
                        order=order.name,
                        first=FIRST_USABLE_DATE.isoformat(),
                        last=LAST_USABLE_DATE.isoformat(),
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
        orders._lifecycle_counted().partner_id._lifecycle_refresh()
        return orders

    def write(self, vals):
        if not COUNTED_FIELDS & set(vals):
            return super().write(vals)
        before = self._lifecycle_counted().partner_id
        result = super().write(vals)
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

    def _lifecycle_counted(self):
        """The orders that count for their client's lifecycle (confirmed ones)."""
        return self.filtered(lambda order: order.state == "sale")
