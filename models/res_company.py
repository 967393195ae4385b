from datetime import datetime, time

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, formatLang

from odoo.addons.base.models.res_partner import _tz_get

from ..engine import roles
from ..engine.settings import (
    FACTOR_LIMITS,
    LIMITS,
    PLANNING_LIMITS,
    LifecycleSettings,
    is_valid_at_risk_cap,
    is_valid_factor,
)
from .lifecycle_context import NO_RECALCULATION_KEY, NO_STATUS_KEY, internal, is_internal

#: Company field holding the status of each role.
ROLE_FIELDS = {
    roles.NEW: "lifecycle_status_on_create_id",
    roles.WORKING: "lifecycle_status_on_first_order_id",
    roles.PERMANENT: "lifecycle_status_permanent_id",
    roles.AT_RISK: "lifecycle_status_at_risk_id",
    roles.SLEEPING: "lifecycle_status_sleeping_id",
    roles.FORMER: "lifecycle_status_former_id",
}

#: Company fields holding the numbers of the rules, with their engine names.
NUMBER_FIELDS = {
    "lifecycle_permanent_order_count": "permanent_order_count",
    "lifecycle_sleeping_days": "sleeping_days",
    "lifecycle_frequency_window_days": "frequency_window_days",
    "lifecycle_frequency_max_gap_days": "frequency_max_gap_days",
    "lifecycle_planning_inactive_days": "planning_inactive_days",
    "lifecycle_at_risk_min_days": "at_risk_min_days",
    "lifecycle_at_risk_max_days": "at_risk_max_days",
}
#: Roles mapped to the shipped statuses by default; the at-risk rule is off until a
#: company maps a status to it (the reference behaviour stays the default).
DEFAULT_ROLES = tuple(role for role in roles.ROLES if role != roles.AT_RISK)

#: Company fields holding the numbers of delivery planning, with their engine names.
PLANNING_NUMBER_FIELDS = {
    "lifecycle_planning_postpone_days": "postpone_days",
    "lifecycle_planning_overdue_days": "overdue_days",
}
#: Lowest and highest value of each whole-number company field, from the engine's limits.
NUMBER_LIMITS = {
    **{name: LIMITS[engine_name] for name, engine_name in NUMBER_FIELDS.items()},
    **{name: PLANNING_LIMITS[engine_name] for name, engine_name in PLANNING_NUMBER_FIELDS.items()},
}
FACTOR_FIELD = "lifecycle_at_risk_factor"
AT_RISK_FLOOR_FIELD = "lifecycle_at_risk_min_days"
AT_RISK_CAP_FIELD = "lifecycle_at_risk_max_days"


def _range_check(limits):
    """SQL condition keeping each column of ``limits`` (column -> (low, high)) in its range."""
    return " AND ".join(
        f"{column} BETWEEN {low} AND {high}" for column, (low, high) in limits.items()
    )


#: The SQL checks of the same limits, for writes that bypass the ORM.
NUMBERS_CHECK = (
    f"{_range_check({name: NUMBER_LIMITS[name] for name in NUMBER_FIELDS})} "
    f"AND {_range_check({FACTOR_FIELD: FACTOR_LIMITS})} "
    f"AND ({AT_RISK_CAP_FIELD} = 0 OR {AT_RISK_CAP_FIELD} >= {AT_RISK_FLOOR_FIELD})"
)
PLANNING_CHECK = _range_check({name: NUMBER_LIMITS[name] for name in PLANNING_NUMBER_FIELDS})


