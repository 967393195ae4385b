"""People's acts on a client, decided like the automatic rules.

A person sets a status (from the card, the mass update, delivery planning, a
background job), terminates a contract, or creates a client. Each act gives
the same :class:`~.rules.Decision` as :func:`~.rules.decide`, so that one
writer applies any decision:

- **create**: a client without a status gets the role ``new`` (the company's
  "at creation" status), dated today; one with a status keeps it;
- **terminate** (and setting the former status by hand): the contract ends on
  the act's day (today by default), the client is former from today, any
  hold ends, and it leaves delivery planning with no expected next order;
- **set a status**: the status is the person's from today; an automatic
  status (one mapped to a role) holds until the client's next confirmed order,
  or after ``hold_until`` when given; a status of the company's own needs no
  hold (automation never replaces it); a terminated contract is reinstated.
  Setting the status the client already has changes nothing but the figures;
  setting no status at all (an administrator's clean-up) clears the status
  and any hold: the decision's status is :data:`NO_STATUS`.

The figures (planning flag, expected next order, review date) come from
:func:`~.rules.decide` on the facts as the act leaves them, so that they agree
with what the rules will say on the next run.
"""

from dataclasses import dataclass, replace
from datetime import date

from .roles import FORMER, NEW
from .rules import (
    ORIGIN_AUTOMATIC,
    ORIGIN_MANUAL,
    ORIGIN_TERMINATION,
    HistoryEntry,
    Hold,
    Termination,
    check_dates,
    decide,
)

CREATE = "create"
SET_STATUS = "set_status"
TERMINATE = "terminate"
ACTS = (CREATE, SET_STATUS, TERMINATE)
#: The status of a decision that leaves the client without a status.
NO_STATUS = "no_status"


class InvalidAct(ValueError):
    """An act the rules refuse; ``code`` names the problem for a translated message."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Act:
    """What a person does to a client."""

    kind: str
    #: The role of the status chosen (None: a status of the company's own).
    role: str | None = None
    #: The status chosen, as the caller names it (its id).
    status: object = None
    #: The day the contract ends (terminate; default: the day of the decision).
    day: date | None = None
    #: The last day of a hold (set a status; None: until the next order).
    hold_until: date | None = None
    #: The person's reason.
    note: str | None = None
    #: Who acts, as the caller names them.
    by: object = None
    #: The path of the act (``manual``, ``planning``), for the history.
    origin: str = ORIGIN_MANUAL

    def __post_init__(self):
        if self.kind not in ACTS:
            raise InvalidAct("kind", f"unknown act {self.kind!r}")


def check_act(act, today):
    """Raise :class:`InvalidAct` for an act the rules refuse whatever the client: a hold
    whose last day is before ``today``. Callers check an act before queueing it."""
    if act.kind == SET_STATUS and act.hold_until is not None and act.hold_until < today:
        raise InvalidAct("hold_until", f"a hold cannot end before today ({today.isoformat()})")


def decide_act(facts, act, settings, today):
    """The decision of ``act`` on the client of ``facts`` on ``today``; see the module
    docstring. Override the act's policy in the models' extension point, not here."""
    check_dates(facts)
    if act.kind == CREATE:
        return _create(facts, settings, today)
    if act.kind == TERMINATE or act.role == FORMER:
        return _terminate(facts, act, settings, today)
    return _set_status(facts, act, settings, today)


def _create(facts, settings, today):
    """A new client gets the role ``new`` from today; a client with a status keeps it."""
    decision = decide(facts, settings, today)
    if facts.current_status is not None or facts.current_role is not None:
        return decision
    return replace(
        decision,
        role=NEW,
        reason_code="no_orders_new",
        reason_params={},
        status_date=today,
        history=(HistoryEntry(NEW, "no_orders_new", {}, ORIGIN_AUTOMATIC),),
    )


def _terminate(facts, act, settings, today):
    """The contract ends; the client is former from today, without hold or next order."""
    after = replace(
        facts, terminated=True, current_role=FORMER, held_order_count=None, hold_until=None
    )
    decision = decide(after, settings, today)
    termination = Termination(act.day or today, act.note)
    if facts.current_role == FORMER:
        return replace(decision, termination=termination)
    return replace(
        decision,
        role=FORMER,
        reason_code="terminated",
        reason_params={},
        termination=termination,
        status_date=today,
        history=(HistoryEntry(FORMER, "terminated", {}, ORIGIN_TERMINATION, act.note),),
    )


def _set_status(facts, act, settings, today):
    """The person's status from today: held when automatic, reinstating a termination."""
    if act.status is not None and act.status == facts.current_status:
        return decide(facts, settings, today)
    if act.hold_until is not None and act.hold_until < today:
        raise InvalidAct("hold_until", f"a hold cannot end before today ({today.isoformat()})")
    if act.role is None and act.status is None:
        return _clear(facts, act, settings, today)
    automatic = act.role is not None
    hold = Hold(len(facts.order_dates), act.hold_until, act.by, act.note) if automatic else None
    after = replace(
        facts,
        terminated=False,
        current_role=act.role,
        current_status=act.status,
        status_is_automatic=automatic,
        held_order_count=hold.order_count if hold else None,
        hold_until=hold.until if hold else None,
        status_date=today,
        reason_code=None,
        reason_params=None,
    )
    decision = decide(after, settings, today)
    if automatic:
        code, params = decision.reason_code, decision.reason_params  # held_next_order / _until
    else:
        code, params = "manual_kept", {}
    return replace(
        decision,
        role=act.role,
        status=None if automatic else act.status,
        reason_code=code,
        reason_params=params,
        held=automatic,
        hold=hold,
        reinstated=facts.terminated,
        status_date=today,
        history=(HistoryEntry(act.role, code, params, act.origin, act.note, act.status),),
    )


def _clear(facts, act, settings, today):
    """No status at all: the hold ends, the rules' figures stay (the client has no role)."""
    after = replace(facts, current_role=None, current_status=None, held_order_count=None)
    decision = decide(after, settings, today)
    if facts.current_status is None:
        return decision
    return replace(
        decision,
        role=None,
        status=NO_STATUS,
        reason_code=None,
        reason_params={},
        held=False,
        status_date=today,
        history=(HistoryEntry(None, "manual_kept", {}, act.origin, act.note, NO_STATUS),),
    )


__all__ = [
    "ACTS",
    "CREATE",
    "NO_STATUS",
    "SET_STATUS",
    "TERMINATE",
    "Act",
    "InvalidAct",
    "decide_act",
]
