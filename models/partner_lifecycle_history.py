from odoo import api, fields, models
from odoo.tools import SQL


class PartnerLifecycleHistory(models.Model):
    """One change of a client's status: when, from what, to what, why and by whom."""

    _name = "partner.lifecycle.history"
    _description = "Client Status History"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Client", required=True, index=True, ondelete="cascade"
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True)
    old_status_id = fields.Many2one(
        "partner.lifecycle.status", string="From Status", ondelete="set null", readonly=True
    )
    new_status_id = fields.Many2one(
        "partner.lifecycle.status", string="To Status", ondelete="set null", readonly=True
    )
    origin = fields.Selection(
        [
            ("automatic", "Automatic"),
            ("manual", "By hand"),
            ("termination", "Contract termination"),
        ],
        required=True,
        default="manual",
        readonly=True,
    )
    reason = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="Changed By", default=lambda self: self.env.user, readonly=True
    )

    @api.model
    def _log_manual_changes(self, history, status):
        """Record changes made through the ORM (by hand, by a wizard, by termination)."""
        origin = self.env.context.get("lifecycle_origin", "manual")
        reason = self.env.context.get("lifecycle_change_reason") or False
        self.sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "old_status_id": old.id,
                    "new_status_id": status.id,
                    "origin": origin,
                    "reason": reason,
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
        uid = self.env.uid
        now = fields.Datetime.now()
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, 'automatic', %s, %s, %s, %s, %s, %s)",
                partner_id,
                now,
                old_id,
                new_id,
                reason,
                uid,
                uid,
                now,
                uid,
                now,
            )
            for partner_id, old_id, new_id, reason in changes
        )
        self.env.cr.execute(
            SQL(
                """INSERT INTO partner_lifecycle_history
                       (partner_id, date, old_status_id, new_status_id, origin, reason,
                        user_id, create_uid, create_date, write_uid, write_date)
                   VALUES %s""",
                rows,
            )
        )
        self.env["res.partner"].invalidate_model(["lifecycle_history_ids"])
