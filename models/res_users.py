from odoo import api, models

from .lifecycle_context import NO_STATUS_KEY, internal


class ResUsers(models.Model):
    _inherit = "res.users"

    @api.model_create_multi
    def create(self, vals_list):
        """The partner of a new user is not a client: it gets no lifecycle status."""
        users = super(ResUsers, self.with_context(**internal(NO_STATUS_KEY))).create(vals_list)
        return users.with_context(**{NO_STATUS_KEY: False})
