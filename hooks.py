from odoo.tools import SQL

from .models.lifecycle_context import NO_RECALCULATION_KEY, QUIET_KEY, internal
from .models.res_company import ROLE_FIELDS


def post_init_hook(env):
    """Map the default statuses and time zones, record past first deliveries, and
    recalculate every client."""
    companies = env["res.company"].search([]).with_context(**internal(NO_RECALCULATION_KEY))
    companies._lifecycle_set_default_statuses()
    companies._lifecycle_set_default_delivery_category()
    for company in companies.filtered(lambda c: not c.lifecycle_tz):
        company.lifecycle_tz = company._lifecycle_timezone()
    env.flush_all()
    for company in companies:
        _record_first_deliveries(env, company)
    env["res.partner"].invalidate_model(["lifecycle_first_delivery_date"])
    recalculation = env["partner.lifecycle.recalculation"].with_context(**internal(QUIET_KEY))
    for company in companies:
        recalculation._recalculate_company(company)
        env["partner.lifecycle.reconstruction"]._reconstruct_history(company)
        env["sale.order"]._lifecycle_fill_status_at_order(company)
    companies._lifecycle_fill_delivery_categories()
    env["partner.lifecycle.funnel.stage"]._refresh()
    env["partner.lifecycle.cohort.store"]._rebuild(companies)


def _record_first_deliveries(env, company):
    """The first delivery day of each client of ``company``, in the company's time zone."""
    env.cr.execute(
        SQL(
            """UPDATE res_partner p SET lifecycle_first_delivery_date = d.first_date
                 FROM (SELECT c.commercial_partner_id AS id, %s AS first_date
                         FROM stock_picking sp
                         JOIN stock_location l ON l.id = sp.location_dest_id
                         JOIN res_partner c ON c.id = sp.partner_id
                        WHERE sp.state = 'done' AND l.usage = 'customer'
                     GROUP BY c.commercial_partner_id) d
                WHERE p.id = d.id AND %s""",
            company._lifecycle_date_sql(SQL("min(sp.date_done)")),
            env["partner.lifecycle.recalculation"]._company_clause(company),
        )
    )


def uninstall_hook(env):
    """Let Odoo delete the statuses cleanly: nothing references them any more, and no
    parameter of the add-on stays behind."""
    env.flush_all()
    env.cr.execute(SQL("UPDATE res_partner SET lifecycle_status_id = NULL"))
    mapping = SQL(", ").join(
        SQL("%s = NULL", SQL.identifier(name)) for name in ROLE_FIELDS.values()
    )
    env.cr.execute(SQL("UPDATE res_company SET %s", mapping))
    for table in ("res_partner", "res_company"):  # the shipped category goes with the add-on
        env.cr.execute(
            SQL("UPDATE %s SET lifecycle_delivery_category_id = NULL", SQL.identifier(table))
        )
    env.cr.execute(SQL("DELETE FROM ir_config_parameter WHERE key LIKE %s", "partner_lifecycle.%"))
    env.cr.execute(SQL("DROP INDEX IF EXISTS sale_order_lifecycle_client_day_index"))
    env.cr.execute(  # the planner's statistics of the ruling company (res.partner's init)
        SQL(
            "SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE %s",
            "res_partner_lifecycle_company_%_stat",
        )
    )
    for (name,) in env.cr.fetchall():
        env.cr.execute(SQL("DROP STATISTICS IF EXISTS %s", SQL.identifier(name)))
    for table in (  # the tables the add-on keeps in SQL, beside its models
        "partner_lifecycle_funnel_stage",  # partner.lifecycle.funnel.stage
        "partner_lifecycle_fingerprint",  # partner.lifecycle.fingerprint
        # the closed months of the cohort report (partner.lifecycle.cohort.store)
        "partner_lifecycle_cohort_client_month",
        "partner_lifecycle_cohort_cell",
        "partner_lifecycle_cohort_closed",
    ):
        env.cr.execute(SQL("DROP TABLE IF EXISTS %s", SQL.identifier(table)))
