import time


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
