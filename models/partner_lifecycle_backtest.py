from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, split_every

from ..engine.backtest import ClientHistory, Tally, backtest, best, best_next_order, variants
from ..engine.settings import MAX_DAYS


class PartnerLifecycleBacktest(models.Model):
    """The rules' forecasts on a past day measured against what the clients then did.

    Every client of the company with an order on or before the cutoff day T
    (and no contract terminated by then) is decided as of T from its facts up
    to T alone, for the company's settings and for variants of them (the
    lines), and compared with its orders in (T, T + H] (engine/backtest.py).
    The facts are read in SQL batch by batch; a large company is measured in
    a background job (``partner.lifecycle.job``, kind ``backtest``).
    """

    _name = "partner.lifecycle.backtest"
    _description = "Client Lifecycle Backtest"
    _inherit = ["partner.lifecycle.backtest.measures"]
    _order = "date desc, id desc"

    #: Clients read and measured together.
    _batch_size = 5000

    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    date = fields.Date(
        string="Cutoff Day",
        required=True,
        default=lambda self: self._default_date(),
        help="The day the forecasts are made on, from what was known on that day alone.",
    )
    horizon_days = fields.Integer(
        string="Horizon (Days)",
        default=90,
        required=True,
        help="A client without an order within this many days after the cutoff day is lost.",
    )
    tolerance_days = fields.Integer(
        string="Tolerance (Days)",
        default=3,
        required=True,
        help="A next order this many days or fewer from the expected day is on time.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("running", "Running"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
    )
    job_id = fields.Many2one("partner.lifecycle.job", readonly=True, copy=False)
    job_state = fields.Selection(related="job_id.state", string="Job State")
    line_ids = fields.One2many(
        "partner.lifecycle.backtest.line", "backtest_id", string="Settings Tried", readonly=True
    )
    advice = fields.Text(
        compute="_compute_advice", help="What the best variant gains over the current settings."
    )

    @api.model
    def _default_date(self):
        return self.env.company._lifecycle_today() - timedelta(days=90)

    @api.depends("company_id", "date")
    def _compute_display_name(self):
        for record in self:
            record.display_name = self.env._(
                "Backtest of %(date)s", date=fields.Date.to_string(record.date) or ""
            )

    @api.constrains("date", "horizon_days", "tolerance_days", "company_id")
    def _check_days(self):
        for record in self:
            if not 1 <= record.horizon_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._("The horizon must be between 1 and %(max)s days.", max=MAX_DAYS)
                )
            if not 0 <= record.tolerance_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._("The tolerance must be between 0 and %(max)s days.", max=MAX_DAYS)
                )
            today = record.company_id._lifecycle_today()
            if record.date + timedelta(days=record.horizon_days) > today:
                raise ValidationError(
                    self.env._(
                        "The cutoff day plus the horizon must be today at the latest: what "
                        "clients order after today is not known yet. Choose a cutoff day on or "
                        "before %(day)s.",
                        day=fields.Date.to_string(today - timedelta(days=record.horizon_days)),
                    )
                )

    # ------------------------------------------------------------------ running
    def action_run(self):
        """Measure the forecasts (again): at once for a few thousand clients, else in the
        background; returns a notification or reloads the form."""
        self.ensure_one()
        self.check_access("write")
        ids = self._client_ids()
        self._start()
        jobs = self.env["partner.lifecycle.job"]
        if jobs._runs_in_background(ids):
            job = jobs._queue(
                {
                    "kind": "backtest",
                    "company_id": self.company_id.id,
                    "user_id": self.env.user.id,
                    "backtest_id": self.id,
                    "total_count": len(ids),
                }
            )
            self.sudo().write({"state": "running", "job_id": job.id})
            return jobs._queued_notification(job)
        self._measure_all(ids)
        return True

    def _measure_all(self, ids):
        """Measure the clients ``ids`` batch by batch in this transaction, then finish."""
        for batch in split_every(self._batch_size, ids, list):
            self._measure(batch)
        self._finish()

    def _start(self):
        """Empty the measures and create one line per variant, the current settings first."""
        current = self.company_id._lifecycle_settings()
        at_risk = bool(self.company_id.lifecycle_status_at_risk_id)
        lines = self.env["partner.lifecycle.backtest.line"]
        self.sudo().line_ids.unlink()
        self.sudo().write({**self._tally_values(Tally()), "state": "draft", "job_id": False})
        lines.sudo().create(
            [
                {
                    "backtest_id": self.id,
                    "sequence": index,
                    "is_current": not index,
                    **lines._settings_values(v),
                }
                for index, v in enumerate(variants(current, at_risk=at_risk))
            ]
        )

    def _measure(self, ids):
        """Measure the clients ``ids`` for every line and add their counts to the lines."""
        self.ensure_one()
        lines = self.line_ids.sorted("sequence")
        settings = [line._settings() for line in lines]
        histories = [self._history(row) for row in self._read_histories(ids)]
        tallies = backtest(histories, settings, self.date, self.horizon_days, self.tolerance_days)
        for line, tally in zip(lines, tallies, strict=True):
            line.sudo().write(self._tally_values(line._tally() + tally))

    def _finish(self):
        """Copy the current settings' measures to the backtest; drop the frequency variants
        that change no next-order measure."""
        self.ensure_one()
        lines = self.line_ids.sorted("sequence")
        current = lines[:1]
        same = lines.filtered(
            lambda line: (
                not line.is_current
                and line._changes_next_order()
                and line._next_order_key() == current._next_order_key()
            )
        )
        same.sudo().unlink()
        self.sudo().write({**self._tally_values(current._tally()), "state": "done"})

    # ------------------------------------------------------------------ the advice
    @api.depends("line_ids.score", "line_ids.next_order_mae_days", "state")
    @api.depends_context("lang")
    def _compute_advice(self):
        for record in self:
            record.advice = record._advice() if record.state == "done" else False

    def _advice(self):
        """The advice in plain words: the best variant at catching lost clients (the highest
        score, engine ``best``) and at the next order (the lowest error), against the current
        settings. Override to choose "best" otherwise."""
        lines = self.line_ids.sorted("sequence")
        if not lines:
            return False
        tallies = [line._tally() for line in lines]
        texts = []
        chosen = lines[best(tallies)]
        current = lines[0]
        if chosen == current:
            texts.append(self.env._("The current settings catch lost clients best."))
        else:
            texts.append(
                self.env._(
                    "With %(change)s: %(caught)s of %(lost)s lost clients caught instead of "
                    "%(current)s, at %(precision)s %% precision instead of "
                    "%(current_precision)s %%.",
                    change=chosen.name,
                    caught=chosen.caught_count,
                    lost=chosen.lost_count,
                    current=current.caught_count,
                    precision=_percent(chosen._tally().flagged_precision),
                    current_precision=_percent(current._tally().flagged_precision),
                )
            )
        frequency = [index for index, line in enumerate(lines) if line._changes_next_order()]
        faster = lines[best_next_order(tallies, frequency)]
        if faster != current:
            texts.append(
                self.env._(
                    "With %(change)s: the next order is %(days)s days off on average instead "
                    "of %(current)s.",
                    change=faster.name,
                    days=round(faster.next_order_mae_days, 1),
                    current=round(current.next_order_mae_days, 1),
                )
            )
        return "\n".join(texts)

    # ------------------------------------------------------------------ gathering
    def _client_ids(self, after_id=0):
        """Ids of the clients of the company above ``after_id`` whose contract was not
        terminated on or before the cutoff day, in id order."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        self.env["res.partner"].flush_model()
        self.env["sale.order"].flush_model(["partner_id", "state"])
        rows = self.env.execute_query(
            SQL(
                """SELECT p.id FROM res_partner p
                    WHERE %s AND %s AND p.id > %s
                      AND (p.lifecycle_termination_date IS NULL
                           OR p.lifecycle_termination_date > %s)
                 ORDER BY p.id""",
                self.env["res.partner"]._lifecycle_client_clause("p"),
                recalculation._company_clause(self.company_id),
                after_id,
                self.date,
            )
        )
        return [row[0] for row in rows]

    def _read_histories(self, ids):
        """One dict per client: its order days up to T + H, its first delivery, its pauses
        and (``quantities``) its main product's quantities up to T."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        recalculation._flush_facts()
        company = self.company_id
        rows = self.env.execute_query_dict(
            SQL(
                """SELECT p.id, p.lifecycle_first_delivery_date AS first_delivery_date,
                          (SELECT array_agg(ARRAY[pa.date_from, pa.date_to])
                             FROM partner_lifecycle_pause pa
                            WHERE pa.partner_id = p.id) AS pauses,
                          o.dates
                     FROM res_partner p
                LEFT JOIN LATERAL (SELECT array_agg(d.day) AS dates
                                     FROM (SELECT %(day)s AS day FROM res_partner c, sale_order so
                                            WHERE %(counted)s) d
                                    WHERE d.day <= %(end)s) o ON TRUE
                    WHERE p.id = ANY(%(ids)s)
                 ORDER BY p.id""",
                day=recalculation._order_day(company),
                counted=recalculation._counted_order_clause(),
                end=self.date + timedelta(days=self.horizon_days),
                ids=list(ids),
            )
        )
        quantities = self._read_quantities(ids)
        for row in rows:
            row["quantities"] = quantities.get(row["id"], ())
        return rows

    def _read_quantities(self, ids):
        """``{client id: [(order day, quantity), ...]}`` of each client's main product up to T
        (the product of the largest quantity, present in every counted order up to T), as the
        recalculation reads it for the consumption method, for the whole batch at once."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        rows = self.env.execute_query(
            SQL(
                """WITH lines AS (
                        SELECT p.id AS pid, so.id AS order_id, %(day)s AS day, sol.product_id,
                               sol.product_uom_qty AS qty
                          FROM res_partner p, res_partner c, sale_order so
                          JOIN sale_order_line sol ON sol.order_id = so.id
                         WHERE p.id = ANY(%(ids)s) AND %(counted)s
                           AND sol.product_id IS NOT NULL AND %(day)s <= %(cutoff)s),
                    orders AS (SELECT pid, count(DISTINCT order_id) AS n FROM lines GROUP BY pid),
                    products AS (
                        SELECT pid, product_id, sum(qty) AS qty, count(DISTINCT order_id) AS n
                          FROM lines GROUP BY pid, product_id),
                    main AS (
                        SELECT DISTINCT ON (pr.pid) pr.pid, pr.product_id
                          FROM products pr JOIN orders o ON o.pid = pr.pid AND o.n = pr.n
                      ORDER BY pr.pid, pr.qty DESC, pr.product_id)
                   SELECT l.pid, l.day, sum(l.qty)
                     FROM lines l JOIN main m ON m.pid = l.pid AND m.product_id = l.product_id
                 GROUP BY l.pid, l.day ORDER BY l.pid, l.day""",
                ids=list(ids),
                day=recalculation._order_day(self.company_id),
                counted=recalculation._counted_order_clause(),
                cutoff=self.date,
            )
        )
        quantities = {}
        for partner_id, day, quantity in rows:
            quantities.setdefault(partner_id, []).append((day, float(quantity)))
        return quantities

    @api.model
    def _history(self, row):
        """The engine :class:`ClientHistory` of a row of :meth:`_read_histories`."""
        return ClientHistory(
            order_dates=tuple(row["dates"] or ()),
            first_delivery_date=row["first_delivery_date"],
            pauses=tuple(tuple(pause) for pause in row["pauses"] or ()),
            order_quantities=tuple(row["quantities"]),
        )

    def action_open_job(self):
        """The background job measuring this backtest."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "partner.lifecycle.job",
            "res_id": self.job_id.id,
            "view_mode": "form",
        }


def _percent(share):
    """A share from 0 to 1 as a whole percentage."""
    return round(share * 100)
