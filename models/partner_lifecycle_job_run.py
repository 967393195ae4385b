import time
from bisect import bisect_right
from collections import Counter


class JobRun:
    """One call's run of a job: the batches it may still take, and why it stopped early.

    Each batch runs in a transaction of its own; at its start the run takes
    the job's lock again in that transaction (:meth:`before_batch`): a failing
    batch's rollback releases it, and two runs never work on the same job at
    once. The first batch is always taken, so that every call moves the job on.
    """

    def __init__(self, job, commit, deadline=None):
        self.job = job
        self.commit = commit
        self.deadline = deadline
        self.last_partner_id = job.last_partner_id
        self.batches = 0
        self.done = 0
        #: None, or why the run stopped before the job's end: "time" or "taken"
        self.stopped = None

    def before_batch(self):
        """At the start of a batch's transaction: whether to take the batch."""
        if self.batches and self.deadline is not None and time.monotonic() >= self.deadline:
            self.stopped = "time"
        elif not self.job._hold(self.last_partner_id):
            self.stopped = "taken"
        else:
            self.batches += 1
        return not self.stopped

    def on_batch(self, batch, stats):
        """After a batch, inside its transaction: record it on the job."""
        self.job._progress(batch, stats)
        self.last_partner_id = max(batch)
        self.done += len(batch)


class StaleProgress:
    """The progress of a job over every client that decides only the stale ones.

    ``ids`` are the clients not done yet and ``stale`` those to decide, both in id
    order. A decided batch is recorded with the clients of ``ids`` from the last one
    done up to its last: the stale ones it decided, and the others counted in
    ``clients`` and ``unchanged``. Both lists are cut by bisection, so a batch costs
    the same at any count of clients.
    """

    def __init__(self, ids, stale, run):
        self.ids = ids
        self.stale = stale
        self.run = run

    def _span(self, last_id):
        """The clients of ``ids`` after the last one done, up to ``last_id``."""
        start = bisect_right(self.ids, self.run.last_partner_id)
        return self.ids[start : bisect_right(self.ids, last_id)]

    def unchanged_stats(self, span):
        """The counts of the clients of ``span`` that are not stale."""
        first = bisect_right(self.stale, self.run.last_partner_id)
        stale = bisect_right(self.stale, span[-1]) - first if span else 0
        unchanged = len(span) - stale
        return Counter(clients=unchanged, unchanged=unchanged)

    def on_batch(self, batch, stats):
        """After a decided batch, inside its transaction: record it with the unchanged
        clients before it."""
        span = self._span(max(batch))
        if not span or span[-1] != max(batch):
            span = sorted({*span, *batch})  # a client created since the list was read
        total = Counter(stats)
        total.update(self.unchanged_stats(span))
        self.run.on_batch(span, total)

    def tail(self):
        """The clients of ``ids`` after the last one done (none of them stale)."""
        return self.ids[bisect_right(self.ids, self.run.last_partner_id) :]
