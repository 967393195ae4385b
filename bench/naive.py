"""The per-client path: ORM reads of one client's facts, the engine, one ORM write.

This is the naive baseline of the benchmark and the independent reference of
``tests/test_set_based_equivalence.py``. It shares no code with the set-based
path (``partner.lifecycle.recalculation``) besides the engine, the rules under
test in both: it reads companies, clients, orders, order lines and pauses with
plain ORM ``search``/``read``, and defines on its own which orders count, the
day of an order in the company's time zone, the ruling company, the role of
each status, the engine settings of a company and the values written.
"""

from datetime import UTC
from zoneinfo import ZoneInfo

from ..engine import ClientFacts, LifecycleSettings, UnusableDate, decide, status_since

#: The company field holding the status of each role of the engine.
ROLE_FIELDS = {
    "new": "lifecycle_status_on_create_id",
    "working": "lifecycle_status_on_first_order_id",
    "permanent": "lifecycle_status_permanent_id",
    "at_risk": "lifecycle_status_at_risk_id",
    "sleeping": "lifecycle_status_sleeping_id",
    "former": "lifecycle_status_former_id",
}
#: Company fields copied as they are into the engine settings, by engine name.
SETTING_FIELDS = {
    "permanent_order_count": "lifecycle_permanent_order_count",
    "sleeping_days": "lifecycle_sleeping_days",
    "frequency_window_days": "lifecycle_frequency_window_days",
    "frequency_max_gap_days": "lifecycle_frequency_max_gap_days",
    "frequency_trim_extremes": "lifecycle_frequency_trim_extremes",
    "planning_inactive_days": "lifecycle_planning_inactive_days",
    "first_order_trigger": "lifecycle_first_order_trigger",
    "at_risk_min_days": "lifecycle_at_risk_min_days",
    "at_risk_max_days": "lifecycle_at_risk_max_days",
    "next_order_method": "lifecycle_next_order_method",
}
#: The figures of the engine's decision that a recalculation writes on a client.
FACT_FIELDS = (
    "lifecycle_order_count",
    "lifecycle_last_order_date",
    "lifecycle_avg_interval_days",
    "lifecycle_interval_spread",
    "lifecycle_next_order_date",
    "lifecycle_next_order_method",
    "lifecycle_next_order_from",
    "lifecycle_next_order_to",
    "lifecycle_plannable",
    "lifecycle_reason_code",
    "lifecycle_reason_params",
    "lifecycle_review_date",
    "lifecycle_error_order_id",
    "lifecycle_error_date",
    "lifecycle_held",
    "lifecycle_first_order_date",
)
#: The fields of a hold by hand, emptied when the hold ends.
HOLD_FIELDS = (
    "lifecycle_hold_until",
    "lifecycle_hold_user_id",
    "lifecycle_hold_note",
    "lifecycle_hold_order_count",
)
#: Every client field a recalculation writes.
WRITTEN_FIELDS = ("lifecycle_status_id", "lifecycle_status_date", *FACT_FIELDS, *HOLD_FIELDS)
#: The client fields read: the written ones and the facts they rest on.
READ_FIELDS = (
    *WRITTEN_FIELDS,
    "company_id",
    "lifecycle_first_delivery_date",
    "lifecycle_termination_date",
)


# ---------------------------------------------------------------------- companies
def ruling_company(partner):
    """The company whose settings rule the client: its own, else the main company (the
    company of ``base.main_company``, else the first company)."""
    if partner.company_id:
        return partner.company_id
    main = partner.env.ref("base.main_company", raise_if_not_found=False)
    return (
        main.sudo() if main else partner.env["res.company"].sudo().search([], limit=1, order="id")
    )


def company_zone(company):
    """The time zone of the company's days: its lifecycle setting, else its partner's, else UTC."""
    row = company.sudo().read(["lifecycle_tz", "partner_id"])[0]
    name = row["lifecycle_tz"]
    if not name and row["partner_id"]:
        name = company.env["res.partner"].sudo().browse(row["partner_id"][0]).read(["tz"])[0]["tz"]
    return ZoneInfo(name or "UTC")


