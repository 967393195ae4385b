"""The demo database of tools/demo.sh: a water-delivery company with its clients' history.

``run_odoo.py -d DB -- demo [--clients 2000]`` renames the company, creates three
salespeople, generates the clients and two years of orders (bench/generate.py),
runs the full recalculation, and makes the Contacts app of the admin open
grouped by client status. It commits and prints a summary.
"""

import json
import time

from . import generate, planning

COMPANY_NAME = "AquaVita Water Delivery"


def group_contacts_by_status(env):
    """A default favourite of the admin: the Contacts app grouped by client status."""
    action = env.ref("contacts.action_contacts")
    admin = env.ref("base.user_admin")
    env["ir.filters"].create(
        {
            "name": "Clients by status",
            "model_id": "res.partner",
            "action_id": action.id,
            "user_id": admin.id,
            "domain": "[('lifecycle_status_id', '!=', False)]",
            "context": "{'group_by': ['lifecycle_commercial_status_id']}",
            "is_default": True,
        }
    )


def main(env, argv):
    args = generate.parse_args(argv, prog="demo")
    company = env.company
    company.name = COMPANY_NAME
    summary = generate.generate(
        env,
        clients=args.clients,
        seed=args.seed,
        years=args.years,
        today=args.today,
        company=company,
        lines=args.lines,
        salespeople=generate.create_salespeople(env, company, args.salespeople or 3),
    )
    env.cr.commit()
    started = time.monotonic()
    recalculation = env["partner.lifecycle.recalculation"]
    summary["recalculation"] = dict(recalculation._recalculate_company(company, commit=True))
    summary["recalculation_seconds"] = round(time.monotonic() - started, 1)
    group_contacts_by_status(env)
    summary["demo_plan"] = planning.create_demo_plan(env, company).name
    env.cr.commit()
    print(json.dumps(summary, indent=1))
    return summary
