"""From 18.0.1.0.0: stored reasons become codes; holds, review dates and figures are filled.

The 18.0.1.0.0 reasons were sentences in the language of whoever ran the
recalculation ("3 orders >= 3 -> permanent", "заказов: 3 >= 3 -> постоянный").
Each is read back into the code and the parameters of the engine's reason, so
that every reader sees it in his language; a person's text in the history
becomes that row's note. The old columns are dropped at the end, so a second
run finds nothing to do.

18.0.1.1.0 also keeps columns that 18.0.1.0.0 did not have and that its rules
rely on: the hold of a status set by hand, and the review date from which the
nightly run takes a client again. For every client of every company, the
migration then holds the statuses people set by hand (18.0.1.0.0 kept only
the history row of the change: the client's last row, with no order since),
recalculates the client with the add-on's own
recalculation, quietly as the install does (review date, interval spread,
reason of the hold and every figure filled), and queues a full recalculation
of each company. A second run holds no one again, finds the figures as they
are, and finds the queued job.
"""

import json
import logging
import re

from odoo import SUPERUSER_ID, api

from odoo.addons.partner_lifecycle.models.lifecycle_context import QUIET_KEY, internal

_logger = logging.getLogger("odoo.addons.partner_lifecycle.migrations")

#: The reason sentences of 18.0.1.0.0, in English and in Russian, by code.
OLD_REASONS = {
    "former_kept": ("former: only a person changes it", "бывший: меняется только вручную"),
    "terminated": ("contract terminated -> former", "договор расторгнут -> бывший"),
    "manual_kept": (
        "status set by hand: not changed by automation",
        "статус задан вручную: автоматически не меняется",
    ),
    "no_orders_new": ("no status and no order -> new", "нет статуса и заказов -> новый"),
    "no_orders_kept": (
        "no confirmed order: status kept",
        "нет подтвержденных заказов: статус не изменен",
    ),
    "sleeping": (
        "%(days)s days without an order >= %(limit)s -> sleeping",
        "дней без заказа: %(days)s >= %(limit)s -> спящий",
    ),
    "permanent": (
        "%(count)s orders >= %(limit)s -> permanent",
        "заказов: %(count)s >= %(limit)s -> постоянный",
    ),
    "working_delivery": (
        "first delivery on %(date)s -> working",
        "первая доставка %(date)s -> рабочий",
    ),
    "working_order": ("first order on %(date)s -> working", "первый заказ %(date)s -> рабочий"),
    "working_kept": (
        "%(count)s orders < %(limit)s -> working",
        "заказов: %(count)s < %(limit)s -> рабочий",
    ),
    "new_waiting": (
        "ordered, no delivery yet -> new",
        "заказ есть, доставки еще не было -> новый",
    ),
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
VALUE = {"date": r"(?P<date>\d{4}-\d{2}-\d{2})"}


def _pattern(template):
    parts, last = [], 0
    for match in PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[last : match.start()]))
        name = match.group(1)
        parts.append(VALUE.get(name, rf"(?P<{name}>-?\d+)"))
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("".join(parts))


PATTERNS = [
    (code, _pattern(template)) for code, templates in OLD_REASONS.items() for template in templates
]


def parse(text):
    """(code, params) of an 18.0.1.0.0 reason sentence, or None when it is none of them."""
    for code, pattern in PATTERNS:
        match = pattern.fullmatch((text or "").strip())
        if match:
            params = {
                key: value if key == "date" else int(value)
                for key, value in match.groupdict().items()
            }
            return code, params
    return None


def _has_column(cr, table, column):
    cr.execute(
        "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
        (table, column),
    )
    return bool(cr.fetchone())


def _convert_partners(cr):
    cr.execute(
        "SELECT id, lifecycle_reason FROM res_partner"
        " WHERE lifecycle_reason IS NOT NULL AND lifecycle_reason_code IS NULL"
    )
    converted = 0
    for partner_id, text in cr.fetchall():
        parsed = parse(text)
        if parsed:
            cr.execute(
                "UPDATE res_partner SET lifecycle_reason_code = %s, lifecycle_reason_params = %s"
                " WHERE id = %s",
                (parsed[0], json.dumps(parsed[1]), partner_id),
            )
            converted += 1
    cr.execute("ALTER TABLE res_partner DROP COLUMN lifecycle_reason")
    return converted


def _convert_history(cr):
    cr.execute(
        "SELECT id, origin, reason FROM partner_lifecycle_history"
        " WHERE reason IS NOT NULL AND reason_code IS NULL AND note IS NULL"
    )
    converted = 0
    for row_id, origin, text in cr.fetchall():
        parsed = parse(text) if origin in ("automatic", "termination") else None
        if parsed:
            cr.execute(
                "UPDATE partner_lifecycle_history SET reason_code = %s, reason_params = %s"
                " WHERE id = %s",
                (parsed[0], json.dumps(parsed[1]), row_id),
            )
            converted += 1
        else:
            cr.execute(
                "UPDATE partner_lifecycle_history SET note = %s WHERE id = %s", (text, row_id)
            )
    cr.execute("ALTER TABLE partner_lifecycle_history DROP COLUMN reason")
    return converted


def complete_clients(env):
    """Hold the statuses people set by hand, recalculate every client quietly, and queue a
    full recalculation of each company (a job, run soon by the job cron)."""
    recalculation = env["partner.lifecycle.recalculation"].with_context(**internal(QUIET_KEY))
    companies = env["res.company"].search([], order="id")
    for company in companies:
        reconstruction = env["partner.lifecycle.reconstruction"]
        held = reconstruction._hold_statuses_set_by_hand(recalculation._client_ids(company))
        stats = recalculation._recalculate_company(company)
        _logger.info(
            "client lifecycle: %s: %s statuses set by hand held, %s clients recalculated",
            company.name,
            held,
            stats["clients"],
        )
    companies._lifecycle_queue_full_recalculation()
    env.flush_all()


def migrate(cr, version):
    """Convert the stored reasons, then complete every client; safe to run twice."""
    if not version:
        return
    if _has_column(cr, "res_partner", "lifecycle_reason"):
        _logger.info("client lifecycle: %s partner reasons converted", _convert_partners(cr))
    if _has_column(cr, "partner_lifecycle_history", "reason"):
        _logger.info("client lifecycle: %s history reasons converted", _convert_history(cr))
    complete_clients(api.Environment(cr, SUPERUSER_ID, {}))
