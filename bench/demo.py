"""The demo database of tools/demo.sh: a Russian water-delivery company with its clients' history.

``run_odoo.py -d DB -- demo [--clients 2000]`` makes the main company a water-delivery
business of Kazan (Russia, roubles, Moscow time, Russian installed and spoken by the
admin, a named warehouse with stock, no SMS at delivery validation, the at-risk status
mapped), creates three salespeople, generates the clients and two years of orders
(bench/generate.py), runs the full recalculation, rebuilds each client's status history
from its orders, measures the forecasts of 90 days ago against what the clients did
since (one backtest with the settings advisor's variants), and makes the Contacts app of
the admin open grouped by client status.
It commits and prints a summary with the figures a visitor will see.
"""

import json
import time
from datetime import timedelta

from odoo import Command
from odoo.tools import SQL

from ..models.lifecycle_context import NO_RECALCULATION_KEY, QUIET_KEY, internal
from . import backtest, generate, planning

COMPANY_NAME = "Аква Вита — доставка воды"
COMPANY_ADDRESS = {
    "street": "ул. Восстания, д. 100",
    "city": "Казань",
    "zip": "420095",
    "phone": "+7 843 200-19-19",
    "email": "zakaz@akvavita.example.com",
}
LANG = "ru_RU"
TIME_ZONE = "Europe/Moscow"
WAREHOUSE_NAME = "Склад Казань"
#: Bottles in the warehouse: enough for every delivery a visitor validates.
STOCK_QUANTITY = 10000
#: The admin's favourite of the Contacts app (ir.filters names are not translated).
FAVOURITE_NAME = "Клиенты по статусам"


def setup_company(env, company):
    """The company of Kazan: address, roubles, Moscow time, the at-risk status, no SMS."""
    env.ref("base.RUB").active = True
    company.with_context(**internal(NO_RECALCULATION_KEY)).write(
        {
            "name": COMPANY_NAME,
            **COMPANY_ADDRESS,
            "state_id": env.ref("base.state_ru_ta").id,
            "country_id": env.ref("base.ru").id,
            "currency_id": env.ref("base.RUB").id,
            "lifecycle_tz": TIME_ZONE,
            "lifecycle_status_at_risk_id": env.ref("partner_lifecycle.status_at_risk").id,
            # stock_sms texts the client at each validated delivery: the demo has no SMS credit
            "stock_move_sms_validation": False,
        }
    )
    pricelists = env["product.pricelist"].with_context(active_test=False)
    pricelists.search([("company_id", "in", [company.id, False])]).currency_id = company.currency_id


def install_russian(env, company):
    """Russian installed with the translations of every module, spoken by the admin."""
    language = env["res.lang"]._activate_lang(LANG)
    wizard = env["base.language.install"].create({"lang_ids": [Command.set(language.ids)]})
    wizard.lang_install()
    values = {"lang": LANG, "tz": TIME_ZONE}
    company.partner_id.write(values)
    env.ref("base.user_admin").write(values)


def setup_warehouse(env, company, product):
    """The company's warehouse, named, with ``product`` in stock."""
    warehouse = env["stock.warehouse"].search([("company_id", "=", company.id)], limit=1)
    warehouse.write({"name": WAREHOUSE_NAME, "partner_id": company.partner_id.id})
    quant = (
        env["stock.quant"]
        .with_context(inventory_mode=True)
        .create(
            {
                "product_id": product.id,
                "location_id": warehouse.lot_stock_id.id,
                "inventory_quantity": STOCK_QUANTITY,
            }
        )
    )
    quant.action_apply_inventory()
    return warehouse


def group_contacts_by_status(env):
    """A default favourite of the admin: the Contacts app grouped by client status."""
    action = env.ref("contacts.action_contacts")
    admin = env.ref("base.user_admin")
    env["ir.filters"].create(
        {
            "name": FAVOURITE_NAME,
            "model_id": "res.partner",
            "action_id": action.id,
            "user_id": admin.id,
            "domain": "[('lifecycle_status_id', '!=', False)]",
            "context": "{'group_by': ['lifecycle_commercial_status_id']}",
            "is_default": True,
        }
    )


def figures(env, company, today):
    """What a visitor sees: clients per status (and how many entered it in the last 7
    days), and the partners that must carry no figures: contact persons and delivery
    addresses, clients without orders (none "ordered, not delivered yet")."""
    env.flush_all()
    env.cr.execute(
        SQL(
            """SELECT coalesce(s.name->>%(lang)s, s.name->>'en_US') AS status,
                      count(*) AS clients,
                      count(*) FILTER (WHERE p.lifecycle_status_date > %(week_ago)s) AS last_7_days
                 FROM res_partner p JOIN partner_lifecycle_status s ON s.id = p.lifecycle_status_id
                WHERE p.company_id = %(company)s
             GROUP BY s.name, s.sequence ORDER BY s.sequence, 1""",
            lang=LANG,
            week_ago=today - timedelta(days=7),
            company=company.id,
        )
    )
    statuses = env.cr.dictfetchall()
    env.cr.execute(
        SQL(
            """SELECT count(*) FILTER (WHERE p.parent_id IS NOT NULL AND (
                          p.lifecycle_order_count <> 0 OR p.lifecycle_last_order_date IS NOT NULL
                          OR p.lifecycle_reason_code IS NOT NULL)) AS children_with_figures,
                      count(*) FILTER (WHERE p.parent_id IS NULL AND NOT EXISTS (
                          SELECT 1 FROM sale_order o
                           WHERE o.partner_invoice_id = p.id AND o.state = 'sale')
                          AND p.lifecycle_reason_code = 'new_waiting') AS no_order_waiting,
                      count(*) FILTER (WHERE p.lifecycle_status_date = %(today)s)
                          AS status_since_today
                 FROM res_partner p WHERE p.company_id = %(company)s""",
            today=today,
            company=company.id,
        )
    )
    return {"statuses": statuses, **env.cr.dictfetchone()}


def main(env, argv):
    args = generate.parse_args(argv, prog="demo")
    company = env.company
    setup_company(env, company)
    install_russian(env, company)
    env.cr.commit()
    salespeople = generate.create_salespeople(env, company, args.salespeople or 3)
    today = args.today or company._lifecycle_today()
    summary = generate.generate(
        env,
        clients=args.clients,
        seed=args.seed,
        years=args.years,
        today=today,
        company=company,
        lines=args.lines,
        salespeople=salespeople,
    )
    product = env["product.product"].search([("default_code", "=", generate.PRODUCT_CODE)])
    summary["warehouse"] = setup_warehouse(env, company, product).name
    env.cr.commit()
    started = time.monotonic()
    recalculation = env["partner.lifecycle.recalculation"].with_context(**internal(QUIET_KEY))
    summary["recalculation"] = dict(
        recalculation._recalculate_company(company, today=today, commit=True)
    )
    reconstruction = env["partner.lifecycle.reconstruction"]
    summary["history"] = dict(
        reconstruction._reconstruct_history(company, today=today, commit=True)
    )
    summary["recalculation_seconds"] = round(time.monotonic() - started, 1)
    group_contacts_by_status(env)
    summary["demo_plan"] = planning.create_demo_plan(env, company, planning.ZONES_RU).name
    env.cr.commit()
    summary["backtest"] = backtest.demo_backtest(env, company, today)
    summary["figures"] = figures(env, company, today)
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    return summary
