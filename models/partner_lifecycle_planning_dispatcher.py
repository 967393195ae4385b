from odoo import fields, models, tools
from odoo.tools import SQL

from ..engine import planning as engine


class PartnerLifecyclePlanningDispatcher(models.Model):
    """The calls and quotations of a delivery plan per dispatcher (a read-only SQL view).

    A line counts for the dispatcher who set its call result, or, not called,
    for the person who made its quotation. A call is made unless the line is
    not called; it is successful by the engine's ``successful_results`` under
    the company's setting.
    """

    _name = "partner.lifecycle.planning.dispatcher"
    _description = "Delivery Plan Calls by Dispatcher"
    _auto = False
    _order = "planning_id, user_id"
    _depends = {
        "partner.lifecycle.planning.line": [
            "planning_id",
            "company_id",
            "call_result",
            "call_user_id",
            "order_id",
        ],
        "sale.order": ["create_uid"],
        "res.company": ["lifecycle_planning_any_call_successful"],
    }

    planning_id = fields.Many2one(
        "partner.lifecycle.planning", string="Delivery Plan", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Dispatcher", readonly=True)
    call_count = fields.Integer(string="Calls Made", readonly=True)
    successful_count = fields.Integer(string="Successful Calls", readonly=True)
    order_count = fields.Integer(string="Quotations", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """CREATE VIEW %(view)s AS (
                   SELECT min(l.id) AS id, l.planning_id, l.company_id,
                          COALESCE(l.call_user_id, so.create_uid) AS user_id,
                          count(*) FILTER (WHERE l.call_result != %(not_called)s) AS call_count,
                          count(*) FILTER (
                              WHERE l.call_result = ANY(
                                  CASE WHEN c.lifecycle_planning_any_call_successful
                                       THEN %(any_call)s::varchar[]
                                       ELSE %(ordered)s::varchar[] END)
                          ) AS successful_count,
                          count(l.order_id) AS order_count
                     FROM partner_lifecycle_planning_line l
                     JOIN res_company c ON c.id = l.company_id
                LEFT JOIN sale_order so ON so.id = l.order_id
                    WHERE l.call_result != %(not_called)s OR l.order_id IS NOT NULL
                 GROUP BY l.planning_id, l.company_id, COALESCE(l.call_user_id, so.create_uid))""",
                view=SQL.identifier(self._table),
                not_called=engine.NOT_CALLED,
                any_call=list(engine.successful_results(any_call=True)),
                ordered=list(engine.successful_results(any_call=False)),
            )
        )
