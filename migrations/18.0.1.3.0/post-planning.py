"""To 18.0.1.3.0, delivery planning: who called, and the day of each plan's quotation.

Two new columns are filled for the rows an older version left:

- ``partner_lifecycle_planning_line.call_user_id``, the dispatcher who set the
  call result: for a line with a call result, the last person who wrote the
  line (the best record of it there is);
- ``sale_order.lifecycle_plan_date``, the day a plan made the quotation for:
  for a quotation linked from a plan line, the line's delivery day (its
  expected date, not before the plan's first day). A client that got two
  quotations for one day from plans (possible before) keeps the day on the
  first only: a plan makes one quotation per client and day from now on.
  Cancelled quotations get no day.

Both fill empty values only: a second run changes nothing.
"""

import logging

from odoo.tools import SQL

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")


def fill_call_users(cr):
    cr.execute(
        SQL(
            """UPDATE partner_lifecycle_planning_line
                  SET call_user_id = write_uid
                WHERE call_user_id IS NULL AND call_result != 'not_called'"""
        )
    )
    return cr.rowcount


def fill_plan_dates(cr):
    cr.execute(
        SQL(
            """WITH planned AS (
                   SELECT DISTINCT ON (so.partner_id, GREATEST(l.expected_date, p.date_from))
                          so.id, GREATEST(l.expected_date, p.date_from) AS day, so.partner_id
                     FROM partner_lifecycle_planning_line l
                     JOIN partner_lifecycle_planning p ON p.id = l.planning_id
                     JOIN sale_order so ON so.id = l.order_id
                    WHERE so.state != 'cancel' AND so.lifecycle_plan_date IS NULL
                 ORDER BY so.partner_id, GREATEST(l.expected_date, p.date_from), so.id)
               UPDATE sale_order so SET lifecycle_plan_date = planned.day
                 FROM planned
                WHERE so.id = planned.id
                  AND NOT EXISTS (SELECT 1 FROM sale_order other
                                   WHERE other.partner_id = planned.partner_id
                                     AND other.lifecycle_plan_date = planned.day)"""
        )
    )
    return cr.rowcount


def migrate(cr, version):
    if not version:
        return
    users, days = fill_call_users(cr), fill_plan_dates(cr)
    _logger.info(
        "client lifecycle: %s plan lines given their caller, %s quotations their plan day",
        users,
        days,
    )
