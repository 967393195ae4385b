"""Delivery planning ("планирование доставки"): the dispatcher's document for one or a few days.

A plan lists the clients due in its period (engine/planning.py decides who
is due and on which day); the dispatcher calls them, notes the call result,
postpones some, changes the status of others, and turns the confirmed lines
into quotations. Filling reads the candidates in one query and writes the
lines in one INSERT; the scheduled action of "Save the plan automatically"
does the same for tomorrow's plan of each company that asks for it.
"""

import logging
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import psycopg2

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, mute_logger

from ..engine import FORMER, SLEEPING, is_usable_date
from ..engine import planning as engine
from .partner_lifecycle_recalculation import LOCK_ERRORS

_logger = logging.getLogger(__name__)

#: First key of the advisory locks of the scheduled action (one run per company at a time).
AUTOSAVE_KEY = 0x504C5041  # "PLPA"


class PlanBusyError(UserError):
    """The plan is being filled or changed in another transaction: try again later."""


class PartnerLifecyclePlanning(models.Model):
    """A delivery plan: the clients due in a period, called, postponed, turned into quotations."""

    _name = "partner.lifecycle.planning"
    _description = "Delivery Plan"
    _order = "date_from desc, id desc"
    _check_company_auto = True

    #: Roles whose statuses a new plan leaves out (the other automatic ones are planned).
    _lifecycle_unplanned_roles = (SLEEPING, FORMER)
    #: Hour (company time zone) of the commitment date of quotations made from a plan.
    _lifecycle_delivery_hour = 12

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    date_from = fields.Date(
        string="From", required=True, default=lambda self: self._default_day(), index=True
    )
    date_to = fields.Date(string="To", required=True, default=lambda self: self._default_day())
    zone_id = fields.Many2one(
        "partner.lifecycle.zone",
        string="Delivery Zone",
        check_company=True,
        help="Fill adds clients of this zone only; empty: clients of every zone.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
    )
    state = fields.Selection(
        [("draft", "Draft"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    status_ids = fields.Many2many(
        "partner.lifecycle.status",
        "partner_lifecycle_planning_status_rel",
        "planning_id",
        "status_id",
        string="Client Statuses",
        default=lambda self: self._default_status_ids(),
        check_company=True,
        help="Fill adds clients with one of these statuses only (by default every automatic "
        "status except sleeping and former).",
    )
    line_ids = fields.One2many(
        "partner.lifecycle.planning.line", "planning_id", string="Clients", copy=False
    )
    line_count = fields.Integer(string="Clients in the Plan", compute="_compute_counts")
    order_count = fields.Integer(string="Quotations", compute="_compute_counts")

    _sql_constraints = [
        ("date_order", "CHECK (date_to >= date_from)", "A plan cannot end before it starts."),
    ]

    # ------------------------------------------------------------------ defaults
    @api.model
    def _default_day(self):
        """Tomorrow in the company's time zone: a plan is made the day before."""
        return self.env.company._lifecycle_today() + timedelta(days=1)

    @api.model
    def _default_status_ids(self):
        """The company's automatic statuses, except those of ``_lifecycle_unplanned_roles``."""
        statuses = self.env.company._lifecycle_role_statuses()
        kept = [
            status.id
            for role, status in statuses.items()
            if role not in self._lifecycle_unplanned_roles
        ]
        return [Command.set(kept)]

    @api.depends("line_ids", "line_ids.order_id")
    def _compute_counts(self):
        for plan in self:
            plan.line_count = len(plan.line_ids)
            plan.order_count = len(plan.line_ids.order_id)

    @api.constrains("date_from", "date_to")
    def _check_lifecycle_dates(self):
        for plan in self:
            if not (is_usable_date(plan.date_from) and is_usable_date(plan.date_to)):
                raise ValidationError(
                    self.env._("The days of a delivery plan must be plausible calendar days.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("name") or vals["name"] == self.env._("New"):
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                day = vals.get("date_from") or self._default_day()
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "partner.lifecycle.planning", sequence_date=day
                ) or self.env._("New")
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_done(self):
        if any(plan.state == "done" for plan in self):
            raise UserError(self.env._("A delivery plan marked done cannot be deleted."))

    # ------------------------------------------------------------------ rights
    @api.model
    def _lifecycle_check_dispatcher(self):
        """Refuse unless the user is a salesperson (the dispatcher's rights)."""
        if not (self.env.su or self.env.user.has_group("sales_team.group_sale_salesman")):
            raise AccessError(self.env._("Only salespeople can work with delivery plans."))

    def _lifecycle_check_draft(self):
        for plan in self:
            if plan.state != "draft":
                raise UserError(
                    self.env._("The delivery plan %(plan)s is done.", plan=plan.display_name)
                )

    # ------------------------------------------------------------------ buttons
    def action_fill(self):
        """Add the clients due in each plan and not in it yet (the dispatcher's Fill button);
        a notification tells how many were added."""
        self._lifecycle_check_dispatcher()
        self.check_access("write")
        self.env["partner.lifecycle.planning.line"].check_access("create")
        self._lifecycle_check_draft()
        filled = {}
        for plan in self:
            if not plan.status_ids:
                raise UserError(self.env._("Choose the client statuses to plan."))
            filled[plan] = plan._lifecycle_fill()
        return self._lifecycle_fill_notification(filled)

    @api.model
    def _lifecycle_fill_message(self, plan, added, left_out):
        """What a fill of ``plan`` did: the clients added, and those left out because another
        open plan of their days has them (``left_out``: plan reference -> count)."""
        if added:
            message = self.env._("Clients added to %(plan)s: %(count)s.", plan=plan, count=added)
        elif not left_out:
            return self.env._(
                "No client added to %(plan)s: every client due in its days is in it already.",
                plan=plan,
            )
        else:
            message = self.env._("No client added to %(plan)s.", plan=plan)
        planned = [
            self.env._("%(count)s already planned in %(other)s", count=count, other=other)
            for other, count in sorted(left_out.items())
        ]
        if planned:
            message += " " + self.env._(
                "Left out: %(planned)s.", planned=self.env._(", ").join(planned)
            )
        return message

    @api.model
    def _lifecycle_fill_notification(self, filled):
        """The answer of the Fill button: what each plan got (``filled``: plan -> (count
        added, clients left out by other plan)), then the plan shown again."""
        messages = [
            self._lifecycle_fill_message(plan.name, added, left_out)
            for plan, (added, left_out) in filled.items()
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if any(added for added, _out in filled.values()) else "info",
                "message": " ".join(messages),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_done(self):
        """Mark the plans done: their lines are kept as they are."""
        self._lifecycle_check_dispatcher()
        self.check_access("write")
        self.write({"state": "done"})
        return True

    def action_draft(self):
        """Reopen plans marked done."""
        self._lifecycle_check_dispatcher()
        self.check_access("write")
        self.write({"state": "draft"})
        return True

    # ------------------------------------------------------------------ filling
    def _lifecycle_fill(self):
        """Add the due clients that are not in the plan yet; return how many were added and
        ``{plan reference: count}`` of the due clients left out because another open plan
        of the company whose days overlap has them already.

        The plan is held for the fill (:meth:`_lifecycle_hold_for_fill`): a second
        fill of it at the same time gets :class:`PlanBusyError`. One query reads
        the candidates, the engine decides who is due and on which day, one
        INSERT writes the lines sorted by zone, then expected date, leaving out
        a client whose line is there already. The caller has checked the rights.
        """
        self.ensure_one()
        self._lifecycle_hold_for_fill()
        company = self.company_id.sudo()
        use_schedule = company.lifecycle_planning_use_schedule
        overdue_days = company.lifecycle_planning_overdue_days
        entries, left_out = [], Counter()
        with self.env["partner.lifecycle.recalculation"]._without_jit():
            for row in self._lifecycle_candidates(use_schedule):
                found = self._lifecycle_planning_due(row, use_schedule, overdue_days)
                if found is not None and row["planned_in"]:
                    left_out[row["planned_in"]] += 1
                elif found is not None:
                    entries.append((row, found))
            entries.sort(key=lambda entry: self._lifecycle_line_order(*entry))
            added = self.env["partner.lifecycle.planning.line"]._lifecycle_insert(self, entries)
        _logger.info("Delivery plan %s: %s clients added", self.name, added)
        return added, dict(left_out)

    def _lifecycle_hold_for_fill(self):
        """Hold the plan for a fill until the end of the transaction: lock its row without
        waiting and mark it written. A fill of the plan in another transaction, running or
        begun before this one ends (its snapshot then misses this fill's lines), cannot
        take it: it gets :class:`PlanBusyError` instead of adding the same clients."""
        with self._lifecycle_busy_guard():
            self.env.cr.execute(
                SQL(
                    """SELECT id FROM partner_lifecycle_planning WHERE id = %s
                       FOR NO KEY UPDATE NOWAIT""",
                    self.id,
                )
            )
            self.env.cr.execute(
                SQL(
                    """UPDATE partner_lifecycle_planning
                          SET write_date = now() AT TIME ZONE 'UTC', write_uid = %s
                        WHERE id = %s""",
                    self.env.uid,
                    self.id,
                )
            )
        self.invalidate_recordset(["write_date", "write_uid"])

    @contextmanager
    def _lifecycle_busy_guard(self):
        """Run the block in a savepoint; a lock held by another transaction, or a change it
        committed since this one began, raises :class:`PlanBusyError` (the work of the
        block undone, the transaction still usable)."""
        try:
            with self.env.cr.savepoint(flush=False), mute_logger("odoo.sql_db"):
                yield
        except psycopg2.DatabaseError as error:
            if error.pgcode not in LOCK_ERRORS:
                raise
            raise PlanBusyError(
                self.env._(
                    "The plan %(plan)s is being filled or changed by someone else; try again "
                    "in a moment.",
                    plan=self.name,
                )
            ) from None

    @api.model
    def _lifecycle_line_order(self, row, found):
        """Sort key of a new line: zones by their order (clients without a zone last), then
        the expected date; override to sort otherwise."""
        return (
            row["zone_id"] is None,
            row["zone_sequence"] or 0,
            row["zone_name"] or "",
            row["zone_id"] or 0,
            found.expected_date,
            row["id"],
        )

    def _lifecycle_planning_due(self, row, use_schedule, overdue_days):
        """The engine's :class:`~..engine.planning.Due` of one candidate row, or None;
        override to add a planning rule around the engine."""
        facts = engine.PlanningFacts(
            next_order_date=row["next_order_date"],
            last_order_date=row["last_order_date"],
            schedule=self.env["res.partner"]._lifecycle_schedule_of(row),
            postponed_to=row["postponed_to"],
            called_on=row["called_on"],
            interval_days=row["avg_interval_days"],
        )
        return engine.due(facts, self.date_from, self.date_to, overdue_days, use_schedule)

    def _lifecycle_candidates(self, use_schedule):
        """Clients that may be due in the plan, with what the engine needs, in one query.

        A candidate is a client (``res.partner._lifecycle_client_clause``) ruled by
        the plan's company (the recalculation's ``_company_clause``), in planning, not
        former nor terminated, not paused on the plan's first day (a declared pause), of
        one of the plan's statuses and of its zone, not in the plan yet, without a
        quotation or order of the period; and, unless it has a schedule that
        is used, with an expected order or postponement on or before the
        plan's last day (the engine decides the rest). ``planned_in`` names another
        open plan of the company whose days overlap and that has the client
        (:meth:`_lifecycle_overlap_query`); ``called_on`` is the latest delivery day of
        a line of the client with a successful call.
        """
        self.ensure_one()
        company = self.company_id.sudo()
        recalculation = self.env["partner.lifecycle.recalculation"]
        self.env["sale.order"]._lifecycle_flush_orders()
        self.env["partner.lifecycle.zone"].flush_model()
        self.env["partner.lifecycle.pause"].flush_model()
        self.env["partner.lifecycle.planning.line"].flush_model()
        self.flush_model()
        zone = SQL("p.lifecycle_zone_id = %s", self.zone_id.id) if self.zone_id else SQL("TRUE")
        scheduled = SQL("p.lifecycle_schedule_kind IS NOT NULL") if use_schedule else SQL("FALSE")
        return self.env.execute_query_dict(
            SQL(
                """SELECT p.id, p.lifecycle_next_order_date AS next_order_date,
                          p.lifecycle_last_order_date AS last_order_date,
                          p.lifecycle_schedule_kind AS kind,
                          p.lifecycle_schedule_mon AS mon, p.lifecycle_schedule_tue AS tue,
                          p.lifecycle_schedule_wed AS wed, p.lifecycle_schedule_thu AS thu,
                          p.lifecycle_schedule_fri AS fri, p.lifecycle_schedule_sat AS sat,
                          p.lifecycle_schedule_sun AS sun,
                          p.lifecycle_schedule_interval_days AS interval_days,
                          p.lifecycle_schedule_start_date AS start_date,
                          p.lifecycle_zone_id AS zone_id, z.sequence AS zone_sequence,
                          z.name AS zone_name, pp.postponed_to,
                          p.lifecycle_avg_interval_days AS avg_interval_days,
                          cl.called_on, (%(overlap)s) AS planned_in
                     FROM res_partner p
                LEFT JOIN partner_lifecycle_zone z ON z.id = p.lifecycle_zone_id
                LEFT JOIN (SELECT l.partner_id, max(l.expected_date) AS postponed_to
                             FROM partner_lifecycle_planning_line l
                            WHERE l.postponed
                         GROUP BY l.partner_id) pp ON pp.partner_id = p.id
                LEFT JOIN (SELECT l.partner_id,
                                  max(GREATEST(l.expected_date, lp.date_from)) AS called_on
                             FROM partner_lifecycle_planning_line l
                             JOIN partner_lifecycle_planning lp ON lp.id = l.planning_id
                            WHERE l.call_result = ANY(%(successful)s)
                         GROUP BY l.partner_id) cl ON cl.partner_id = p.id
                    WHERE %(client)s AND %(company)s
                      AND p.lifecycle_plannable AND p.lifecycle_termination_date IS NULL
                      AND NOT EXISTS (SELECT 1 FROM partner_lifecycle_pause pa
                                       WHERE pa.partner_id = p.id
                                         AND %(date_from)s BETWEEN pa.date_from AND pa.date_to)
                      AND p.lifecycle_status_id = ANY(%(statuses)s)
                      AND p.lifecycle_status_id IS DISTINCT FROM %(former)s
                      AND %(zone)s
                      AND (%(scheduled)s
                           OR GREATEST(p.lifecycle_next_order_date, pp.postponed_to) <= %(date_to)s)
                      AND NOT EXISTS (SELECT 1 FROM partner_lifecycle_planning_line l
                                       WHERE l.planning_id = %(plan)s AND l.partner_id = p.id)
                      AND p.id NOT IN (%(busy)s)""",
                client=self.env["res.partner"]._lifecycle_client_clause("p"),
                company=recalculation._company_clause(company),
                statuses=self.status_ids.ids,
                former=company.lifecycle_status_former_id.id or None,
                zone=zone,
                scheduled=scheduled,
                date_from=self.date_from,
                date_to=self.date_to,
                plan=self.id,
                busy=self._lifecycle_busy_query(),
                overlap=self._lifecycle_overlap_query(),
                successful=list(self._lifecycle_successful_results()),
            )
        )

    def _lifecycle_overlap_query(self):
        """SQL: the reference of another open plan of the company whose days overlap this
        plan's and that has the client ``p`` (the earliest one), or NULL. A client is in one
        plan a day; override to allow more."""
        self.ensure_one()
        return SQL(
            """SELECT op.name FROM partner_lifecycle_planning_line ol
                 JOIN partner_lifecycle_planning op ON op.id = ol.planning_id
                WHERE ol.partner_id = p.id AND op.id != %(plan)s AND op.state = 'draft'
                  AND op.company_id = %(company)s
                  AND op.date_from <= %(date_to)s AND op.date_to >= %(date_from)s
             ORDER BY op.date_from, op.id LIMIT 1""",
            plan=self.id,
            company=self.company_id.id,
            date_from=self.date_from,
            date_to=self.date_to,
        )

    def _lifecycle_busy_query(self):
        """The ids of the clients with a quotation or confirmed order dated in the plan's
        period: one pass over the orders of the period (found by their date and commitment
        date indexes), not a search per client."""
        self.ensure_one()
        orders = self.env["sale.order"]
        return SQL(
            """SELECT p.id FROM sale_order so, res_partner c, res_partner p
                WHERE (%(counted)s OR %(quotation)s) AND %(in_period)s""",
            counted=self.env["partner.lifecycle.recalculation"]._counted_order_clause(),
            quotation=orders._lifecycle_quotation_clause(),
            in_period=orders._lifecycle_in_period_clause(
                self.company_id.sudo(), self.date_from, self.date_to
            ),
        )

    # ------------------------------------------------------------------ scheduled action
    @api.model
    def _cron_autosave(self):
        """ "Save the plan automatically": for each company with the setting on, create
        tomorrow's plan (all zones) unless it exists, and fill it.

        Safe to run twice (the plan is found again and the fill adds only the
        clients not in it yet) and concurrently (a company being planned by
        another run is skipped). A plan of tomorrow already marked done is left alone.
        """
        companies = (
            self.env["res.company"].sudo().search([("lifecycle_planning_autosave", "=", True)])
        )
        added = 0
        for company in companies:
            self.env.cr.execute(
                SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", AUTOSAVE_KEY, company.id)
            )
            if not self.env.cr.fetchone()[0]:
                continue
            plan = self._lifecycle_autosave_plan(company)
            if not plan:
                continue
            try:
                added += plan._lifecycle_fill()[0]
            except PlanBusyError:
                _logger.info("Delivery plan %s is being filled by someone else", plan.name)
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)
        return added

    @api.model
    def _lifecycle_autosave_plan(self, company):
        """Tomorrow's plan of ``company`` for every zone, created when missing; None when it
        is done already."""
        day = company._lifecycle_today() + timedelta(days=1)
        plans = self.sudo().with_company(company)
        plan = plans.search(
            [
                ("company_id", "=", company.id),
                ("date_from", "=", day),
                ("date_to", "=", day),
                ("zone_id", "=", False),
            ],
            order="id",
            limit=1,
        )
        if not plan:
            plan = plans.create(
                {"company_id": company.id, "date_from": day, "date_to": day, "user_id": False}
            )
        return plan if plan.state == "draft" else None
