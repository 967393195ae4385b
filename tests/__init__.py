from . import test_transitions
from . import test_recalculation
