"""Lifecycle roles: the meanings a company maps its client statuses to.

A role is what automation reasons about; a status is the record a user sees
and may rename. The company settings map each role to one status.
"""

NEW = "new"
WORKING = "working"
PERMANENT = "permanent"
AT_RISK = "at_risk"
SLEEPING = "sleeping"
FORMER = "former"

#: Every role, in the order of the lifecycle.
ROLES = (NEW, WORKING, PERMANENT, AT_RISK, SLEEPING, FORMER)

#: Roles whose statuses automation may set and replace.
AUTOMATIC_ROLES = frozenset(ROLES)

#: Triggers of the "first order" status.
TRIGGER_DELIVERY = "delivery"
TRIGGER_ORDER = "order"
TRIGGERS = (TRIGGER_DELIVERY, TRIGGER_ORDER)
