"""Quotations from a delivery plan ("Create Quotations"), and the calls the plan counts.

A client gets one quotation a day from planning: a line whose client already
has a quotation or order for its delivery day links to it, and the quotations a
plan makes carry that day (``sale.order.lifecycle_plan_date``, unique per
client), so that two dispatchers making quotations at once cannot make two. A
plan of more than ``_lifecycle_background_lines`` lines makes its quotations in
a background job, batch by batch; a smaller one at once.
"""

from collections import Counter

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from ..engine import planning as engine
from .notification import notification
from .partner_lifecycle_recalculation import LOCK_ERRORS

#: PostgreSQL's code of a unique violation: another transaction made the same quotation.
UNIQUE_VIOLATION = "23505"


class PartnerLifecyclePlanning(models.Model):
    _inherit = "partner.lifecycle.planning"

    #: Plans with more lines than this make their quotations in a background job.
    _lifecycle_background_lines = 300
    #: Lines a batch of the background job turns into quotations, in a transaction each.
    _lifecycle_quotation_batch = 100

    dispatcher_ids = fields.One2many(
        "partner.lifecycle.planning.dispatcher",
        "planning_id",
        string="Calls by Dispatcher",
        readonly=True,
    )
    quotation_job_id = fields.Many2one(
        "partner.lifecycle.job",
        string="Quotations in Progress",
        compute="_compute_quotation_job_id",
        help="The background job making the plan's quotations, while it runs.",
    )

    def _compute_quotation_job_id(self):
        jobs = self.env["partner.lifecycle.job"].sudo()
        for plan in self:
            plan.quotation_job_id = jobs.search(plan._lifecycle_quotation_job_domain(), limit=1)

    def _lifecycle_quotation_job_domain(self):
        return [
            ("kind", "=", "quotations"),
            ("planning_id", "=", self.id),
            ("state", "in", ("queued", "running")),
        ]

    def _lifecycle_successful_results(self):
        """The call results that count as successful in the plan's company (the engine's
        ``successful_results`` by the company's setting)."""
        company = self.company_id.sudo() or self.env.company.sudo()
        return engine.successful_results(company.lifecycle_planning_any_call_successful)

    # ------------------------------------------------------------------ the button
    def action_create_orders(self):
        """Make the quotations of the plan's lines (:meth:`_lifecycle_quote_lines`): at once
        for a plan of up to ``_lifecycle_background_lines`` lines, with a message saying
        what was made; in a background job for a larger one, whose result comes in a
        message to the dispatcher."""
        self._lifecycle_check_dispatcher()
        self.check_access("write")
        self.env["sale.order"].check_access("create")
        self._lifecycle_check_draft()
        messages, queued = [], self.env["partner.lifecycle.job"]
        made = self.env["sale.order"]
        for plan in self:
            if plan.quotation_job_id:
                raise UserError(
                    self.env._(
                        "The quotations of %(plan)s are being made in the background; you "
                        "will get a message when they are done.",
                        plan=plan.name,
                    )
                )
            ordered_only = plan._lifecycle_ordered_only()
            if not any(
                plan._lifecycle_choice(line, ordered_only) is None for line in plan.line_ids
            ):
                raise UserError(
                    self.env._(
                        "The plan %(plan)s has no line to turn into a quotation: mark the "
                        "lines whose clients ordered, or fill the plan first.",
                        plan=plan.display_name,
                    )
                )
            if len(plan.line_ids) > self._lifecycle_background_lines:
                queued |= plan._lifecycle_queue_quotations(ordered_only)
                continue
            plan._lifecycle_hold_for_fill()
            stats, orders = plan._lifecycle_quote_lines(plan.line_ids, ordered_only)
            made |= orders
            messages.append(plan._lifecycle_quotation_message(stats))
        if queued and not messages:
            return queued._queued_notification(queued)
        if queued:
            messages.append(queued._queued_notification(queued)["params"]["message"])
        return notification(" ".join(messages), next_action=self._lifecycle_print_offer(made))

    def _lifecycle_ordered_only(self):
        """Whether "Create Quotations" takes only the lines marked ordered: when any is."""
        return any(line.call_result == engine.ORDERED for line in self.line_ids)

    @api.model
    def _lifecycle_choice(self, line, ordered_only):
        """The engine's ``quotation_choice`` for ``line``: None to quote it, else why not;
        override to choose otherwise."""
        return engine.quotation_choice(
            line.call_result,
            bool(line.order_id),
            line.expected_date or None,
            line.planning_id.date_to,
            ordered_only,
        )

    def _lifecycle_queue_quotations(self, ordered_only):
        """Queue the background job making the plan's quotations; return it."""
        self.ensure_one()
        self.invalidate_recordset(["quotation_job_id"])
        return self.env["partner.lifecycle.job"]._queue(
            {
                "kind": "quotations",
                "company_id": self.company_id.id,
                "user_id": self.env.uid,
                "planning_id": self.id,
                "planning_ordered_only": ordered_only,
                "total_count": len(self.line_ids),
            }
        )

    # ------------------------------------------------------------------ the work
    def _lifecycle_quote_lines(self, lines, ordered_only):
        """Turn ``lines`` of this plan into quotations; return the counts (``made``,
        ``linked`` to the client's quotation or order of that day, ``skipped:<why>``) and
        the quotations made.

        The existing quotations are read in one query, the new ones created
        together, and the lines' links written in one UPDATE. A quotation made at
        the same time by another transaction for the same client and day makes
        the whole call fail with a :class:`UserError` (nothing of it is kept).
        """
        self.ensure_one()
        stats, taken = Counter(), []
        for line in lines:
            why = self._lifecycle_choice(line, ordered_only)
            if why:
                stats[f"skipped:{why}"] += 1
            else:
                taken.append(
                    (line, engine.delivery_date(line.expected_date or None, self.date_from))
                )
        existing = self._lifecycle_existing_orders(
            {(line.partner_id.id, day) for line, day in taken}
        )
        links = {
            line.id: existing[line.partner_id.id, day]
            for line, day in taken
            if (line.partner_id.id, day) in existing
        }
        new = [(line, day) for line, day in taken if line.id not in links]
        orders = self._lifecycle_create_orders(new)
        links.update((line.id, order.id) for (line, _day), order in zip(new, orders, strict=True))
        self._lifecycle_link_lines(links)
        stats.update(made=len(orders), linked=len(taken) - len(new))
        return stats, orders

    def _lifecycle_existing_orders(self, pairs):
        """``{(client id, day): order id}`` of the quotations and confirmed orders of these
        clients for these days (the earliest one): made by a plan for that day, else
        delivered (commitment date) or, without one, ordered that day."""
        if not pairs:
            return {}
        company = self.company_id.sudo()
        days = [day for _client, day in pairs]
        self.env["sale.order"]._lifecycle_flush_orders()
        self.env["sale.order"].flush_model(["lifecycle_plan_date"])
        order_day = self.env["partner.lifecycle.recalculation"]._order_day(company)
        rows = self.env.execute_query_dict(
            SQL(
                """SELECT p.id AS client, so.id,
                          COALESCE(so.lifecycle_plan_date, %(delivery_day)s, %(order_day)s) AS day
                     FROM sale_order so, res_partner c, res_partner p
                    WHERE p.id = ANY(%(clients)s) AND (%(counted)s OR %(quotation)s)
                      AND (so.lifecycle_plan_date BETWEEN %(start)s AND %(end)s
                           OR %(in_period)s)
                 ORDER BY so.id""",
                delivery_day=company._lifecycle_date_sql(SQL("so.commitment_date")),
                order_day=order_day,
                clients=sorted({client for client, _day in pairs}),
                counted=self.env["partner.lifecycle.recalculation"]._counted_order_clause(),
                quotation=self.env["sale.order"]._lifecycle_quotation_clause(),
                start=min(days),
                end=max(days),
                in_period=self.env["sale.order"]._lifecycle_in_period_clause(
                    company, min(days), max(days)
                ),
            )
        )
        found = {}
        for row in rows:
            if (row["client"], row["day"]) in pairs:
                found.setdefault((row["client"], row["day"]), row["id"])
        return found

    def _lifecycle_create_orders(self, entries):
        """Create the quotations of ``entries`` ((line, day) pairs), each carrying its day;
        a quotation of the same client and day committed meanwhile by another transaction
        raises a :class:`UserError`."""
        orders = self.env["sale.order"].with_company(self.company_id)
        if not entries:
            return orders
        self.env.cr.execute(
            SQL(
                """UPDATE sale_order so SET lifecycle_plan_date = NULL
                     FROM unnest(%s::int[], %s::date[]) AS v(client, day)
                    WHERE so.state = 'cancel' AND so.partner_id = v.client
                      AND so.lifecycle_plan_date = v.day""",
                [line.partner_id.id for line, _day in entries],
                [day for _line, day in entries],
            )
        )
        orders.invalidate_model(["lifecycle_plan_date"])
        values = [
            {**line._lifecycle_order_values(), "lifecycle_plan_date": day} for line, day in entries
        ]
        try:
            with self.env.cr.savepoint(), mute_logger("odoo.sql_db"):
                orders = orders.create(values)
                orders.flush_recordset()
        except psycopg2.DatabaseError as error:
            if error.pgcode != UNIQUE_VIOLATION and error.pgcode not in LOCK_ERRORS:
                raise
            raise UserError(
                self.env._(
                    "Someone else is making quotations for clients of %(plan)s right now; try "
                    "again in a moment: the clients that have one by then are linked to it, "
                    "not given a second one.",
                    plan=self.name,
                )
            ) from None
        return orders

    @api.model
    def _lifecycle_link_lines(self, links):
        """Write the lines' links to their orders (``{line id: order id}``) in one UPDATE."""
        if not links:
            return
        line_model = self.env["partner.lifecycle.planning.line"]
        line_model.flush_model(["order_id"])
        self.env.cr.execute(
            SQL(
                """UPDATE partner_lifecycle_planning_line l
                      SET order_id = v.order_id, write_uid = %s, write_date = %s
                     FROM unnest(%s::int[], %s::int[]) AS v(id, order_id)
                    WHERE l.id = v.id""",
                self.env.uid,
                fields.Datetime.now(),
                list(links),
                list(links.values()),
            )
        )
        lines = line_model.browse(list(links))
        lines.invalidate_recordset(["order_id", "write_uid", "write_date"])
        lines.modified(["order_id"])
        self.invalidate_model(["line_ids"])

    # ------------------------------------------------------------------ the message
    @api.model
    def _lifecycle_quotation_counts(self, stats):
        """The counts of "Create Quotations" in words: made, linked, skipped and why."""
        reasons = {
            engine.SKIP_ORDERED: self.env._("quotation made before"),
            engine.SKIP_NOT_ORDERED: self.env._("not marked ordered"),
            engine.SKIP_REFUSED: self.env._("refused"),
            engine.SKIP_POSTPONED: self.env._("postponed past the plan"),
        }
        skipped = [
            self.env._("%(reason)s: %(count)s", reason=reasons.get(key, key), count=count)
            for key, count in (
                (name.split(":", 1)[1], stats[name])
                for name in sorted(stats)
                if name.startswith("skipped:") and stats[name]
            )
        ]
        text = self.env._(
            "Quotations made: %(made)s; lines linked to an existing quotation of the day: "
            "%(linked)s; lines skipped: %(skipped)s.",
            made=stats.get("made", 0),
            linked=stats.get("linked", 0),
            skipped=sum(stats[name] for name in stats if name.startswith("skipped:")),
        )
        if skipped:
            text += " " + self.env._("Skipped: %(why)s.", why=self.env._(", ").join(skipped))
        return text

    def _lifecycle_quotation_message(self, stats):
        """What "Create Quotations" did in this plan, in words."""
        return self.env._(
            "%(plan)s: %(counts)s", plan=self.name, counts=self._lifecycle_quotation_counts(stats)
        )

    def action_view_orders(self):
        """The quotations made from the plan."""
        self.ensure_one()
        return self.line_ids.order_id._get_records_action(name=self.env._("Quotations"))
