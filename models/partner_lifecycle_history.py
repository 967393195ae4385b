from odoo import api, fields, models
from odoo.tools import SQL

#: Who or what changed a status; set by the code path, never taken from a caller.
ORIGINS = [
    ("automatic", "Automatic"),
    ("manual", "By hand"),
    ("planning", "Delivery planning"),
    ("termination", "Contract termination"),
]


class PartnerLifecycleHistory(models.Model):
    """One change of a client's status: when, from what, to what, why and by whom."""

    _name = "partner.lifecycle.history"
    _description = "Client Status History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        related="partner_id.company_id", store=True, index=True, string="Company"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    old_status_id = fields.Many2one(
        "partner.lifecycle.status", string="From Status", ondelete="set null", readonly=True
    )
    new_status_id = fields.Many2one(
        "partner.lifecycle.status", string="To Status", ondelete="set null", readonly=True
    )
    origin = fields.Selection(ORIGINS, required=True, default="manual", readonly=True)
    reason = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user, readonly=True
    )

    @api.model
    def _log_changes(self, history, status, origin, reason=False):
        """Record changes made one by one (creation, card, wizard, planning, termination).

        ``history`` holds ``(partner, old status)`` pairs; ``origin`` is one of
        :data:`ORIGINS`, chosen by the calling code.
        """
        self.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "old_status_id": old.id,
                    "new_status_id": status.id,
                    "origin": origin,
                    "reason": reason or False,
                }
                for partner, old in history
            ]
        )

    @api.model
    def _log_automatic_changes(self, changes):
        """Record a batch of automatic changes in one INSERT.

        ``changes`` holds ``(partner_id, old_status_id, new_status_id, reason)``.
        """
        if not changes:
            return
        partner_ids, old_ids, new_ids, reasons = (
            list(column) for column in zip(*changes, strict=True)
        )
        self.env.cr.execute(
            SQL(
                """INSERT INTO partner_lifecycle_history
                       (partner_id, company_id, date, old_status_id, new_status_id, origin, reason,
                        user_id, create_uid, create_date, write_uid, write_date)
                   SELECT v.partner_id, p.company_id, %(now)s, v.old_id, v.new_id, 'automatic',
                          v.reason, %(uid)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(partners)s::int[], %(olds)s::int[], %(news)s::int[],
                                 %(reasons)s::varchar[]) AS v(partner_id, old_id, new_id, reason)
                     JOIN res_partner p ON p.id = v.partner_id""",
                now=fields.Datetime.now(),
                uid=self.env.uid,
                partners=partner_ids,
                olds=old_ids,
                news=new_ids,
                reasons=reasons,
            )
        )
        self.env["res.partner"].invalidate_model(["lifecycle_history_ids"])
