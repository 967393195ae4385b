from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date
from odoo.tools.translate import LazyTranslate

from ..engine import CREATE, SET_STATUS, TERMINATE, Card, explain
from ..engine.planning import (
    INTERVAL,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Schedule,
    weekdays_from_flags,
)
from ..engine.settings import SCHEDULE_INTERVAL_LIMITS

_lt = LazyTranslate(__name__)

#: The parts of the card's rhythm line (engine ``explain``), by code.
EXPLANATION_LINES = {
    "no_order_yet": _lt("No confirmed order yet"),
    "idle": _lt("%(days)s days since the last order"),
    "idle_paused": _lt("%(days)s days without an order (%(paused)s paused days left out)"),
    "usual": _lt("usual interval %(days)s days"),
    "overdue": _lt("%(ratio)sx overdue"),
    "former": _lt("former client: not planned, no next order expected"),
    "paused_until": _lt("paused until %(date)s"),
    "not_planned": _lt("not in delivery planning"),
    "next_expected": _lt("next expected %(date)s"),
    "next_expected_consumption": _lt("next expected %(date)s (by consumption)"),
}

#: Context key that keeps the "at creation" status off new partners (users, companies).
NO_STATUS_KEY = "lifecycle_no_status"
#: Context key of a partner merge: the survivor keeps its own lifecycle values.
MERGE_KEY = "lifecycle_merge"

