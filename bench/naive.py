"""The per-client path: one ORM search of a client's orders, the engine, one ORM write.

This is the naive baseline of the benchmark and the independent reference of
``tests/test_set_based_equivalence.py``: it reads each client's facts through
the ORM (not through the SQL of ``partner.lifecycle.recalculation``) and maps
the engine's decision to field values on its own.
"""

from ..engine import ClientFacts, decide
from ..models.partner_lifecycle_decision import FACT_COLUMNS


def company_roles(company):
    """(status id by role, role by status id) of a company's settings."""
    return company._lifecycle_role_ids()


def counted_orders(partner):
    """The confirmed orders that count for a client: of its contacts, of its company."""
    domain = [("partner_id.commercial_partner_id", "=", partner.id), ("state", "=", "sale")]
    if partner.company_id:
        domain.append(("company_id", "=", partner.company_id.id))
    return partner.env["sale.order"].sudo().with_context(active_test=False).search(domain)


def client_facts(partner, role_of):
    """The engine facts of one commercial partner, read through the ORM."""
    company = partner._lifecycle_company()
    status = partner.lifecycle_status_id
    return ClientFacts(
        order_dates=tuple(company._lifecycle_date(o.date_order) for o in counted_orders(partner)),
        first_delivery_date=partner.lifecycle_first_delivery_date or None,
        terminated=bool(partner.lifecycle_termination_date),
        current_role=role_of.get(status.id),
        status_is_automatic=not status or status.id in role_of,
        held_order_count=partner.lifecycle_hold_order_count if partner.lifecycle_held else None,
        hold_until=partner.lifecycle_hold_until or None,
        pauses=tuple((p.date_from, p.date_to) for p in partner.lifecycle_pause_ids),
        current_status=status.id or None,
        status_date=partner.lifecycle_status_date or None,
        reason_code=partner.lifecycle_reason_code or None,
        reason_params=partner.lifecycle_reason_params or None,
    )


def client_decision(partner, today):
    """The engine decision of one client and the status id it leads to (None: unchanged)."""
    company = partner._lifecycle_company()
    statuses, role_of = company_roles(company)
    decision = decide(client_facts(partner, role_of), company._lifecycle_settings(), today)
    status_id = statuses.get(decision.role) if decision.role else None
    if status_id == partner.lifecycle_status_id.id:
        status_id = None
    return decision, status_id


def decision_values(partner, decision, status_id):
    """The field values of ``decision``, as the recalculation stores them, status included."""
    average = decision.avg_interval_days
    code, params = decision.reason_code, decision.reason_params or None
    values = {
        "lifecycle_order_count": decision.order_count,
        "lifecycle_last_order_date": decision.last_order_date,
        "lifecycle_avg_interval_days": round(average, 1) if average is not None else None,
        "lifecycle_interval_spread": (
            round(decision.interval_spread, 1) if decision.interval_spread is not None else None
        ),
        "lifecycle_next_order_date": decision.next_order_date,
        "lifecycle_next_order_method": decision.next_order_method,
        "lifecycle_plannable": decision.plannable,
        "lifecycle_reason_code": code,
        "lifecycle_reason_params": params,
        "lifecycle_review_date": decision.review_date,
        "lifecycle_error_order_id": None,
        "lifecycle_error_date": None,
        "lifecycle_held": decision.held,
    }
    assert set(values) == set(FACT_COLUMNS)
    values["lifecycle_status_id"] = status_id or partner.lifecycle_status_id.id or None
    return values


def recalculate(partners, today):
    """Recalculate each client on its own and write it through the ORM."""
    for partner in partners:
        decision, status_id = client_decision(partner, today)
        values = decision_values(partner, decision, status_id)
        values["lifecycle_error_order_id"] = False
        if status_id:
            values["lifecycle_status_date"] = today
        else:
            del values["lifecycle_status_id"]
        partner._lifecycle_write_system(values)
