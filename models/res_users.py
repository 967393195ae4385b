from odoo import api, models


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        """The partner of a new user is not a client: it gets no lifecycle status."""
        users = super(ResUsers, self.with_context(lifecycle_no_status=True)).create(vals_list)
        return users.with_context(lifecycle_no_status=False)
