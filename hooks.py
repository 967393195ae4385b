from odoo.tools import SQL


def post_init_hook(env):
    """Map the default statuses, record past first deliveries, and recalculate every client."""
    companies = env["res.company"].search([])
    companies._lifecycle_set_default_statuses()
    env.flush_all()
    env.cr.execute(
        SQL(
            """UPDATE res_partner p SET lifecycle_first_delivery_date = d.first_date
                 FROM (SELECT c.commercial_partner_id AS id, min(sp.date_done)::date AS first_date
                         FROM stock_picking sp
                         JOIN stock_location l ON l.id = sp.location_dest_id
                         JOIN res_partner c ON c.id = sp.partner_id
                        WHERE sp.state = 'done' AND l.usage = 'customer'
                     GROUP BY c.commercial_partner_id) d
                WHERE p.id = d.id"""
        )
    )
    env["res.partner"].invalidate_model(["lifecycle_first_delivery_date"])
    recalculation = env["partner.lifecycle.recalculation"]
    for company in companies:
        recalculation._recalculate_company(company)
