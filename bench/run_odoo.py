"""Run a command of partner_lifecycle's bench/ inside an Odoo registry.

Usage, with the Python of Odoo's environment::

    python bench/run_odoo.py --odoo-src /opt/odoo18 -d DB [ODOO OPTIONS] -- COMMAND [ARGS]

COMMAND is ``generate`` (bench/generate.py: load generated clients and orders),
``demo`` (bench/demo.py: the demo company of tools/demo.sh), ``benchmark``
(bench/benchmark.py), ``planning`` (bench/planning.py: the fill of a delivery
plan, timed against the benchmark's floor), ``cohort`` (bench/cohort.py: the cohort
report's reads and upkeep), ``concurrency``
(bench/concurrency.py: live tests on committed data) or ``upgrade``
(bench/upgrade_check.py: the upgrade from the previous release, on its data). ODOO OPTIONS
are those of ``odoo-bin`` (``--addons-path``, ``--db_host`` ...); the add-on must be
installed in DB.
"""

import importlib
import importlib.util
import os
import sys

COMMANDS = {
    "concurrency": "odoo.addons.partner_lifecycle.bench.concurrency",
    "demo": "odoo.addons.partner_lifecycle.bench.demo",
    "generate": "odoo.addons.partner_lifecycle.bench.generate",
    "benchmark": "odoo.addons.partner_lifecycle.bench.benchmark",
    "planning": "odoo.addons.partner_lifecycle.bench.planning",
    "cohort": "odoo.addons.partner_lifecycle.bench.cohort",
}
#: Commands read from this folder rather than from the add-on on the addons path: they
#: also run on a database where an earlier release of the add-on is installed.
LOCAL_COMMANDS = {"upgrade": "upgrade_check.py"}


def split_args(argv):
    """(odoo source, Odoo options, command, command arguments) from the command line."""
    if "--" not in argv:
        sys.exit(__doc__)
    cut = argv.index("--")
    odoo_args, rest = argv[:cut], argv[cut + 1 :]
    if not rest or rest[0] not in {**COMMANDS, **LOCAL_COMMANDS}:
        sys.exit(f"unknown command; choose one of: {', '.join([*COMMANDS, *LOCAL_COMMANDS])}")
    source = os.environ.get("ODOO_SRC", "/opt/odoo18")
    if "--odoo-src" in odoo_args:
        at = odoo_args.index("--odoo-src")
        source = odoo_args[at + 1]
        del odoo_args[at : at + 2]
    return source, odoo_args, rest[0], rest[1:]


def load_command(command):
    """The module of ``command``: from the add-on, or from this folder (LOCAL_COMMANDS)."""
    if command not in LOCAL_COMMANDS:
        return importlib.import_module(COMMANDS[command])
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), LOCAL_COMMANDS[command])
    spec = importlib.util.spec_from_file_location(f"partner_lifecycle_bench_{command}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv):
    source, odoo_args, command, command_args = split_args(argv)
    sys.path.insert(0, source)
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_args)
    database = odoo.tools.config["db_name"]
    if not database:
        sys.exit("give the database with -d DB")
    registry = Registry(database)
    module = load_command(command)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = env(context=env["res.users"].context_get())
        module.main(env, command_args)


if __name__ == "__main__":
    main(sys.argv[1:])
