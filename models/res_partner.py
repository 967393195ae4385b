from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, Query, format_date

from ..engine import CREATE
from ..engine.planning import INTERVAL, WEEKDAY_NAMES, WEEKDAYS, schedule_from_columns
from ..engine.settings import SCHEDULE_INTERVAL_LIMITS
from .lifecycle_context import MERGE_KEY, NO_STATUS_KEY, is_internal

#: Columns of a client's contact schedule, after their "lifecycle_schedule_" prefix.
SCHEDULE_COLUMNS = ("kind", *WEEKDAY_NAMES, "interval_days", "start_date")
SCHEDULE_FIELDS = tuple(f"lifecycle_schedule_{name}" for name in SCHEDULE_COLUMNS)

#: Partner fields whose change moves orders between clients or changes their rules.
CLIENT_DEFINING_FIELDS = frozenset({"parent_id", "is_company", "company_id"})


class ResPartner(models.Model):
    _inherit = "res.partner"

    lifecycle_status_id = fields.Many2one(
        "partner.lifecycle.status",
        string="Client Status",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        check_company=True,
        group_expand="_read_group_lifecycle_status_id",
        help="Lifecycle status of the client (held by the commercial entity).",
        groups="base.group_user",
    )
    lifecycle_commercial_status_id = fields.Many2one(
        related="commercial_partner_id.lifecycle_status_id",
        string="Client Status (Company)",
        readonly=True,
        tracking=False,
        help="Client status of the commercial entity, shown on its contact persons too.",
        groups="base.group_user",
    )
    lifecycle_status_color = fields.Integer(
        related="commercial_partner_id.lifecycle_status_id.color",
        string="Client Status Colour",
        groups="base.group_user",
    )
    lifecycle_status_date = fields.Date(
        string="Status Since", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_reason_code = fields.Char(copy=False, readonly=True, groups="base.group_user")
    lifecycle_reason_params = fields.Json(copy=False, readonly=True, groups="base.group_user")
    lifecycle_reason = fields.Char(
        string="Reason",
        compute="_compute_lifecycle_card",
        help="Why the client got its status at the last automatic change.",
        groups="base.group_user",
    )
    lifecycle_held = fields.Boolean(
        string="Held by Hand",
        copy=False,
        readonly=True,
        help="A person set the status; automation leaves it until the client's next "
        "confirmed order, or until the date given.",
        groups="base.group_user",
    )
    lifecycle_hold_until = fields.Date(
        string="Held Until", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_hold_user_id = fields.Many2one(
        "res.users", string="Held By", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_hold_note = fields.Char(
        string="Reason of the Hold", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_hold_order_count = fields.Integer(copy=False, readonly=True, groups="base.group_user")
    lifecycle_order_count = fields.Integer(
        string="Confirmed Orders", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_last_order_date = fields.Date(
        string="Last Order", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_avg_interval_days = fields.Float(
        string="Average Order Frequency (Days)",
        digits=(16, 1),
        copy=False,
        readonly=True,
        help="Mean number of days between the client's orders, by the company settings.",
        aggregator="avg",
        groups="base.group_user",
    )
    lifecycle_interval_spread = fields.Float(
        string="Interval Spread (Days)",
        digits=(16, 1),
        copy=False,
        readonly=True,
        help="Standard deviation of the intervals behind the average order frequency.",
        groups="base.group_user",
    )
    lifecycle_next_order_method = fields.Selection(
        [("frequency", "Average frequency"), ("consumption", "Consumption")],
        string="Expected By",
        copy=False,
        readonly=True,
        help="How the expected next order was found.",
        groups="base.group_user",
    )
    lifecycle_explanation = fields.Char(
        string="In Short",
        compute="_compute_lifecycle_card",
        help="The client's rhythm in one line: idle days, usual interval, how late, next order.",
        groups="base.group_user",
    )
    lifecycle_pause_ids = fields.One2many(
        "partner.lifecycle.pause", "partner_id", string="Pauses", groups="base.group_user"
    )
    lifecycle_next_order_date = fields.Date(
        string="Expected Next Order", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_plannable = fields.Boolean(
        string="In Delivery Planning",
        default=True,
        copy=False,
        readonly=True,
        help="Unset for former clients and clients idle longer than the planning setting.",
        groups="base.group_user",
    )
    lifecycle_review_date = fields.Date(
        string="Next Review",
        copy=False,
        readonly=True,
        index=True,
        help="The day the scheduled run looks at this client again: the first day on which "
        "its status or figures can change without a new order or delivery.",
        groups="base.group_user",
    )
    lifecycle_fingerprint = fields.Char(
        string="Decision Fingerprint",
        compute="_compute_lifecycle_fingerprint",
        help="What the client's stored decision rests on (its orders, deliveries, pauses, "
        "termination, hold, status and the company's settings); empty means the next full "
        "recalculation decides the client again.",
        groups="base.group_system",
    )
    lifecycle_error_order_id = fields.Many2one(
        "sale.order",
        string="Order Not Usable",
        copy=False,
        readonly=True,
        ondelete="set null",
        groups="base.group_user",
    )
    lifecycle_error_date = fields.Date(
        string="Date Not Usable", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_error = fields.Char(
        compute="_compute_lifecycle_error",
        help="Why the client's status and figures could not be computed.",
        groups="base.group_user",
    )
    lifecycle_first_delivery_date = fields.Date(
        string="First Delivery", copy=False, readonly=True, groups="base.group_user"
    )
    lifecycle_termination_date = fields.Date(
        string="Contract Terminated On",
        copy=False,
        tracking=True,
        readonly=True,
        groups="base.group_user",
    )
    lifecycle_termination_reason = fields.Text(
        string="Termination Reason",
        copy=False,
        tracking=True,
        readonly=True,
        groups="base.group_user",
    )
    lifecycle_history_ids = fields.One2many(
        "partner.lifecycle.history",
        "partner_id",
        string="Status History",
        readonly=True,
        groups="base.group_user",
    )
    # Delivery planning: the client's zone and contact schedule ("график контактов").
    lifecycle_zone_id = fields.Many2one(
        "partner.lifecycle.zone",
        string="Delivery Zone",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        help="Delivery plans are filled and sorted by zone; quotations made from a plan carry it.",
    )
    lifecycle_schedule_kind = fields.Selection(
        [(WEEKDAYS, "Fixed weekdays"), (INTERVAL, "Every few days")],
        string="Contact Schedule",
        help='When to call the client. With the company setting "Use only the contact '
        'schedule", delivery planning follows it instead of the order frequency. Empty: '
        "no schedule.",
    )
    lifecycle_schedule_mon = fields.Boolean(string="Monday")
    lifecycle_schedule_tue = fields.Boolean(string="Tuesday")
    lifecycle_schedule_wed = fields.Boolean(string="Wednesday")
    lifecycle_schedule_thu = fields.Boolean(string="Thursday")
    lifecycle_schedule_fri = fields.Boolean(string="Friday")
    lifecycle_schedule_sat = fields.Boolean(string="Saturday")
    lifecycle_schedule_sun = fields.Boolean(string="Sunday")
    lifecycle_schedule_interval_days = fields.Integer(
        string="Every (Days)", help="Days between two contacts of an interval schedule."
    )
    lifecycle_schedule_start_date = fields.Date(
        string="Schedule From",
        help="First day of the schedule (required for an interval schedule: the days are "
        "counted from it).",
    )
    lifecycle_is_client = fields.Boolean(
        string="Is a Client",
        compute="_compute_lifecycle_is_client",
        search="_search_lifecycle_is_client",
        help="A client has a lifecycle status kept up to date: a company or a person without "
        "a company (not a contact person), not archived, that is a customer, has a status or "
        "has a confirmed order.",
        groups="base.group_user",
    )

    @api.depends(
        "lifecycle_reason_code",
        "lifecycle_reason_params",
        "lifecycle_held",
        "lifecycle_hold_until",
        "lifecycle_last_order_date",
        "lifecycle_avg_interval_days",
        "lifecycle_interval_spread",
        "lifecycle_next_order_date",
        "lifecycle_next_order_method",
        "lifecycle_plannable",
        "lifecycle_status_id",
        "lifecycle_termination_date",
        "lifecycle_pause_ids",
    )
    @api.depends_context("lang")
    def _compute_lifecycle_card(self):
        """The reason and the rhythm line of the card, from one explanation each."""
        history = self.env["partner.lifecycle.history"]
        for partner in self:
            explanation = partner._lifecycle_explanation()
            reason = history._reason_text(explanation.reason_code, explanation.reason_params)
            partner.lifecycle_reason = reason or False
            parts = [history._line_text(code, params) for code, params in explanation.lines]
            text = "; ".join(parts)
            partner.lifecycle_explanation = (
                (text if text.endswith(".") else text + ".") if parts else False
            )

    def _lifecycle_explanation(self):
        """What the card says of this client, from its stored decision."""
        return self.env["partner.lifecycle.decision"]._explain(self)

    def _compute_lifecycle_fingerprint(self):
        stored = self.env["partner.lifecycle.fingerprint"]._stored(self._origin.ids)
        for partner in self:
            partner.lifecycle_fingerprint = stored.get(partner._origin.id, False)

    @api.depends("lifecycle_error_order_id", "lifecycle_error_date")
    def _compute_lifecycle_error(self):
        for partner in self:
            if not partner.lifecycle_error_date:
                partner.lifecycle_error = False
            elif partner.lifecycle_error_order_id:
                partner.lifecycle_error = self.env._(
                    "Cannot compute: order %(order)s has date %(date)s",
                    order=partner.lifecycle_error_order_id.sudo().name,
                    date=format_date(self.env, partner.lifecycle_error_date),
                )
            else:
                partner.lifecycle_error = self.env._(
                    "Cannot compute: a date %(date)s is not usable",
                    date=format_date(self.env, partner.lifecycle_error_date),
                )

    @api.model
    def _read_group_lifecycle_status_id(self, statuses, domain):
        return statuses.search([])

    @api.constrains(*SCHEDULE_FIELDS)
    def _check_lifecycle_schedule(self):
        for partner in self.filtered("lifecycle_schedule_kind"):
            values = {name: partner[f"lifecycle_schedule_{name}"] for name in SCHEDULE_COLUMNS}
            try:
                schedule_from_columns(values, strict=True)
            except ValueError:
                if partner.lifecycle_schedule_kind == WEEKDAYS:
                    raise ValidationError(
                        self.env._(
                            "%(client)s: choose at least one weekday of the contact schedule.",
                            client=partner.display_name,
                        )
                    ) from None
                raise ValidationError(
                    self.env._(
                        "%(client)s: an interval contact schedule needs the days between "
                        "contacts (1 to %(max)s) and a first day.",
                        client=partner.display_name,
                        max=self.env["res.company"]._lifecycle_format_number(
                            SCHEDULE_INTERVAL_LIMITS[1]
                        ),
                    )
                ) from None

    @api.model
    def _lifecycle_schedule_of(self, values, strict=False):
        """The engine's schedule of a client's schedule columns (``schedule_from_columns``)."""
        return schedule_from_columns(values, strict)

    # ------------------------------------------------------------------ ORM
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            defaults = {
                key[len("default_") :]: value
                for key, value in self.env.context.items()
                if key.startswith("default_lifecycle_")
            }
            for vals in vals_list:
                self._lifecycle_check_protected({**defaults, **vals})
        partners = super().create(vals_list)
        if any(vals.get("lifecycle_status_id") for vals in vals_list):
            partners._check_company(["lifecycle_status_id"])
        if not is_internal(self.env, NO_STATUS_KEY):
            partners._lifecycle_set_creation_status()
        return partners

    def write(self, vals):
        if is_internal(self.env, MERGE_KEY):
            vals = {key: value for key, value in vals.items() if not key.startswith("lifecycle_")}
        if not self.env.su:
            self._lifecycle_check_protected(vals)
        moving = self._lifecycle_clients_before(vals)
        if "lifecycle_status_id" not in vals:
            result = super().write(vals)
        else:
            status = self.env["partner.lifecycle.status"].browse(vals["lifecycle_status_id"])
            others = {key: value for key, value in vals.items() if key != "lifecycle_status_id"}
            result = super().write(others) if others else True
            self.check_access("write")
            self.env["partner.lifecycle.act"]._change_status(self, status, checked=True)
        if moving is not None:
            (moving | self.commercial_partner_id)._lifecycle_refresh()
        return result

    def _lifecycle_write_system(self, vals):
        """Write lifecycle values as the add-on's own code (protected fields included)."""
        return super(ResPartner, self.sudo()).write(vals)

    @api.model
    def _lifecycle_protected_fields(self):
        """Fields only the add-on's own code writes: its read-only stored fields (the
        figures of the recalculation, the hold, the first delivery, the termination)."""
        return {
            name
            for name, field in self._fields.items()
            if name.startswith("lifecycle_") and field.readonly and field.column_type
            and not field.related and not field.compute
        }  # fmt: skip

    def _lifecycle_check_protected(self, vals):
        """Refuse a person's write of the figures and of the termination fields."""
        forbidden = sorted(self._lifecycle_protected_fields() & set(vals))
        if forbidden:
            labels = ", ".join(
                self._fields[name].get_description(self.env)["string"] for name in forbidden
            )
            raise UserError(
                self.env._(
                    "These client lifecycle fields are computed from orders and deliveries, or "
                    "set by the contract termination, and cannot be written by hand: %(fields)s.",
                    fields=labels,
                )
            )

    def _lifecycle_clients_before(self, vals):
        """The clients these partners count for, before a write that moves their orders."""
        if not CLIENT_DEFINING_FIELDS & set(vals):
            return None
        return self.sudo().commercial_partner_id

    # ------------------------------------------------------------------ people's acts
    def _lifecycle_change_by_person(self, status, reason=False, origin="manual", hold_until=False):
        """A person's change of status (card, wizard, planning, a background job); see
        ``partner.lifecycle.act._change_status`` for who may do what."""
        acts = self.env["partner.lifecycle.act"]
        acts._change_status(self, status, reason, origin, hold_until)

    def _lifecycle_company(self):
        """The company whose settings rule this client: its own, else the main company
        (:meth:`res.company._lifecycle_ruling_company_sql` is its SQL twin)."""
        self.ensure_one()
        return self.company_id or self.env["res.company"]._lifecycle_default_company()

    # ------------------------------------------------------------------ who is a client
    def init(self):
        result = super().init()
        # "Clients by Status" groups the commercial entities with a status by status and
        # salesperson; this partial index holds every column its reads filter, group and
        # sum on (the record rules' too), so each read is an index-only scan of the clients
        # instead of a scan of every partner.
        self.env.cr.execute(
            SQL(
                """CREATE INDEX IF NOT EXISTS res_partner_lifecycle_status_report_index
                       ON res_partner (lifecycle_status_id, user_id)
                       INCLUDE (company_id, lifecycle_order_count, active, is_company,
                                parent_id, partner_share)
                    WHERE lifecycle_status_id IS NOT NULL"""
            )
        )
        # Statistics of the expression of the company that rules a client (the SQL of
        # res.company._lifecycle_ruling_company_sql), which the reports, the fingerprints
        # and the recalculation join on: without them the planner counts 0.5 % of the
        # partners for every company and loops over the history once per partner.
        main = self.env["res.company"]._lifecycle_default_company()
        if main:
            name = f"res_partner_lifecycle_company_{main.id}_stat"
            self.env.cr.execute(SQL("SELECT 1 FROM pg_statistic_ext WHERE stxname = %s", name))
            if not self.env.cr.fetchone():
                self.env.cr.execute(
                    SQL(
                        """CREATE STATISTICS %s ON (COALESCE(company_id, %s)) FROM res_partner;
                           ANALYZE res_partner""",
                        SQL.identifier(name),
                        main.id,
                    )
                )
        return result

    @api.model
    def _lifecycle_client_clause(self, alias="p"):
        """SQL: the partner row ``alias`` is a client: an active commercial entity that is a
        customer, has a status, or has a confirmed order. The one definition of a client
        (recalculation, planning, wizards, pauses, the client filters): override to widen
        or narrow it, joining ``SQL(to_flush=field)`` for each field your clause reads."""
        clause = SQL(
            """%(p)s.id = %(p)s.commercial_partner_id AND %(p)s.active
               AND (%(p)s.customer_rank > 0 OR %(p)s.lifecycle_status_id IS NOT NULL
                    OR EXISTS (SELECT 1 FROM sale_order so
                                 JOIN res_partner c ON c.id = so.partner_id
                                WHERE c.commercial_partner_id = %(p)s.id
                                  AND so.state = 'sale'))""",
            p=SQL.identifier(alias),
        )
        partner, order = self._fields, self.env["sale.order"]._fields
        read = [
            *(partner[name] for name in ("commercial_partner_id", "active", "customer_rank")),
            partner["lifecycle_status_id"],
            order["partner_id"],
            order["state"],
        ]
        return SQL().join([clause, *(SQL(to_flush=field) for field in read)])

    @api.model
    def _lifecycle_client_domain(self):
        """Domain of the clients, derived from :meth:`_lifecycle_client_clause`."""
        query = Query(self.env, "p", SQL.identifier(self._table))
        query.add_where(self._lifecycle_client_clause("p"))
        return [("id", "in", query)]

    def _lifecycle_clients(self):
        """The clients among these partners (:meth:`_lifecycle_client_domain`)."""
        partners = self.sudo().with_context(active_test=False)
        found = set(partners.search([("id", "in", self.ids), *self._lifecycle_client_domain()]).ids)
        return self.filtered(lambda partner: partner.id in found)

    def _lifecycle_check_clients(self):
        """Refuse partners that are not clients (what a pause or a plan line is about)."""
        for partner in self - self._lifecycle_clients():
            commercial = partner.commercial_partner_id
            if commercial != partner:
                raise ValidationError(
                    self.env._(
                        "%(contact)s is a contact of %(client)s: choose the client itself.",
                        contact=partner.display_name,
                        client=commercial.display_name,
                    )
                )
            raise ValidationError(
                self.env._("%(partner)s is not a client.", partner=partner.display_name)
            )

    def _compute_lifecycle_is_client(self):
        clients = self.filtered("id")._lifecycle_clients()
        for partner in self:
            partner.lifecycle_is_client = partner in clients

    def _search_lifecycle_is_client(self, operator, value):
        if operator not in ("=", "!="):
            raise ValueError(f"Unsupported search: lifecycle_is_client {operator} {value!r}")
        domain = self._lifecycle_client_domain()
        return domain if (operator == "=") == bool(value) else ["!", *domain]

    def _lifecycle_set_creation_status(self):
        """Give new commercial entities the "at creation" status of their company (engine
        ``acts``: create)."""
        created = self.filtered(
            lambda p: p.commercial_partner_id == p and not p.lifecycle_status_id
        )
        if created:
            self.env["partner.lifecycle.act"].sudo()._apply(created, CREATE)

    def _lifecycle_refresh(self):
        """Recompute the facts and the status of these partners' clients now (hooks call this)."""
        clients = self.sudo().commercial_partner_id.exists()
        if clients:
            self.env["partner.lifecycle.recalculation"].sudo()._recalculate_partners(clients)

    # ------------------------------------------------------------------ actions
    def _lifecycle_check_manager(self, message):
        """Refuse unless the user is a sales manager who can read these partners."""
        self.env["partner.lifecycle.act"]._check_manager(self, message)

    def action_lifecycle_terminate(self, date=None, reason=None):
        """Terminate the clients' contracts: former status, date and reason on the card
        (sales managers; the date defaults to the company's today)."""
        self.env["partner.lifecycle.act"]._terminate(self, date, reason)
        return True

    def action_lifecycle_recalculate(self):
        """Recompute order frequency and statuses of these clients (sales managers)."""
        self._lifecycle_check_manager(
            self.env._("Only sales managers can recalculate client statuses.")
        )
        self.env["partner.lifecycle.recalculation"].sudo()._recalculate_partners(
            self.commercial_partner_id
        )
        return True
