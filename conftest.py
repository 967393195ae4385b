"""Let plain pytest import ``partner_lifecycle.engine`` without Odoo.

The repository root is the Odoo add-on, whose ``__init__.py`` imports Odoo.
Registering the root as an empty package named ``partner_lifecycle`` lets
the framework-free tests import the engine alone.
"""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent

if "partner_lifecycle" not in sys.modules:
    package = types.ModuleType("partner_lifecycle")
    package.__path__ = [str(ROOT)]
    sys.modules["partner_lifecycle"] = package

collect_ignore = ["tests", "bench", "__init__.py", "hooks.py", "models", "wizards"]
