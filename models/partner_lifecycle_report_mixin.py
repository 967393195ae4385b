from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..engine import roles
from .res_company import ROLE_FIELDS

#: Roles of a client that is no longer active: it sleeps or has left.
INACTIVE_ROLES = (roles.SLEEPING, roles.FORMER)
#: Roles of a client past New: in work (at risk is still in work).
WORKING_ROLES = (roles.WORKING, roles.PERMANENT, roles.AT_RISK)
#: Aggregate of the fields whose figure is the exact median of the rows.
MEDIAN = "median"


class PartnerLifecycleReportMixin(models.AbstractModel):
    """A read-only SQL report of the lifecycle, one client's facts per row.

    The client's company, salesperson and zone are the client's current ones;
    archived clients are included (they were clients then). A concrete report
    sets ``_auto = False`` and returns its SELECT from :meth:`_query`, which is
    built at each read (``_table_query``, as Odoo's ``sale.report``): the
    company's today and the main company are those of the moment of the read,
    not of the install.
    """

    _name = "partner.lifecycle.report.mixin"
    _description = "Client Lifecycle Report"
    _rec_name = "partner_id"
    _depends = {
        "partner.lifecycle.history": [
            "partner_id",
            "date",
            "origin",
            "old_status_id",
            "new_status_id",
            "merged_from",
        ],
        "res.partner": [
            "company_id",
            "user_id",
            "lifecycle_zone_id",
            "lifecycle_status_id",
            "commercial_partner_id",
        ],
        "res.company": ["lifecycle_tz", *ROLE_FIELDS.values()],
    }

    partner_id = fields.Many2one("res.partner", string="Client", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        readonly=True,
        help="The client's salesperson now, not at the time of the figures.",
    )
    zone_id = fields.Many2one(
        "partner.lifecycle.zone",
        string="Delivery Zone",
        readonly=True,
        help="The client's delivery zone now, not at the time of the figures.",
    )

    def _query(self):
        """The SELECT of the report's rows; override in each report."""
        raise NotImplementedError

    @property
    def _table_query(self):
        return self._query()

    def init(self):
        """Drop the SQL view an earlier version made of the report (built at each read now)."""
        if not self._abstract:
            tools.drop_view_if_exists(self.env.cr, self._table)

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None,
                    order=None):  # fmt: skip
        """Grouped reads without JIT compilation: with true estimates of the clients, the
        planner prices a pivot's read above the JIT thresholds and compiles it for longer
        than the read takes (0.7 of 1.2 s for one read of the sleeping flow at 1,000,000
        clients)."""
        with self.env["partner.lifecycle.recalculation"]._without_jit():
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)

    @api.model
    def search_fetch(self, domain, field_names, offset=0, limit=None, order=None):
        """The rows behind a pivot's cell (the list it opens), without JIT as the grouped
        reads."""
        with self.env["partner.lifecycle.recalculation"]._without_jit():
            return super().search_fetch(domain, field_names, offset, limit, order)

    @api.model
    def search_count(self, domain, limit=None):
        with self.env["partner.lifecycle.recalculation"]._without_jit():
            return super().search_count(domain, limit)

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        """``field:median`` is the exact median of the field over the group's rows
        (``percentile_cont(0.5)``), an aggregate Odoo's own list lacks; the
        pivot asks for it on the fields whose ``aggregator`` is ``median``."""
        fname, __, func = aggregate_spec.partition(":")
        if func != MEDIAN:
            return super()._read_group_select(aggregate_spec, query)
        if fname not in self or self._fields[fname].type not in ("integer", "float"):
            raise ValueError(f"Invalid aggregate {aggregate_spec!r} on model {self._name!r}.")
        return SQL(
            "percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)",
            self._field_to_sql(self._table, fname, query),
        )
