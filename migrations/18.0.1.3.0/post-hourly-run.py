"""To 18.0.1.3.0: the scheduled recalculation runs every hour.

Each company's clients move on the first run after that company's midnight, in
its time zone; the shipped run was daily, at the hour of the install. The
scheduled action is kept on update (``noupdate``), so the migration makes the
shipped daily run hourly, from now on; a run an administrator changed is left as it is.
"""

from odoo import SUPERUSER_ID, api, fields


def migrate(cr, version):
    """Make the shipped daily run hourly; safe to run twice."""
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    cron = env.ref("partner_lifecycle.ir_cron_recompute", raise_if_not_found=False)
    if cron and (cron.interval_number, cron.interval_type) == (1, "days"):
        cron.write({"interval_type": "hours", "nextcall": fields.Datetime.now()})
