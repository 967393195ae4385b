from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import FIRST_USABLE_DATE, LAST_USABLE_DATE, is_usable_date


class PartnerLifecyclePause(models.Model):
    """A declared pause of a client ("away for the summer"): paused days are not idle days.

    During a pause the client is neither at risk nor sleeping and stays out of
    delivery planning; the days count neither as idle days nor in its average
    interval. Creating, changing or deleting a pause recalculates the client.
    """

    _name = "partner.lifecycle.pause"
    _description = "Client Pause"
    _order = "date_from desc, id desc"

    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('lifecycle_is_client', '=', True)]",
    )
    company_id = fields.Many2one(related="partner_id.company_id", store=True, index=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    reason = fields.Char()

    @api.constrains("partner_id")
    def _check_partner_is_client(self):
        self.partner_id._lifecycle_check_clients()

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for pause in self:
            if pause.date_from > pause.date_to:
                raise ValidationError(
                    self.env._(
                        "The pause of %(client)s ends on %(end)s, before it starts (%(start)s).",
                        client=pause.partner_id.display_name,
                        end=pause.date_to,
                        start=pause.date_from,
                    )
                )
            for day in (pause.date_from, pause.date_to):
                if not is_usable_date(day):
                    raise ValidationError(
                        self.env._(
                            "The pause date %(date)s is not plausible: it must lie between "
                            "%(first)s and %(last)s.",
                            date=day,
                            first=FIRST_USABLE_DATE,
                            last=LAST_USABLE_DATE,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        pauses = super().create(vals_list)
        pauses.partner_id._lifecycle_refresh()
        return pauses

    def write(self, vals):
        clients = self.partner_id
        result = super().write(vals)
        (clients | self.partner_id)._lifecycle_refresh()
        return result

    def unlink(self):
        clients = self.partner_id
        result = super().unlink()
        clients._lifecycle_refresh()
        return result
