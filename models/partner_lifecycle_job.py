from collections import Counter

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.tools import split_every

from .lifecycle_context import BULK_KEY, internal
from .notification import notification


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
        ],
        required=True,
        readonly=True,
    )
    state = fields.Selection(
        [("queued", "Queued"), ("running", "Running"), ("done", "Done")],
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
    reason = fields.Text(readonly=True)
    date = fields.Date(readonly=True)
    last_partner_id = fields.Integer(
        readonly=True, help="Clients up to this id are done; a new run resumes after it."
    )
    done_count = fields.Integer(string="Clients Done", readonly=True)
    total_count = fields.Integer(string="Clients", readonly=True)
    counts = fields.Json(readonly=True)
    result = fields.Text(readonly=True)

    @api.depends("kind", "company_id", "create_date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for job in self:
            job.display_name = f"{kinds.get(job.kind, '')} ({job.company_id.name or ''})"

    #: Clients a status change or a termination handles per transaction.
    _person_batch_size = 500
    #: Selections larger than this go to a background job rather than the web request.
    _background_threshold = 2000

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
        """Job cron: run the queued jobs, oldest first, each batch in its own transaction."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        for job in self.search([("state", "in", ("queued", "running"))], order="id"):
            with recalculation._job_lock(job.id) as acquired:
                if acquired:
                    job._run(commit=recalculation._can_commit())

    def _run(self, commit=False):
        """Run this job to its end (or resume it) and tell the requester."""
        self.ensure_one()
        if self.state == "queued":
            self.state = "running"
        ids = self._remaining_ids()
        if self.all_clients and not self.total_count:
            self.total_count = len(ids)
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        runner = getattr(self, f"_run_{self.kind}")
        runner(ids, commit)
        self.state = "done"
        self.result = self._format_counts(Counter(self.counts or {}))
        self._notify_requester()

    def _remaining_ids(self):
        """The clients not done yet, in id order."""
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

    def _run_recalculate(self, ids, commit):
        # a mass run: its changes are logged in the chatter, nobody is notified of each
        recalculation = self.env["partner.lifecycle.recalculation"].with_context(
            **internal(BULK_KEY)
        )
        recalculation._run(self.company_id, ids, commit=commit, on_batch=self._progress)

    @api.model
    def _queue_reconstruction(self, company, user, partners=None):
        """Rebuild the status history of ``partners`` (or every client) in the background."""
        return self._queue_on("reconstruct", company, user, partners)

    def _run_reconstruct(self, ids, commit):
        reconstruction = self.env["partner.lifecycle.reconstruction"]
        reconstruction._reconstruct_history(
            self.company_id, ids, commit=commit, on_batch=self._progress
        )

    def _run_status(self, ids, commit):
        self._run_person_batches(
            ids,
            commit,
            lambda clients: clients._lifecycle_change_by_person(
                self.status_id, self.reason, hold_until=self.date
            ),
        )

    def _run_terminate(self, ids, commit):
        self._run_person_batches(
            ids,
            commit,
            lambda clients: clients.action_lifecycle_terminate(self.date, self.reason),
        )

    def _run_person_batches(self, ids, commit, apply):
        """Apply a person's change batch by batch, as the requesting user."""
        partners = self.env["res.partner"].with_user(self.user_id).with_company(self.company_id)
        for batch in split_every(self._person_batch_size, ids, list):
            clients = partners.browse(batch).exists()
            before = {client.id: client.lifecycle_status_id.id for client in clients}
            apply(clients)
            clients.invalidate_recordset(["lifecycle_status_id"])
            changed = [c for c in clients if c.lifecycle_status_id.id != before[c.id]]
            stats = Counter({"clients": len(batch), "changed": len(changed)})
            stats.update(f"status:{client.lifecycle_status_id.id}" for client in changed)
            self._progress(batch, stats)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit

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
        """Tell the requesting user, in his language, that the job is done and what it did."""
        job = self.with_context(lang=self.user_id.lang or self.env.lang)
        lines = job._format_counts(Counter(self.counts or {})).split("\n")
        self.env["mail.thread"].sudo().message_notify(
            model=self._name,
            res_id=self.id,
            partner_ids=self.user_id.partner_id.ids,
            subject=job.env._("Client lifecycle: %(job)s done", job=job.display_name),
            body=Markup("<br/>").join(escape(line) for line in lines),
        )
