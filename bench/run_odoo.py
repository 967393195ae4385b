"""Run a command of partner_lifecycle's bench/ inside an Odoo registry.

Usage, with the Python of Odoo's environment::

    python bench/run_odoo.py --odoo-src /opt/odoo18 -d DB [ODOO OPTIONS] -- COMMAND [ARGS]

COMMAND is ``generate`` (bench/generate.py: load generated clients and orders),
``demo`` (bench/demo.py: the demo company of tools/demo.sh), ``benchmark``
(bench/benchmark.py), ``planning`` (bench/planning.py: the fill of a delivery
plan, timed against the benchmark's floor) or ``concurrency``
(bench/concurrency.py: live tests on committed data). ODOO OPTIONS are those of ``odoo-bin``
(``--addons-path``, ``--db_host`` ...); the add-on must be installed in DB.
"""

import os
import sys

COMMANDS = {
    "concurrency": "odoo.addons.partner_lifecycle.bench.concurrency",
    "demo": "odoo.addons.partner_lifecycle.bench.demo",
    "generate": "odoo.addons.partner_lifecycle.bench.generate",
    "benchmark": "odoo.addons.partner_lifecycle.bench.benchmark",
    "planning": "odoo.addons.partner_lifecycle.bench.planning",
}


def split_args(argv):
    """(odoo source, Odoo options, command, command arguments) from the command line."""
    if "--" not in argv:
        sys.exit(__doc__)
    cut = argv.index("--")
    odoo_args, rest = argv[:cut], argv[cut + 1 :]
    if not rest or rest[0] not in COMMANDS:
        sys.exit(f"unknown command; choose one of: {', '.join(COMMANDS)}")
    source = os.environ.get("ODOO_SRC", "/opt/odoo18")
    if "--odoo-src" in odoo_args:
        at = odoo_args.index("--odoo-src")
        source = odoo_args[at + 1]
        del odoo_args[at : at + 2]
    return source, odoo_args, rest[0], rest[1:]


def main(argv):
    source, odoo_args, command, command_args = split_args(argv)
    sys.path.insert(0, source)
    import importlib

    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_args)
    database = odoo.tools.config["db_name"]
    if not database:
        sys.exit("give the database with -d DB")
    registry = Registry(database)
    module = importlib.import_module(COMMANDS[command])
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = env(context=env["res.users"].context_get())
        module.main(env, command_args)


if __name__ == "__main__":
    main(sys.argv[1:])