#: Fields only the add-on's own code writes: the figures of the recalculation, the
#: first delivery, and the termination (which goes through the manager's action).
PROTECTED_FIELDS = frozenset(
    {
        "lifecycle_status_date",
        "lifecycle_reason_code",
        "lifecycle_reason_params",
        "lifecycle_held",
        "lifecycle_hold_until",
        "lifecycle_hold_user_id",
        "lifecycle_hold_note",
        "lifecycle_hold_order_count",
        "lifecycle_order_count",
        "lifecycle_last_order_date",
        "lifecycle_avg_interval_days",
        "lifecycle_next_order_date",
        "lifecycle_plannable",
        "lifecycle_review_date",
        "lifecycle_first_delivery_date",
        "lifecycle_termination_date",
        "lifecycle_termination_reason",
        "lifecycle_error_order_id",
        "lifecycle_error_date",
        "lifecycle_interval_spread",
        "lifecycle_next_order_method",
    }
)

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
        compute="_compute_lifecycle_reason",
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
        compute="_compute_lifecycle_explanation",
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

    @api.depends(
        "lifecycle_reason_code",
        "lifecycle_reason_params",
        "lifecycle_held",
        "lifecycle_hold_until",
        "lifecycle_status_id",
        "lifecycle_termination_date",
    )
    @api.depends_context("lang")
    def _compute_lifecycle_reason(self):
        history = self.env["partner.lifecycle.history"]
        for partner in self:
            explanation = partner._lifecycle_explanation()
            text = history._reason_text(explanation.reason_code, explanation.reason_params)
            partner.lifecycle_reason = text or False

    @api.depends(
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
    def _compute_lifecycle_explanation(self):
        for partner in self:
            explanation = partner._lifecycle_explanation()
            parts = [
                partner._lifecycle_line_text(code, params) for code, params in explanation.lines
            ]
            partner.lifecycle_explanation = "; ".join(parts) + "." if parts else False

    def _lifecycle_explanation(self):
        """What the card says of this client (engine ``explain``), from its stored decision."""
        self.ensure_one()
        company = self._lifecycle_company()
        _statuses, role_of = company._lifecycle_role_ids()
        card = Card(
            role=role_of.get(self.lifecycle_status_id.id),
            reason_code=self.lifecycle_reason_code or None,
            reason_params=self.lifecycle_reason_params or None,
            last_order_date=self.lifecycle_last_order_date or None,
            avg_interval_days=self.lifecycle_avg_interval_days or None,
            interval_spread=self.lifecycle_interval_spread or None,
            next_order_date=self.lifecycle_next_order_date or None,
            next_order_method=self.lifecycle_next_order_method or None,
            plannable=self.lifecycle_plannable,
            held=self.lifecycle_held,
            hold_until=self.lifecycle_hold_until or None,
            terminated=bool(self.lifecycle_termination_date),
            pauses=tuple((p.date_from, p.date_to) for p in self.sudo().lifecycle_pause_ids),
        )
        return explain(card, company._lifecycle_today())

    def _lifecycle_line_text(self, code, params):
        """One part of the card's rhythm line, in the reader's language and date format."""
        values = dict(params)
        if "date" in values:
            pattern = "d MMM y" if values.pop("year") else "d MMM"
            values["date"] = format_date(self.env, values["date"], date_format=pattern)
        text = self.env._(EXPLANATION_LINES[code]) % values  # pylint: disable=translation-not-lazy
        if code == "usual" and values.get("spread"):
            text += f" (+/- {values['spread']})"
        return text

    @api.depends("lifecycle_error_order_id", "lifecycle_error_date")
    def _compute_lifecycle_error(self):
        for partner in self:
            if not partner.lifecycle_error_date:
                partner.lifecycle_error = False
            elif partner.lifecycle_error_order_id:
                partner.lifecycle_error = self.env._(
                    "Cannot compute: order %(order)s has date %(date)s",
                    order=partner.lifecycle_error_order_id.sudo().name,
                    date=partner.lifecycle_error_date.isoformat(),
                )
            else:
                partner.lifecycle_error = self.env._(
                    "Cannot compute: a date %(date)s is not usable",
                    date=partner.lifecycle_error_date.isoformat(),
                )

    @api.model
    def _read_group_lifecycle_status_id(self, statuses, domain):
        return statuses.search([])

    @api.constrains(*SCHEDULE_FIELDS)
    def _check_lifecycle_schedule(self):
        for partner in self.filtered("lifecycle_schedule_kind"):
            values = {name: partner[f"lifecycle_schedule_{name}"] for name in SCHEDULE_COLUMNS}
            try:
                self._lifecycle_schedule_of(values, strict=True)
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
        """The engine's :class:`Schedule` of a client from its schedule columns (``values``
        keyed by :data:`SCHEDULE_COLUMNS`), or None without one; an invalid schedule is
        None too, unless ``strict`` (then ValueError)."""
        if not values["kind"]:
            return None
        try:
            return Schedule(
                kind=values["kind"],
                weekdays=weekdays_from_flags(values[name] for name in WEEKDAY_NAMES),
                interval_days=values["interval_days"] or 0,
                start=values["start_date"] or None,
            )
        except ValueError:
            if strict:
                raise
            return None

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
        if not self.env.context.get(NO_STATUS_KEY):
            partners._lifecycle_set_creation_status()
        return partners

    def write(self, vals):
        if self.env.context.get(MERGE_KEY):
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
            self._lifecycle_check_former(status)
            self._lifecycle_set_status(status, origin="manual")
        if moving is not None:
            (moving | self.commercial_partner_id)._lifecycle_refresh()
        return result

    def _lifecycle_set_first_delivery(self, days):
        """Store the first delivery day of clients (``days``: client -> day) in one UPDATE,
        without the tracking machinery of a write (the hot path of delivery validation)."""
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner p SET lifecycle_first_delivery_date = v.day
                     FROM unnest(%s::int[], %s::date[]) AS v(id, day) WHERE p.id = v.id""",
                [client.id for client in days],
                list(days.values()),
            )
        )
        self.invalidate_recordset(["lifecycle_first_delivery_date"])
        self.modified(["lifecycle_first_delivery_date"])

    def _lifecycle_write_system(self, vals):
        """Write lifecycle values as the add-on's own code (protected fields included)."""
        return super(ResPartner, self.sudo()).write(vals)

    def _lifecycle_check_protected(self, vals):
        """Refuse a person's write of the figures and of the termination fields."""
        forbidden = sorted(PROTECTED_FIELDS & set(vals))
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

    # ------------------------------------------------------------------ status
    def _lifecycle_set_status(self, status, origin, note=False, hold_until=False):
        """Give these clients ``status`` by a person's act (engine ``acts``: held until the
        next order or ``hold_until``, the former status a termination, a terminated client
        reinstated), recorded in the history. ``origin`` names the path (``manual`` for the
        card and the wizard, ``planning``); the caller has checked the rights."""
        clients = self.commercial_partner_id
        changed = clients.filtered(lambda partner: partner.lifecycle_status_id != status)
        changed._lifecycle_check_status_company(status)
        self.env["partner.lifecycle.decision"]._apply_act(
            changed, SET_STATUS, status=status, note=note, hold_until=hold_until, origin=origin
        )

    def _lifecycle_check_status_company(self, status):
        """Refuse a status of another company: a client takes a shared status or one of its own."""
        for partner in self:
            if status.company_id and status.company_id != partner.company_id:
                raise UserError(
                    self.env._(
                        "The client status %(status)s belongs to %(company)s: it cannot be "
                        "given to %(client)s, a client of %(client_company)s.",
                        status=status.sudo().display_name,
                        company=status.company_id.sudo().display_name,
                        client=partner.display_name,
                        client_company=partner.company_id.display_name
                        or self.env._("all companies"),
                    )
                )

    def _lifecycle_terminate(self, date, reason=False):
        """Terminate these clients' contracts on ``date`` (engine ``acts``): former from today,
        out of planning. The caller has checked the rights; the chatter author is the user."""
        self.env["partner.lifecycle.decision"]._apply_act(self, TERMINATE, day=date, note=reason)

    def _lifecycle_post_termination(self, date, reason):
        """The chatter line of a termination, in the reader's date format."""
        self.ensure_one()
        self.message_post(
            body=self.env._(
                "Contract terminated on %(date)s. %(reason)s",
                date=format_date(self.env, date),
                reason=reason or "",
            ),
            author_id=self.env.user.partner_id.id,
        )

    def _lifecycle_change_by_person(self, status, reason=False, origin="manual", hold_until=False):
        """A person's change of status (card, wizard, planning, a background job).

        Salesmen may change the status of the clients they can read, to a status
        they can read; they need no write access on partners. The former status
        is a termination: for sales managers only.
        """
        if not (self.env.su or self.env.user.has_group("sales_team.group_sale_salesman")):
            raise AccessError(self.env._("Only salespeople can change a client's status."))
        clients = self.commercial_partner_id
        clients.check_access("read")
        status.check_access("read")
        clients._lifecycle_check_former(status)
        clients.sudo()._lifecycle_set_status(status, origin, reason, hold_until)

    def _lifecycle_check_former(self, status):
        """Giving the former status terminates the contract: for sales managers only."""
        formers = self.sudo().mapped(lambda c: c._lifecycle_company().lifecycle_status_former_id)
        if status in formers:
            self._lifecycle_check_manager(
                self.env._("Only sales managers can terminate a client's contract.")
            )

    def _lifecycle_announce_changes(self, rows):
        """Write the chatter lines of automatic changes of status, in each salesperson's
        language (called by the scheduled action, ``partner.lifecycle.history._cron_announce``).

        ``rows`` are ``partner.lifecycle.history`` records. A row to announce with
        ``notify`` is a note under the subtype "Client status
        changed" that notifies the client's salesperson (who then follows the client);
        without, a plain line under the same subtype. With the company option, a client
        turning sleeping also gets a to-do for its salesperson.
        """
        subtype = self.env.ref("partner_lifecycle.mt_client_status_changed")
        history = self.env["partner.lifecycle.history"]
        logged = {}
        for row in rows:
            client, old_status, new_status = row.partner_id, row.old_status_id, row.new_status_id
            code, params, notify = row.reason_code, row.reason_params, row.announce == "notify"
            company = client._lifecycle_company()
            lang = client.user_id.lang or company.partner_id.lang or self.env.lang
            client = client.with_context(lang=lang)
            reason = history.with_context(lang=lang)._reason_text(code, params)
            body = Markup("%s → <b>%s</b>: %s") % (
                old_status.with_context(lang=lang).name or "",
                new_status.with_context(lang=lang).name or "",
                reason,
            )
            if notify:
                if client.user_id:
                    client.message_subscribe(partner_ids=client.user_id.partner_id.ids)
                client.message_post(body=body, subtype_id=subtype.id, message_type="notification")
            else:
                logged.setdefault(client.id, []).append(body)
            sleeping = new_status == company.lifecycle_status_sleeping_id
            if notify and sleeping and company.lifecycle_sleeping_activity and client.user_id:
                client.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=client.user_id.id,
                    summary=client.env._("Client turned sleeping: call them"),
                    note=reason,
                )
        if logged:
            bodies = {client_id: Markup("<br/>").join(parts) for client_id, parts in logged.items()}
            messages = self.browse(list(bodies))._message_log_batch(
                bodies, message_type="notification"
            )
            messages.subtype_id = subtype  # plain lines, under the status subtype

    def _lifecycle_company(self):
        """The company whose settings rule this client: its own, else the main company."""
        self.ensure_one()
        return self.company_id or self.env["res.company"]._lifecycle_default_company()

    def _lifecycle_set_creation_status(self):
        """Give new commercial entities the "at creation" status of their company (engine
        ``acts``: create)."""
        created = self.filtered(
            lambda p: p.commercial_partner_id == p and not p.lifecycle_status_id
        )
        if created:
            self.env["partner.lifecycle.decision"].sudo()._apply_act(created, CREATE)

    def _lifecycle_refresh(self):
        """Recompute the facts and the status of these partners' clients now (hooks call this)."""
        clients = self.sudo().commercial_partner_id.exists()
        if clients:
            self.env["partner.lifecycle.recalculation"].sudo()._recalculate_partners(clients)

    # ------------------------------------------------------------------ actions
    def _lifecycle_check_manager(self, message):
        """Refuse unless the user is a sales manager who can read these partners."""
        if not (self.env.su or self.env.user.has_group("sales_team.group_sale_manager")):
            raise AccessError(message)
        self.check_access("read")

    def action_lifecycle_terminate(self, date=None, reason=None):
        """Terminate the clients' contracts: former status, date and reason on the card."""
        self._lifecycle_check_manager(
            self.env._("Only sales managers can terminate a client's contract.")
        )
        clients = self.commercial_partner_id
        clients.check_access("read")
        clients._lifecycle_terminate(date or fields.Date.context_today(self), reason)
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
