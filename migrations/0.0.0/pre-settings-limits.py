"""Before every upgrade: settings outside the limits of this version are brought within them.

Run first at any upgrade to a newer version (``0.0.0``, ``pre``), before the
other scripts read the settings and before the database checks of the limits
are added. This version accepts N up to 1,000, periods up to 3,650 days, a postpone up to
365 days, an at-risk factor from 0 to 10, an at-risk cap of 0 or at least its
floor, and a contact schedule interval up to 3,650 days (``engine/settings.py``).
A value outside is set to the nearest one allowed and logged with its old
value, so that the rules keep working and the database checks of the new
limits can be added. A cap below its floor lowers the floor to the cap: the
threshold stays the cap, as before. A second run finds nothing to change.
"""

import logging

from odoo.tools import SQL
from odoo.tools.sql import column_exists

from odoo.addons.partner_lifecycle.engine.settings import FACTOR_LIMITS, SCHEDULE_INTERVAL_LIMITS
from odoo.addons.partner_lifecycle.models.res_company import (
    AT_RISK_CAP_FIELD,
    AT_RISK_FLOOR_FIELD,
    FACTOR_FIELD,
    NUMBER_LIMITS,
)

_logger = logging.getLogger(__name__)

#: Each column brought within its limits: (table, column) -> (low, high).
COLUMNS = {
    **{("res_company", name): limits for name, limits in NUMBER_LIMITS.items()},
    ("res_company", FACTOR_FIELD): FACTOR_LIMITS,
    ("res_partner", "lifecycle_schedule_interval_days"): SCHEDULE_INTERVAL_LIMITS,
}


def migrate(cr, version):
    """Bring every lifecycle setting within its limits; safe to run twice."""
    if not version:
        return
    if column_exists(cr, "res_company", AT_RISK_FLOOR_FIELD) and column_exists(
        cr, "res_company", AT_RISK_CAP_FIELD
    ):
        _lower_floors_above_their_cap(cr)
    for (table, column), (low, high) in COLUMNS.items():
        if column_exists(cr, table, column):
            _clamp(cr, table, column, low, high)


def _lower_floors_above_their_cap(cr):
    cr.execute(
        SQL(
            """UPDATE res_company SET %(floor)s = %(cap)s
                WHERE %(cap)s > 0 AND %(cap)s < %(floor)s
            RETURNING id, %(cap)s""",
            floor=SQL.identifier(AT_RISK_FLOOR_FIELD),
            cap=SQL.identifier(AT_RISK_CAP_FIELD),
        )
    )
    for company_id, cap in cr.fetchall():
        _logger.warning(
            "client lifecycle: company %s: %s lowered to the cap %s (%s)",
            company_id,
            AT_RISK_FLOOR_FIELD,
            cap,
            AT_RISK_CAP_FIELD,
        )


def _clamp(cr, table, column, low, high):
    cr.execute(
        SQL(
            """UPDATE %(table)s t SET %(column)s = LEAST(GREATEST(t.%(column)s, %(low)s), %(high)s)
                 FROM %(table)s old
                WHERE old.id = t.id AND (t.%(column)s < %(low)s OR t.%(column)s > %(high)s)
            RETURNING t.id, old.%(column)s, t.%(column)s""",
            table=SQL.identifier(table),
            column=SQL.identifier(column),
            low=low,
            high=high,
        )
    )
    for record_id, old, new in cr.fetchall():
        _logger.warning(
            "client lifecycle: %s %s: %s %s is outside %s..%s, set to %s",
            table,
            record_id,
            column,
            old,
            low,
            high,
            new,
        )