def order_day(zone, moment):
    """The day of ``moment`` (a naive UTC datetime, as the ORM reads ``date_order``) in ``zone``."""
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


def company_roles(company):
    """(status id by role, role by status id) of the company's settings."""
    row = company.sudo().read(list(ROLE_FIELDS.values()))[0]
    statuses = {role: row[name][0] for role, name in ROLE_FIELDS.items() if row[name]}
    return statuses, {status_id: role for role, status_id in statuses.items()}


def company_settings(company):
    """The engine settings of the company; the at-risk rule is off without an at-risk status."""
    row = company.sudo().read([*SETTING_FIELDS.values(), "lifecycle_at_risk_factor"])[0]
    values = {engine_name: row[name] for engine_name, name in SETTING_FIELDS.items()}
    at_risk = company_roles(company)[0].get("at_risk")
    values["at_risk_factor"] = row["lifecycle_at_risk_factor"] if at_risk else 0.0
    return LifecycleSettings(**values)


# ---------------------------------------------------------------------- one client
def counted_orders(partner):
    """The confirmed orders that count for a client: of its contacts, of its company (of every
    company when the client is shared), oldest first."""
    domain = [("partner_id.commercial_partner_id", "=", partner.id), ("state", "=", "sale")]
    if partner.company_id:
        domain.append(("company_id", "=", partner.company_id.id))
    orders = partner.env["sale.order"].sudo().with_context(active_test=False)
    return orders.search(domain, order="id")


def main_product_quantities(orders, zone):
    """``(day, quantity)`` of the main product of these orders, by day: the product present in
    every order that has a product line, of the largest total quantity (the lower id on a tie);
    empty when no product is in every such order."""
    lines = (
        orders.env["sale.order.line"]
        .sudo()
        .search_read(
            [("order_id", "in", orders.ids), ("product_id", "!=", False)],
            ["order_id", "product_id", "product_uom_qty"],
        )
    )
    day_of = {order.id: order_day(zone, order.date_order) for order in orders}
    orders_of, total = {}, {}
    for line in lines:
        product_id = line["product_id"][0]
        orders_of.setdefault(product_id, set()).add(line["order_id"][0])
        total[product_id] = total.get(product_id, 0.0) + line["product_uom_qty"]
    with_lines = set().union(*orders_of.values()) if orders_of else set()
    in_all = [product for product, seen in orders_of.items() if seen == with_lines]
    if not in_all:
        return ()
    main = min(in_all, key=lambda product: (-total[product], product))
    by_day = {}
    for line in lines:
        if line["product_id"][0] == main:
            day = day_of[line["order_id"][0]]
            by_day[day] = by_day.get(day, 0.0) + line["product_uom_qty"]
    return tuple(sorted(by_day.items()))


def client_facts(partner, row, zone, settings, role_of, orders):
    """The engine facts of one client, from its read ``row`` and its counted ``orders``."""
    status_id = row["lifecycle_status_id"] or None
    pauses = (
        partner.env["partner.lifecycle.pause"]
        .sudo()
        .search_read([("partner_id", "=", partner.id)], ["date_from", "date_to"])
    )
    quantities = ()
    if settings.next_order_method == "consumption":
        quantities = main_product_quantities(orders, zone)
    return ClientFacts(
        order_dates=tuple(order_day(zone, order.date_order) for order in orders),
        first_delivery_date=row["lifecycle_first_delivery_date"] or None,
        terminated=bool(row["lifecycle_termination_date"]),
        current_role=role_of.get(status_id),
        status_is_automatic=status_id is None or status_id in role_of,
        held_order_count=row["lifecycle_hold_order_count"] if row["lifecycle_held"] else None,
        hold_until=row["lifecycle_hold_until"] or None,
        pauses=tuple((pause["date_from"], pause["date_to"]) for pause in pauses),
        order_quantities=quantities,
        current_status=status_id,
        status_date=row["lifecycle_status_date"] or None,
        reason_code=row["lifecycle_reason_code"] or None,
        reason_params=row["lifecycle_reason_params"] or None,
    )


