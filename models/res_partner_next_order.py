from odoo import api, fields, models

from .day_range import format_day_range


class ResPartner(models.Model):
    """The range of the expected next order on the client (written by the decision writer,
    ``partner.lifecycle.decision``, with the expected day)."""

    _inherit = "res.partner"

    lifecycle_next_order_from = fields.Date(
        string="Next Order From",
        copy=False,
        readonly=True,
        help="First day of the range in which the next order falls four times out of five.",
        groups="base.group_user",
    )
    lifecycle_next_order_to = fields.Date(
        string="Next Order To",
        copy=False,
        readonly=True,
        help="Last day of the range in which the next order falls four times out of five.",
        groups="base.group_user",
    )
    lifecycle_next_order_range = fields.Char(
        string="Next Order Range",
        compute="_compute_lifecycle_next_order_range",
        help="The days in which the next order falls four times out of five, from the "
        "client's own intervals between orders; none with fewer than three intervals.",
        groups="base.group_user",
    )

    @api.depends("lifecycle_next_order_from", "lifecycle_next_order_to")
    @api.depends_context("lang")
    def _compute_lifecycle_next_order_range(self):
        for partner in self:
            partner.lifecycle_next_order_range = format_day_range(
                self.env, partner.lifecycle_next_order_from, partner.lifecycle_next_order_to
            )