class ResCompany(models.Model):
    _inherit = "res.company"

    lifecycle_status_on_create_id = fields.Many2one(
        "partner.lifecycle.status",
        string="Client Status at Creation",
        ondelete="restrict",
        check_company=True,
        help="Status given to a client when it is created.",
    )
    lifecycle_status_on_first_order_id = fields.Many2one(
        "partner.lifecycle.status",
        check_company=True,
        string="Client Status at First Order",
        ondelete="restrict",
        help="Status given at the client's first delivery (or first confirmed order).",
    )
    lifecycle_first_order_trigger = fields.Selection(
        [
            (roles.TRIGGER_DELIVERY, "First validated delivery"),
            (roles.TRIGGER_ORDER, "First confirmed order"),
        ],
        string="First Order Status Given At",
        default=roles.TRIGGER_DELIVERY,
        required=True,
    )
    lifecycle_status_permanent_id = fields.Many2one(
        "partner.lifecycle.status",
        check_company=True,
        string="Permanent Client Status",
        ondelete="restrict",
    )
    lifecycle_permanent_order_count = fields.Integer(
        string="Permanent After N Orders",
        default=3,
        help="A client with at least this many confirmed orders becomes permanent.",
    )
    lifecycle_status_sleeping_id = fields.Many2one(
        "partner.lifecycle.status",
        check_company=True,
        string="Sleeping Client Status",
        ondelete="restrict",
    )
    lifecycle_sleeping_days = fields.Integer(
        string="Sleeping After Days Without Orders",
        default=180,
        help="A client whose last order is at least this many days old becomes sleeping "
        "(0 = never).",
    )
    lifecycle_status_former_id = fields.Many2one(
        "partner.lifecycle.status",
        check_company=True,
        string="Client Status at Termination",
        ondelete="restrict",
    )
    lifecycle_frequency_window_days = fields.Integer(
        string="Average Frequency Over Days",
        default=0,
        help="Only orders of the last days count in the average order frequency (0 = all).",
    )
    lifecycle_frequency_max_gap_days = fields.Integer(
        string="Exclude Breaks Longer Than (Days)",
        default=0,
        help="Intervals between orders longer than this are left out of the average (0 = none).",
    )
    lifecycle_frequency_trim_extremes = fields.Boolean(
        string="Exclude Minimum and Maximum Intervals",
        help="Leave out the smallest and the largest interval (when at least three).",
    )
    lifecycle_planning_inactive_days = fields.Integer(
        string="Leave Out of Planning After Days Without Orders",
        default=0,
        help="Clients without orders for this many days are not included in delivery "
        "planning (0 = off).",
    )
    lifecycle_planning_postpone_days = fields.Integer(
        string="Days the Postpone Button Moves a Client",
        default=1,
        help="The Postpone button of a delivery plan moves the client's expected order this "
        "many days past the plan's day.",
    )
    lifecycle_planning_overdue_days = fields.Integer(
        string="Leave Out of Plans After Days Overdue",
        default=30,
        help="A client whose expected order is more than this many days before the plan's "
        "first day is not proposed any more (0 = no limit).",
    )
    lifecycle_planning_fill_quantity = fields.Boolean(
        string="Fill the Quantity in Planning",
        default=True,
        help="Filling a plan gives each client its usual quantity (the median of its recent "
        "orders of its usual product).",
    )
    lifecycle_planning_use_schedule = fields.Boolean(
        string="Use Only the Contact Schedule, Not the Frequency",
        help="Clients with a contact schedule are planned on its days, not by their order "
        "frequency.",
    )
    lifecycle_planning_autosave = fields.Boolean(
        string="Save the Plan Automatically",
        help="A scheduled action creates and fills the delivery plan of the next day every "
        "evening.",
    )
    lifecycle_planning_route_to_orders = fields.Boolean(
        string="Quotations Carry the Plan's Zone",
        default=True,
        help="Quotations made from a delivery plan get the delivery zone of the client (or "
        "of the plan).",
    )
    lifecycle_planning_any_call_successful = fields.Boolean(
        string="Count Any Call That Took Place as Successful",
        help="Off: only a call whose client ordered is successful. On: every answered call "
        "is (ordered, call back later, refused). A client with a successful call is not "
        "proposed again before its next expected order.",
    )

    lifecycle_sleeping_activity = fields.Boolean(
        string="Activity When a Client Turns Sleeping",
        help="Schedule a to-do for the client's salesperson when automation makes the client "
        "sleeping.",
    )
    lifecycle_status_at_risk_id = fields.Many2one(
        "partner.lifecycle.status",
        string="At-Risk Client Status",
        ondelete="restrict",
        check_company=True,
        help="Status of a working or permanent client whose idle days reach its own rhythm "
        "(the factor times its average interval). Empty: the at-risk rule is off.",
    )
    lifecycle_at_risk_factor = fields.Float(
        string="At Risk From (x Usual Interval)",
        default=2.0,
        digits=(4, 1),
        help="A client is at risk when its days without an order reach this many times its "
        "own average interval.",
    )
    lifecycle_at_risk_min_days = fields.Integer(
        string="At Risk No Sooner Than (Days)",
        default=7,
        help="The at-risk threshold is at least this many days without an order.",
    )
    lifecycle_at_risk_max_days = fields.Integer(
        string="At Risk No Later Than (Days)",
        default=0,
        help="The at-risk threshold is at most this many days (0 = no cap; sleeping still "
        "wins at its own limit).",
    )
    lifecycle_next_order_method = fields.Selection(
        [
            ("frequency", "Average frequency"),
            ("consumption", "Consumption of the main product"),
        ],
        string="Expected Next Order By",
        default="frequency",
        required=True,
        help="Consumption: the last order's quantity of the client's main product divided by "
        "its daily use over the window, for clients ordering one main product; others keep "
        "the average frequency.",
    )
    lifecycle_tz = fields.Selection(
        _tz_get,
        string="Time Zone of Order Dates",
        help="The day of an order, of a delivery and of today are taken in this time zone "
        "by every lifecycle rule (hooks and scheduled runs alike). Empty: the time zone "
        "of the company's address, else UTC.",
    )

    # The engine's limits, as the Python constraints below; the names are kept from 18.0.1.0.0.
    _sql_constraints = [
        (
            "lifecycle_numbers_positive",
            f"CHECK ({NUMBERS_CHECK})",
            "The client lifecycle numbers must stay within their limits: see the Client "
            "Lifecycle settings.",
        ),
        (
            "lifecycle_planning_days_positive",
            f"CHECK ({PLANNING_CHECK})",
            "The delivery planning days must stay within their limits: see the Delivery "
            "Planning settings.",
        ),
    ]

    @api.constrains(*NUMBER_FIELDS, FACTOR_FIELD, *PLANNING_NUMBER_FIELDS)
    def _check_lifecycle_numbers(self):
        """N, the periods, the at-risk factor and cap, and the planning days in their limits."""
        names = (*NUMBER_FIELDS, FACTOR_FIELD, *PLANNING_NUMBER_FIELDS)
        for company in self:
            company._lifecycle_check_values({name: company[name] for name in names})

    @api.model
    def _lifecycle_check_values(self, values):
        """Refuse, with a message naming the setting and its allowed range, a lifecycle
        number of ``values`` (company field name -> value, for the fields given) outside the
        engine's limits; the at-risk cap is checked when the floor is given too. Models with
        the same fields (the settings) call it on the values they are given, before the ORM
        rounds the factor (an infinite or huge one would fail there)."""
        for name, (low, high) in NUMBER_LIMITS.items():
            value = values.get(name)
            if isinstance(value, int | float) and not low <= value <= high:
                raise self._lifecycle_range_error(name, low, high)
        factor = values.get(FACTOR_FIELD)
        if isinstance(factor, int | float) and not is_valid_factor(float(factor)):
            raise self._lifecycle_range_error(FACTOR_FIELD, *FACTOR_LIMITS)
        floor, cap = values.get(AT_RISK_FLOOR_FIELD), values.get(AT_RISK_CAP_FIELD)
        if isinstance(floor, int) and isinstance(cap, int) and not is_valid_at_risk_cap(floor, cap):
            raise ValidationError(
                self.env._(
                    "%(setting)s must be 0 (no cap) or at least %(low)s, the value of %(floor)s.",
                    setting=self._lifecycle_field_label(AT_RISK_CAP_FIELD),
                    low=self._lifecycle_format_number(floor),
                    floor=self._lifecycle_field_label(AT_RISK_FLOOR_FIELD),
                )
            )

    @api.model
    def _lifecycle_range_error(self, field_name, low, high):
        return ValidationError(
            self.env._(
                "%(setting)s must be between %(low)s and %(high)s.",
                setting=self._lifecycle_field_label(field_name),
                low=self._lifecycle_format_number(low),
                high=self._lifecycle_format_number(high),
            )
        )

    @api.model
    def _lifecycle_format_number(self, value):
        """A limit as the reader writes numbers (1,000 or 1 000; 10, not 10.0)."""
        return formatLang(self.env, value, digits=0 if float(value).is_integer() else 1)

    @api.constrains(*ROLE_FIELDS.values())
    def _check_lifecycle_status_company(self):
        """A company maps its roles to shared statuses or to statuses of its own."""
        self._check_company(list(ROLE_FIELDS.values()))

    @api.constrains(*ROLE_FIELDS.values())
    def _check_lifecycle_statuses(self):
        for company in self:
            seen = {}
            for field_name in ROLE_FIELDS.values():
                status = company[field_name]
                if status and status in seen:
                    raise ValidationError(
                        self.env._(
                            "The status %(status)s is mapped to two lifecycle roles "
                            "(%(first)s and %(second)s): each role needs its own status.",
                            status=status.display_name,
                            first=self._lifecycle_field_label(seen[status]),
                            second=self._lifecycle_field_label(field_name),
                        )
                    )
                seen[status] = field_name

    def _lifecycle_field_label(self, field_name):
        return self._fields[field_name].get_description(self.env)["string"]

    def _lifecycle_timezone(self):
        """The time zone of this company's order days: the setting, else its address's, else UTC."""
        self.ensure_one()
        return self.lifecycle_tz or self.partner_id.tz or "UTC"

    def _lifecycle_today(self):
        """Today in the company's time zone (the day every rule of this company counts from);
        :meth:`_lifecycle_today_sql` is its SQL twin."""
        return self._lifecycle_date(fields.Datetime.now())

    def _lifecycle_date(self, moment):
        """The day of a UTC datetime in the company's time zone (the one definition of a
        day: order, delivery, today); :meth:`_lifecycle_date_sql` is its SQL twin."""
        zone = pytz.timezone(self._lifecycle_timezone())
        return pytz.utc.localize(moment).astimezone(zone).date()

    def _lifecycle_moment(self, day, at=time(12)):
        """The UTC datetime of ``at`` o'clock on ``day`` in the company's time zone: a moment
        whose :meth:`_lifecycle_date` is ``day``."""
        zone = pytz.timezone(self._lifecycle_timezone())
        local = zone.localize(datetime.combine(day, at))
        return local.astimezone(pytz.utc).replace(tzinfo=None)

    def _lifecycle_date_sql(self, moment, alias=None):
        """SQL: :meth:`_lifecycle_date` of the UTC timestamp ``moment`` (an SQL expression)
        in this company's time zone, or, with ``alias``, in that of the company row
        ``alias`` (a query over many companies)."""
        if alias is None:
            zone = SQL("%s", self._lifecycle_timezone())
        else:
            zone = self._lifecycle_timezone_sql(alias)
        return SQL("((%s) AT TIME ZONE 'UTC' AT TIME ZONE %s)::date", moment, zone)

    def _lifecycle_today_sql(self, alias=None):
        """SQL: :meth:`_lifecycle_today` of this company, or of the company row ``alias``.

        The moment is the server's now taken in Python, as :meth:`_lifecycle_today`
        takes it, not the transaction's ``now()``: both sides see the same day.
        """
        return self._lifecycle_date_sql(SQL("%s::timestamp", fields.Datetime.now()), alias)

    def _lifecycle_settings(self):
        """The engine settings of this company; override to add a rule switch."""
        self.ensure_one()
        values = {engine_name: self[name] for name, engine_name in NUMBER_FIELDS.items()}
        return LifecycleSettings(
            frequency_trim_extremes=self.lifecycle_frequency_trim_extremes,
            first_order_trigger=self.lifecycle_first_order_trigger,
            at_risk_factor=self.lifecycle_at_risk_factor
            if self.lifecycle_status_at_risk_id
            else 0.0,
            next_order_method=self.lifecycle_next_order_method,
            **values,
        )

    def _lifecycle_role_statuses(self):
        """Map each lifecycle role to this company's status (roles without one are left out)."""
        self.ensure_one()
        return {role: self[name] for role, name in ROLE_FIELDS.items() if self[name]}

    def _lifecycle_role_ids(self):
        """(status id by role, role by status id) of this company's mapping."""
        statuses = {role: status.id for role, status in self._lifecycle_role_statuses().items()}
        return statuses, {status_id: role for role, status_id in statuses.items()}

    def _lifecycle_set_default_statuses(self):
        """Map the roles without a status to the statuses shipped with the add-on."""
        for company in self:
            values = {}
            for role in DEFAULT_ROLES:
                field_name = ROLE_FIELDS[role]
                status = self.env.ref(f"partner_lifecycle.status_{role}", raise_if_not_found=False)
                if status and not company[field_name]:
                    values[field_name] = status.id
            if values:
                company.write(values)

    @api.model_create_multi
    def create(self, vals_list):
        defaults = self.default_get([AT_RISK_FLOOR_FIELD, AT_RISK_CAP_FIELD])
        for vals in vals_list:
            self._lifecycle_check_values({**defaults, **vals})
        companies = super(
            ResCompany, self.with_context(**internal(NO_STATUS_KEY, NO_RECALCULATION_KEY))
        ).create(vals_list)
        companies._lifecycle_set_default_statuses()
        for company in companies.filtered(lambda c: not c.lifecycle_tz):
            company.lifecycle_tz = company._lifecycle_timezone()
        return companies.with_context(**dict.fromkeys((NO_STATUS_KEY, NO_RECALCULATION_KEY), False))

    def write(self, vals):
        self._lifecycle_check_values(vals)
        rules = set(vals) & self._lifecycle_rule_fields()
        before = {company: company._lifecycle_rule_values() for company in self} if rules else {}
        result = super().write(vals)
        changed = self.filtered(lambda c: before and before[c] != c._lifecycle_rule_values())
        if changed and not is_internal(self.env, NO_RECALCULATION_KEY):
            changed._lifecycle_queue_full_recalculation()
        return result

    @api.model
    def _lifecycle_rule_fields(self):
        """The settings whose change calls for a recalculation of every client."""
        return {
            *ROLE_FIELDS.values(),
            *NUMBER_FIELDS,
            "lifecycle_frequency_trim_extremes",
            "lifecycle_first_order_trigger",
            "lifecycle_tz",
            "lifecycle_at_risk_factor",
            "lifecycle_next_order_method",
        }

    def _lifecycle_rule_values(self):
        self.ensure_one()
        return {name: self[name] for name in self._lifecycle_rule_fields()}

    def _lifecycle_queue_full_recalculation(self):
        """Recalculate every client of these companies in the background, soon."""
        jobs = self.env["partner.lifecycle.job"].sudo()
        for company in self:
            jobs._queue_recalculation(company, user=self.env.user)

    @api.model
    def _lifecycle_default_company(self):
        """The company whose settings rule clients shared by all companies."""
        main_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "base.main_company", raise_if_not_found=False
        )  # cached: no query on the hot path of the hooks
        company = self.sudo().browse(main_id) if main_id else self.browse()
        return company or self.sudo().search([], order="id", limit=1)

    @api.model
    def _lifecycle_ruling_company_sql(self, alias):
        """SQL: the id of the company whose settings rule the client row ``alias``, the SQL
        twin of :meth:`res.partner._lifecycle_company`: its own, else
        :meth:`_lifecycle_default_company`. Override both together (and the statistics
        of this expression that ``res.partner``'s ``init`` creates for the planner)."""
        return SQL(
            "COALESCE(%s.company_id, %s)",
            SQL.identifier(alias),
            self._lifecycle_default_company().id,
        )

    @api.model
    def _lifecycle_roles_query(self):
        """SQL rows ``(company_id, status_id, role)``: the status each company maps to each role."""
        pairs = SQL(", ").join(
            SQL("(c.%s, %s)", SQL.identifier(name), role) for role, name in ROLE_FIELDS.items()
        )
        return SQL(
            """SELECT c.id AS company_id, r.status_id, r.role::varchar AS role
                 FROM res_company c CROSS JOIN LATERAL (VALUES %s) AS r(status_id, role)
                WHERE r.status_id IS NOT NULL""",
            pairs,
        )

    @api.model
    def _lifecycle_timezone_sql(self, alias):
        """SQL: :meth:`_lifecycle_timezone` of the company row ``alias``."""
        return SQL(
            """COALESCE(%(c)s.lifecycle_tz,
                        (SELECT z.tz FROM res_partner z WHERE z.id = %(c)s.partner_id), 'UTC')""",
            c=SQL.identifier(alias),
        )
