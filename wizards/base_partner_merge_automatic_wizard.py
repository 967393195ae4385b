from odoo import api, models

from ..models.lifecycle_context import MERGE_KEY, internal


class MergePartnerAutomatic(models.TransientModel):
    """Partner merge: the survivor keeps its own lifecycle values and is recalculated.

    The merge moves orders, deliveries and the status history of the
    duplicates to the survivor with SQL; their status, figures and contract
    termination are not carried over. The duplicates' history rows stay
    readable on the survivor's card, marked with the merged client's name, and
    are left out of the reports (``partner.lifecycle.history._merged_into``).
    The survivor's first delivery is the earliest of its own and of the merged
    clients', and every client involved is recalculated at once.
    """

    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
        clients = partners.commercial_partner_id
        deliveries = {client.id: client.lifecycle_first_delivery_date for client in clients}
        history = self.env["partner.lifecycle.history"].sudo()
        rows = history.search_fetch([("partner_id", "in", partners.ids)], ["partner_id"])
        owners = {row.id: (row.partner_id.id, row.partner_id.display_name) for row in rows}
        result = super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
        remaining = clients.exists()
        survivor = partners.exists().commercial_partner_id
        gone = set(partners.ids) - set(partners.exists().ids)
        moved = {row_id: name for row_id, (owner, name) in owners.items() if owner in gone}
        if moved and len(survivor) == 1:
            history._merged_into(moved, survivor)
        merged = [deliveries[client_id] for client_id in set(clients.ids) - set(remaining.ids)]
        earliest = min(filter(None, merged), default=None)
        for client in survivor if earliest else ():
            current = client.lifecycle_first_delivery_date
            if not current or earliest < current:
                client._lifecycle_write_system({"lifecycle_first_delivery_date": earliest})
        (remaining | survivor)._lifecycle_refresh()
        return result

    @api.model
    def _update_values(self, src_partners, dst_partner):
        """The duplicates' lifecycle values (status, termination, figures) are not copied."""
        return super()._update_values(src_partners, dst_partner.with_context(**internal(MERGE_KEY)))
