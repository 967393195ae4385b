from . import partner_lifecycle_terminate
from . import partner_lifecycle_status_change
from . import partner_lifecycle_recalculate
from . import base_partner_merge_automatic_wizard
from . import partner_lifecycle_preview_line
