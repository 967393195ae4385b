from . import test_transitions
from . import test_recalculation
from . import test_status_directory
from . import test_settings
from . import test_manual_change
from . import test_termination
from . import test_security
from . import test_recalculate_wizard
