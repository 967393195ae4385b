"""The add-on's own context keys: honoured only when the add-on's code set them.

A context reaches the server from any RPC call, so a caller could send
``{"lifecycle_quiet": true}`` with a confirmation to silence its chatter line.
Each key below therefore counts only when its value is :data:`INTERNAL`, an
object that no JSON-RPC or XML-RPC call can produce (their contexts hold
strings, numbers, booleans, lists and dicts): the add-on's code sets a key with
``with_context(**internal(KEY))`` and reads it with :func:`is_internal`; the
same key with any other value (``True`` from a caller) reads as unset. Should
the context ever be sent back to a browser, the marker is written out as a
plain string (``odoo.tools.json.json_default``), which reads as unset too.
"""

#: The install's first run: no chatter line, statuses dated on the day of the run.
QUIET_KEY = "lifecycle_quiet"
#: A run over many clients (full runs, the recalculation wizard, background jobs): plain
#: chatter lines, nobody notified of each change.
BULK_KEY = "lifecycle_bulk"
#: The scheduled run: a client whose orders did not change replays its past from its
#: stored status only.
TIME_ONLY_KEY = "lifecycle_time_only"
#: Partners created with users and companies: no "at creation" status.
NO_STATUS_KEY = "lifecycle_no_status"
#: A settings write of the add-on's own (company creation, install): no full
#: recalculation queued.
NO_RECALCULATION_KEY = "lifecycle_no_recalculation"
#: The partner merge's write of the survivor: the survivor keeps its lifecycle values.
MERGE_KEY = "lifecycle_merge"

#: Every key of the add-on.
KEYS = (QUIET_KEY, BULK_KEY, TIME_ONLY_KEY, NO_STATUS_KEY, NO_RECALCULATION_KEY, MERGE_KEY)


class _Internal:
    """The value of a key set by the add-on's own code; copies are the same object."""

    __slots__ = ()

    def __repr__(self):
        return "<partner_lifecycle internal>"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


#: The one value that makes a key count.
INTERNAL = _Internal()


def internal(*keys):
    """Context values that set ``keys`` as the add-on's own code: ``with_context(**internal(K))``
    (the keys of ``KEYS``)."""
    return dict.fromkeys(keys, INTERNAL)


def is_internal(env, key):
    """Whether the add-on's own code set ``key`` in ``env``'s context (a caller's value
    does not count)."""
    return env.context.get(key) is INTERNAL
