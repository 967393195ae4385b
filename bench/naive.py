"""The per-client path: one ORM search of a client's orders, the engine, one ORM write.

This is the naive baseline of the benchmark and the independent reference of
``tests/test_set_based_equivalence.py``; the add-on itself recalculates with
the set-based ``partner.lifecycle.recalculation``.
"""

from odoo import fields

from ..engine import ClientFacts, decide
from ..models.partner_lifecycle_recalculation import FACT_COLUMNS


def company_roles(company):
    """(status id by role, role by status id) of a company's settings."""
    statuses = {role: status.id for role, status in company._lifecycle_role_statuses().items()}
    return statuses, {status_id: role for role, status_id in statuses.items()}


def client_facts(partner, role_of):
    """The engine facts of one commercial partner, read through the ORM."""
    orders = partner.env["sale.order"].search(
        [("partner_id.commercial_partner_id", "=", partner.id), ("state", "=", "sale")]
    )
    status = partner.lifecycle_status_id
    return ClientFacts(
        order_dates=tuple(fields.Date.context_today(partner, o.date_order) for o in orders),
        first_delivery_date=partner.lifecycle_first_delivery_date or None,
        terminated=bool(partner.lifecycle_termination_date),
        current_role=role_of.get(status.id),
        status_is_automatic=not status or status.id in role_of,
    )


def client_decision(partner, today):
    """The engine decision of one client and the status id it leads to (None: unchanged)."""
    company = partner._lifecycle_company()
    statuses, role_of = company_roles(company)
    decision = decide(client_facts(partner, role_of), company._lifecycle_settings(), today)
    return decision, statuses.get(decision.role) if decision.role else None


def decision_values(partner, decision, status_id):
    """The field values of ``decision``, as the recalculation stores them, status included."""
    recalculation = partner.env["partner.lifecycle.recalculation"]
    status_changes = bool(status_id) and status_id != partner.lifecycle_status_id.id
    stored_reason = partner.lifecycle_reason or None
    facts = recalculation._fact_values(decision, status_changes, stored_reason)
    values = dict(zip(FACT_COLUMNS, facts, strict=True))
    values["lifecycle_status_id"] = status_id or partner.lifecycle_status_id.id or None
    return values


def recalculate(partners, today):
    """Recalculate each client on its own and write it through the ORM."""
    for partner in partners:
        decision, status_id = client_decision(partner, today)
        values = decision_values(partner, decision, status_id)
        if not status_id:
            del values["lifecycle_status_id"]
        partner.with_context(
            lifecycle_origin="automatic", lifecycle_change_reason=values["lifecycle_reason"]
        ).write(values)
