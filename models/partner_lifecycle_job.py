import logging
import time
from collections import Counter
from datetime import timedelta

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config, split_every

from odoo.addons.base.models.ir_cron import MAX_BATCH_PER_CRON_JOB

from .lifecycle_context import BULK_KEY, internal
from .notification import notification
from .partner_lifecycle_job_run import JobRun, StaleProgress

_logger = logging.getLogger(__name__)


class PartnerLifecycleJob(models.Model):
    """Work over many clients, done in the background batch by batch.

    A full recalculation, and a status change or a termination of a large
    selection, would outlast a web request; the wizards queue a job instead
    and return at once. The job cron runs it with a commit per batch (a crash
    loses at most the batch in progress; the next run resumes after the last
    client done) and tells the requesting user the result in a message.
    """

    _name = "partner.lifecycle.job"
    _description = "Client Lifecycle Background Job"
    _order = "id desc"

    kind = fields.Selection(
        [
            ("recalculate", "Recalculation"),
            ("status", "Status change"),
            ("terminate", "Contract termination"),
            ("reconstruct", "History reconstruction"),
            ("backtest", "Backtest"),
        ],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        default="queued",
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    user_id = fields.Many2one("res.users", string="Requested By", required=True, readonly=True)
    all_clients = fields.Boolean(readonly=True, help="Every client of the company.")
    partner_ids = fields.Many2many(
        "res.partner", "partner_lifecycle_job_partner_rel", "job_id", "partner_id", readonly=True
    )
    status_id = fields.Many2one("partner.lifecycle.status", readonly=True)
    backtest_id = fields.Many2one("partner.lifecycle.backtest", readonly=True, ondelete="cascade")
    reason = fields.Text(readonly=True)
    date = fields.Date(readonly=True)
    last_partner_id = fields.Integer(
        readonly=True, help="Clients up to this id are done; a new run resumes after it."
    )
    done_count = fields.Integer(string="Clients Done", readonly=True)
    total_count = fields.Integer(string="Clients", readonly=True)
    counts = fields.Json(readonly=True)
    result = fields.Text(readonly=True)
    attempt_count = fields.Integer(
        string="Failed Attempts", readonly=True, help="Runs of the job that ended in an error."
    )
    error = fields.Text(readonly=True, help="The error of the last run that failed.")
    retry_at = fields.Datetime(
        string="Next Attempt",
        readonly=True,
        help="After a failed run, the job is tried again then.",
    )

    @api.depends("kind", "company_id", "create_date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for job in self:
            job.display_name = f"{kinds.get(job.kind, '')} ({job.company_id.name or ''})"

    #: Clients a status change or a termination handles per transaction.
    _person_batch_size = 500
    #: Selections larger than this go to a background job rather than the web request.
    _background_threshold = 2000
    #: Runs of a job that may fail before the job is marked failed.
    _max_attempts = 3
    #: Seconds after a failed run before the job is tried again.
    _retry_delay = 60
    #: Share of Odoo's time limit of a scheduled action that the job cron spends on batches.
    _time_share = 0.5
    #: Seconds one call of the job cron may spend taking batches; None: from Odoo's time
    #: limit (:meth:`_time_budget_seconds`).
    _time_budget = None

    # ------------------------------------------------------------------ queueing
    @api.model
    def _queue(self, values):
        """Create a job and have the job cron start it soon."""
        job = self.sudo().create(values)
        self.env.ref("partner_lifecycle.ir_cron_jobs").sudo()._trigger()
        return job

    @api.model
    def _queue_on(self, kind, company, user, partners=None):
        """Queue a job of ``kind`` on ``partners``, or on every client when None."""
        return self._queue(
            {
                "kind": kind,
                "company_id": company.id,
                "user_id": user.id,
                "all_clients": partners is None,
                "partner_ids": [(6, 0, partners.ids)] if partners is not None else [],
                "total_count": len(partners) if partners is not None else 0,
            }
        )

    @api.model
    def _runs_in_background(self, partners):
        """Whether work on ``partners`` is large enough to leave the web request."""
        return len(partners) > self._background_threshold

    @api.model
    def _queued_notification(self, job):
        """The wizard's answer for queued jobs: a notification, and the wizard closes."""
        return notification(
            self.env._(
                "%(job)s runs in the background; you will get a message with the result "
                "when it ends.",
                job=", ".join(job.mapped("display_name")),
            ),
            kind="info",
            title=self.env._("Running in the background"),
        )

    @api.model
    def _queue_recalculation(self, company, user, partners=None):
        """Recalculate ``partners`` (or every client) of ``company`` in the background."""
        if partners is None:
            queued = self.sudo().search(
                [
                    ("kind", "=", "recalculate"),
                    ("all_clients", "=", True),
                    ("company_id", "=", company.id),
                    ("user_id", "=", user.id),
                    ("state", "=", "queued"),
                ],
                limit=1,
            )
            if queued:
                return queued
        return self._queue_on("recalculate", company, user, partners)

    # ------------------------------------------------------------------ running
    @api.model
    def _cron_run_jobs(self):
        """Job cron: run the pending jobs, oldest first, each batch in its own transaction.

        A job that fails is rolled back to its last finished batch, its error
        logged and kept, and the runner goes on with the next job; the job is
        tried again ``_retry_delay`` seconds later, and marked failed (its
        requester told) after ``_max_attempts`` failed runs. When this call's
        time (:meth:`_time_budget_seconds`) is spent, the work left is reported
        to Odoo, which calls again at once.
        """
        commit = self.env["partner.lifecycle.recalculation"]._can_commit()
        budget = self._time_budget_seconds()
        deadline = None if budget is None else time.monotonic() + budget
        done, remaining = 0, 0
        for job in self.search(self._pending_domain(), order="id"):
            if done and deadline is not None and time.monotonic() >= deadline:
                remaining += max(job.total_count - job.done_count, 1)
                continue
            run = job._attempt(commit, deadline)
            done += run.done
            if run.stopped == "time":
                remaining += max(job.total_count - job.done_count, 1)
        if remaining:
            # wake the cron workers: the next round starts at once rather than after their sleep
            self.env.ref("partner_lifecycle.ir_cron_jobs").sudo()._trigger()
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _pending_domain(self):
        """The jobs the runner takes now: queued or running, and not waiting for a retry."""
        return [
            ("state", "in", ("queued", "running")),
            "|",
            ("retry_at", "=", False),
            ("retry_at", "<=", fields.Datetime.now()),
        ]

    @api.model
    def _time_budget_seconds(self):
        """Seconds one call of the job cron may spend taking batches (None: no limit).

        Odoo kills a scheduled action after ``limit_time_real_cron`` seconds
        (``limit_time_real`` when it is -1 or 0), and calls one that reports
        work left again at once, up to ``MAX_BATCH_PER_CRON_JOB`` times within
        that same limit: each call takes its part of ``_time_share`` of it.
        Set ``_time_budget`` to choose the seconds.
        """
        if self._time_budget is not None:
            return self._time_budget
        limit = config["limit_time_real_cron"]
        if not limit or limit < 0:
            limit = config["limit_time_real"]
        if not limit or limit < 0:
            return None
        return limit * self._time_share / MAX_BATCH_PER_CRON_JOB

    def _attempt(self, commit=False, deadline=None):
        """Run this job; an error is recorded on the job (:meth:`_failed`), never raised.
        Returns the :class:`JobRun`."""
        self.ensure_one()
        run = JobRun(self, commit, deadline)
        try:
            self._run(commit, run=run)
        except Exception as error:
            if commit:
                self.env.cr.rollback()
            _logger.exception("Client lifecycle: background job %s failed", self.id)
            run.stopped = "failed"
            self._failed(error, commit)
        return run

    def _run(self, commit=False, run=None):
        """Run this job (or resume it) until its end, or until the call's time is spent or
        another run holds it; at its end, tell the requester. Errors are raised."""
        self.ensure_one()
        run = run or JobRun(self, commit)
        recalculation = self.env["partner.lifecycle.recalculation"]
        if commit:
            recalculation._begin_batch_transaction()
        if not self._hold(states=("queued", "running")):
            run.stopped = "taken"
            return run
        if self.state == "queued":
            self.state = "running"
        ids = self._remaining_ids()
        if self.all_clients and not self.total_count:
            self.total_count = len(ids)
        run.last_partner_id = self.last_partner_id
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        getattr(self, f"_run_{self.kind}")(ids, commit, run)
        if not run.stopped:
            self._finish(run)
        return run

    def _hold(self, last_partner_id=None, states=("running",)):
        """Take the job's lock in the current transaction (``_job_lock``) and check that no
        other run moved it on meanwhile: its state is one of ``states`` and (unless None)
        its last client done is still ``last_partner_id``."""
        if not self.env["partner.lifecycle.recalculation"]._job_lock(self.id):
            return False
        self.invalidate_recordset(["state", "last_partner_id"])
        moved = last_partner_id is not None and self.last_partner_id != last_partner_id
        return self.state in states and not moved

    def _finish(self, run):
        """Mark the job done and tell the requester, in a transaction of its own."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        if run.commit:
            recalculation._begin_batch_transaction()
        if not self._hold(run.last_partner_id):
            run.stopped = "taken"
            return
        self.write(
            {
                "state": "done",
                "result": self._format_counts(Counter(self.counts or {})),
                "retry_at": False,
            }
        )
        self._notify_requester()
        if run.commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _failed(self, error, commit):
        """Record a failed run: its error and the attempt; the job is tried again after
        ``_retry_delay`` seconds, or, after ``_max_attempts``, marked failed and its
        requester told. Batches committed before the error stay done."""
        if commit:
            self.env["partner.lifecycle.recalculation"]._begin_batch_transaction()
        if not self.env["partner.lifecycle.recalculation"]._job_lock(self.id):
            return  # another run holds the job now: its outcome is the one recorded
        self.invalidate_recordset()
        if self.state not in ("queued", "running"):
            return
        attempts = self.attempt_count + 1
        values = {"attempt_count": attempts, "error": self._error_text(error)}
        if attempts >= self._max_attempts:
            values.update(state="failed", retry_at=False)
        else:
            values["retry_at"] = fields.Datetime.now() + timedelta(seconds=self._retry_delay)
        self.write(values)
        if self.state == "failed":
            self._notify_requester()
        else:
            self.env.ref("partner_lifecycle.ir_cron_jobs").sudo()._trigger(self.retry_at)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _error_text(self, error):
        """What the job keeps of an error: a user error's message, else its type and text."""
        if isinstance(error, UserError):
            return str(error.args[0] if error.args else error)
        return f"{type(error).__name__}: {str(error).strip()}"

    def _remaining_ids(self):
        """The clients not done yet, in id order."""
        if self.kind == "backtest":
            return self.backtest_id._client_ids(self.last_partner_id)
        if self.all_clients:
            recalculation = self.env["partner.lifecycle.recalculation"]
            return recalculation._client_ids(self.company_id, self.last_partner_id)
        return sorted(i for i in self.partner_ids.ids if i > self.last_partner_id)

    def _progress(self, batch, stats):
        """Record a finished batch (inside its transaction, so that a crash resumes after it)."""
        counts = Counter(self.counts or {})
        counts.update(stats)
        self.write(
            {
                "last_partner_id": max(batch),
                "done_count": self.done_count + len(batch),
                "counts": dict(counts),
            }
        )
        self.env["ir.cron"]._notify_progress(
            done=self.done_count, remaining=max(self.total_count - self.done_count, 0)
        )

    def _run_recalculate(self, ids, commit, run):
        """Decide the clients ``ids``; on every client, only those whose fingerprint changed
        (:meth:`_run_recalculate_stale`)."""
        if self.all_clients:
            self._run_recalculate_stale(ids, commit, run)
            return
        # a mass run: its changes are logged in the chatter, nobody is notified of each
        recalculation = self.env["partner.lifecycle.recalculation"].with_context(
            **internal(BULK_KEY)
        )
        recalculation._run(
            self.company_id,
            ids,
            commit=commit,
            on_batch=run.on_batch,
            before_batch=run.before_batch,
        )

    def _run_recalculate_stale(self, ids, commit, run):
        """Decide, of the clients ``ids`` (every client not done yet, in id order), those a
        full run must decide again (``partner.lifecycle.fingerprint._stale_client_ids``);
        the progress counts every client: each decided batch also records the unchanged
        clients before it, and the unchanged ones after the last batch are recorded at the
        end, so that a resumed job goes on where it stopped."""
        company = self.company_id
        today = company._lifecycle_today()
        fingerprints = self.env["partner.lifecycle.fingerprint"]
        stale, _count = fingerprints._stale_client_ids(company, today, run.last_partner_id)
        progress = StaleProgress(ids, stale, run)
        recalculation = self.env["partner.lifecycle.recalculation"].with_context(
            **internal(BULK_KEY)
        )
        recalculation._run(
            company,
            stale,
            today,
            commit=commit,
            on_batch=progress.on_batch,
            before_batch=run.before_batch,
        )
        tail = progress.tail()
        if run.stopped or not tail:
            return
        with recalculation._batch_transaction(commit):
            if run.before_batch():
                run.on_batch(tail, progress.unchanged_stats(tail))

    @api.model
    def _queue_reconstruction(self, company, user, partners=None):
        """Rebuild the status history of ``partners`` (or every client) in the background."""
        return self._queue_on("reconstruct", company, user, partners)

    def _run_reconstruct(self, ids, commit, run):
        reconstruction = self.env["partner.lifecycle.reconstruction"]
        reconstruction._reconstruct_history(
            self.company_id,
            ids,
            commit=commit,
            on_batch=run.on_batch,
            before_batch=run.before_batch,
        )

    def _run_backtest(self, ids, commit, run):
        """Measure the backtest batch by batch; at its end, its measures are complete."""
        backtest = self.backtest_id.sudo()
        recalculation = self.env["partner.lifecycle.recalculation"]
        for batch in split_every(backtest._batch_size, ids, list):
            with recalculation._batch_transaction(commit):
                if not run.before_batch():
                    return
                backtest._measure(batch)
                run.on_batch(batch, Counter(clients=len(batch)))
        backtest._finish()

    def _run_status(self, ids, commit, run):
        self._run_person_batches(
            ids,
            run,
            lambda clients: clients._lifecycle_change_by_person(
                self.status_id, self.reason, hold_until=self.date
            ),
        )

    def _run_terminate(self, ids, commit, run):
        self._run_person_batches(
            ids,
            run,
            lambda clients: clients.action_lifecycle_terminate(self.date, self.reason),
        )

    def _run_person_batches(self, ids, run, apply):
        """Apply a person's change batch by batch, as the requesting user (in his language),
        each batch in a transaction of its own: an error rolls back its batch and stops the
        run, the batches before it stay done."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        partners = (
            self.env["res.partner"]
            .with_user(self.user_id)
            .with_company(self.company_id)
            .with_context(lang=self.user_id.lang or self.env.lang)
        )
        for batch in split_every(self._person_batch_size, ids, list):
            with recalculation._batch_transaction(run.commit):
                if not run.before_batch():
                    break
                clients = partners.browse(batch).exists()
                before = {client.id: client.lifecycle_status_id.id for client in clients}
                apply(clients)
                clients.invalidate_recordset(["lifecycle_status_id"])
                changed = [c for c in clients if c.lifecycle_status_id.id != before[c.id]]
                stats = Counter({"clients": len(batch), "changed": len(changed)})
                stats.update(f"status:{client.lifecycle_status_id.id}" for client in changed)
                run.on_batch(batch, stats)

    # ------------------------------------------------------------------ reporting
    @api.model
    def _format_counts(self, stats):
        """The counts of a run in words: clients checked, changed, and per new status."""
        statuses = self.env["partner.lifecycle.status"].sudo().with_context(active_test=False)
        lines = [
            self.env._(
                "Clients checked: %(clients)s, changed: %(changed)s.",
                clients=stats.get("clients", 0),
                changed=stats.get("changed", 0),
            )
        ]
        counts = {
            statuses.browse(int(key.split(":", 1)[1])): count
            for key, count in stats.items()
            if key.startswith("status:")
        }
        lines += [
            self.env._("%(status)s: %(count)s", status=status.name, count=count)
            for status, count in sorted(counts.items(), key=lambda i: (i[0].sequence, i[0].id))
        ]
        if stats.get("unchanged"):
            lines.append(
                self.env._(
                    "Clients unchanged since their last decision, not decided again: %(count)s",
                    count=stats["unchanged"],
                )
            )
        if stats.get("errors"):
            lines.append(
                self.env._(
                    "Clients that cannot be computed (see their card): %(count)s",
                    count=stats["errors"],
                )
            )
        if stats.get("marked"):
            lines.append(
                self.env._(
                    "Clients busy in another transaction, done at the next run: %(count)s",
                    count=stats["marked"],
                )
            )
        return "\n".join(lines)

    def _notify_requester(self):
        """Tell the requesting user, in his language, that the job is done (or failed) and
        what it did."""
        job = self.with_context(lang=self.user_id.lang or self.env.lang)
        lines = job._format_counts(Counter(self.counts or {})).split("\n")
        if self.state == "failed":
            subject = job.env._("Client lifecycle: %(job)s failed", job=job.display_name)
            lines[:0] = [
                job.env._(
                    "The job stopped after %(done)s of %(total)s clients and was tried "
                    "%(attempts)s times; the clients done keep their changes. Error: %(error)s",
                    done=self.done_count,
                    total=self.total_count,
                    attempts=self.attempt_count,
                    error=self.error or "",
                )
            ]
        else:
            subject = job.env._("Client lifecycle: %(job)s done", job=job.display_name)
        self.env["mail.thread"].sudo().message_notify(
            model=self._name,
            res_id=self.id,
            partner_ids=self.user_id.partner_id.ids,
            subject=subject,
            body=Markup("<br/>").join(escape(line) for line in lines),
        )