def _read(partner):
    """The client's fields, as the ORM reads them (a many2one as its id)."""
    row = partner.sudo().with_context(active_test=False).read(list(READ_FIELDS))[0]
    return {name: value[0] if isinstance(value, tuple) else value for name, value in row.items()}


def _rounded(value):
    return round(value, 1) if value is not None else None


def client_values(partner, today):
    """What one client's recalculation stores, by field (:data:`WRITTEN_FIELDS`; None for no
    value), with the engine's decision (None when a date is unusable) and whether its status
    changes."""
    company = ruling_company(partner)
    zone = company_zone(company)
    settings = company_settings(company)
    statuses, role_of = company_roles(company)
    row = _read(partner)
    orders = counted_orders(partner)
    facts = client_facts(partner, row, zone, settings, role_of, orders)
    try:
        decision = decide(facts, settings, today)
    except UnusableDate as error:
        return _error_values(row, zone, orders, error.value), None, False
    stored_status = row["lifecycle_status_id"] or None
    status_id = statuses.get(decision.role) if decision.role else None
    changed = status_id is not None and status_id != stored_status
    held = decision.held
    values = {
        "lifecycle_status_id": status_id if changed else stored_status,
        "lifecycle_status_date": row["lifecycle_status_date"] or None,
        "lifecycle_order_count": decision.order_count,
        "lifecycle_last_order_date": decision.last_order_date,
        "lifecycle_avg_interval_days": _rounded(decision.avg_interval_days),
        "lifecycle_interval_spread": _rounded(decision.interval_spread),
        "lifecycle_next_order_date": decision.next_order_date,
        "lifecycle_next_order_method": decision.next_order_method,
        "lifecycle_next_order_from": decision.next_order_from,
        "lifecycle_next_order_to": decision.next_order_to,
        "lifecycle_plannable": decision.plannable,
        "lifecycle_reason_code": decision.reason_code,
        "lifecycle_reason_params": decision.reason_params or None,
        "lifecycle_review_date": decision.review_date,
        "lifecycle_error_order_id": None,
        "lifecycle_error_date": None,
        "lifecycle_held": held,
        "lifecycle_first_order_date": min(facts.order_dates, default=None),
        **{name: (row[name] or None) if held else None for name in HOLD_FIELDS},
    }
    if changed:
        # the day the replay of its orders makes the client enter its new role
        termination = row["lifecycle_termination_date"] or None
        since = status_since(facts, settings, today, decision.role, termination)
        values["lifecycle_status_date"] = since or today
    return values, decision, changed


def _error_values(row, zone, orders, bad_date):
    """A client whose order (or delivery) date the rules cannot use: its stored values stay
    (as the ORM reads them), with no review date and the first counted order of that day
    (none for a delivery date)."""
    values = {name: row[name] for name in WRITTEN_FIELDS}
    if not row["lifecycle_held"]:
        values.update(dict.fromkeys(HOLD_FIELDS))
    values["lifecycle_review_date"] = None
    values["lifecycle_error_order_id"] = next(
        (order.id for order in orders if order_day(zone, order.date_order) == bad_date), None
    )
    values["lifecycle_error_date"] = bad_date
    return values


# ---------------------------------------------------------------------- the loop
def recalculate(partners, today):
    """Recalculate each client on its own: one ORM write of its values a client (through the
    add-on's plain writer, which the set-based path does not use), one history row per change
    of status."""
    history = partners.env["partner.lifecycle.history"].sudo()
    for partner in partners:
        old_status = partner.sudo().lifecycle_status_id.id
        values, decision, changed = client_values(partner, today)
        partner._lifecycle_write_system(
            {name: False if value is None else value for name, value in values.items()}
        )
        if changed:
            history.create(
                {
                    "partner_id": partner.id,
                    "old_status_id": old_status,
                    "new_status_id": values["lifecycle_status_id"],
                    "origin": "automatic",
                    "reason_code": decision.reason_code,
                    "reason_params": decision.reason_params,
                }
            )
