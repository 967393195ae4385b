"""Register the repository folder as the package ``partner_lifecycle`` for the engine tests.

The repository root is the Odoo add-on: its ``__init__.py`` imports Odoo, and
pytest imports a ``conftest.py`` placed beside it as a submodule of that
package. Registering the package here, next to the tests, lets plain pytest
import ``partner_lifecycle.engine`` alone. Registration is skipped when the
package is already known.
"""

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if "partner_lifecycle" not in sys.modules:
    package = types.ModuleType("partner_lifecycle")
    package.__path__ = [str(ROOT)]
    sys.modules["partner_lifecycle"] = package
