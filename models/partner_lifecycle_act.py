"""People's acts on clients: who may do them, what they do (engine ``acts``), and writing it.

A person sets a status (the card, the mass update, delivery planning, a
background job), terminates a contract, or creates a client. The rights are
checked here, with the real user; the engine decides the act from the
client's facts (``decide_act``: the hold, the termination, a reinstatement,
the figures, the history rows), and the decision is written with the values
of the one writer (``partner.lifecycle.decision._outcome``), through the ORM
so that the chatter tracks the status as the person's change.
"""

from dataclasses import replace

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from ..engine import CREATE, SET_STATUS, TERMINATE, Act, UnusableDate
from ..engine.acts import InvalidAct, check_act
from .partner_lifecycle_decision import HOLD_COLUMNS, NO_STATUS, TERMINATION_COLUMNS


class PartnerLifecycleAct(models.AbstractModel):
    """A person's act on clients: rights, decision, writing."""

    _name = "partner.lifecycle.act"
    _description = "Client Lifecycle Act"

    # ------------------------------------------------------------------ rights
    @api.model
    def _change_status(self, partners, status, note=False, origin="manual", hold_until=False,
                       checked=False):  # fmt: skip
        """Give ``status`` to the clients of ``partners`` by a person's act.

        Salesmen may change the status of the clients they can read, to a status
        they can read; they need no write access on partners (``checked``: the
        caller checked the user's rights on the partners, a write from the card).
        The former status is a termination: for sales managers only. A status of
        another company is refused. Override to change who may do what.
        """
        changed = self._check_change_status(partners, status, checked)
        self.sudo()._apply(
            changed, SET_STATUS, status=status, note=note, hold_until=hold_until, origin=origin
        )

    @api.model
    def _check_change_status(self, partners, status, checked=False, hold_until=False):
        """Refuse unless the user may give ``status`` to the clients of ``partners`` (until
        ``hold_until``, a day the rules accept); return the clients whose status changes
        (``checked``: see :meth:`_change_status`).

        The one rule of a status change, whether it is made at once or queued as
        a background job (the wizard calls this before queueing).
        """
        clients = partners.commercial_partner_id
        if not checked:
            salesman = self.env.user.has_group("sales_team.group_sale_salesman")
            if not (self.env.su or salesman):
                raise AccessError(self.env._("Only salespeople can change a client's status."))
            clients.check_access("read")
            status.check_access("read")
        self._check_former(clients, status)
        changed = clients.sudo().filtered(lambda partner: partner.lifecycle_status_id != status)
        self._check_status_company(changed, status)
        if hold_until:
            act = Act(SET_STATUS, status=status.id, hold_until=hold_until)
            for company in {client._lifecycle_company() for client in changed}:
                self._check_act(act, company.sudo()._lifecycle_today())
        return changed

    @api.model
    def _check_act(self, act, today):
        """The engine's check of an act (``check_act``), as a translated message."""
        try:
            check_act(act, today)
        except InvalidAct as error:
            raise self._act_error(error) from None

    @api.model
    def _act_error(self, error):
        """The translated message of an act the engine refuses."""
        if error.code == "hold_until":
            return UserError(self.env._("A status cannot be held until a day before today."))
        return UserError(self.env._("This change of client status is not possible."))

    @api.model
    def _terminate(self, partners, date=None, reason=None):
        """Terminate the contracts of the clients of ``partners`` (sales managers) on ``date``
        (default: the company's today)."""
        self._check_terminate(partners)
        clients = partners.commercial_partner_id
        self.sudo()._apply(clients, TERMINATE, day=date, note=reason)

    @api.model
    def _check_terminate(self, partners):
        """Refuse unless the user may terminate the contracts of the clients of ``partners``
        (at once or queued as a background job)."""
        self._check_manager(
            partners, self.env._("Only sales managers can terminate a client's contract.")
        )
        partners.commercial_partner_id.check_access("read")

    @api.model
    def _check_manager(self, partners, message):
        """Refuse unless the user is a sales manager who can read these partners."""
        if not (self.env.su or self.env.user.has_group("sales_team.group_sale_manager")):
            raise AccessError(message)
        partners.check_access("read")

    @api.model
    def _check_former(self, clients, status):
        """Giving the former status terminates the contract: for sales managers only."""
        companies = clients.sudo().mapped(lambda client: client._lifecycle_company())
        if status and status in companies.lifecycle_status_former_id:
            self._check_manager(
                clients, self.env._("Only sales managers can terminate a client's contract.")
            )

    @api.model
    def _check_status_company(self, clients, status):
        """Refuse a status of another company: a client takes a shared status or one of its own."""
        for client in clients:
            if status.company_id and status.company_id != client.company_id:
                raise UserError(
                    self.env._(
                        "The client status %(status)s belongs to %(company)s: it cannot be "
                        "given to %(client)s, a client of %(client_company)s.",
                        status=status.sudo().display_name,
                        company=status.company_id.sudo().display_name,
                        client=client.display_name,
                        client_company=client.company_id.display_name
                        or self.env._("all companies"),
                    )
                )

    # ------------------------------------------------------------------ deciding and writing
    @api.model
    def _apply(self, clients, kind, status=None, day=None, note=False, hold_until=False,
                   origin="manual"):  # fmt: skip
        """Decide and write a person's act on these clients (the caller checked the rights).

        ``kind`` is ``create``, ``set_status`` (with ``status``, ``hold_until``) or
        ``terminate`` (with ``day``); ``note`` is the person's reason; ``origin`` names
        the path for the history (``manual``, ``planning``).
        """
        recalculation = self.env["partner.lifecycle.recalculation"].sudo()
        decisions = self.env["partner.lifecycle.decision"]
        recalculation._flush_facts()
        for company, ids in recalculation._ids_by_company(clients.ids).items():
            company = company.sudo()
            today = company._lifecycle_today()
            settings = company._lifecycle_settings()
            statuses, role_of = company._lifecycle_role_ids()
            act = Act(
                kind,
                role=role_of.get(status.id) if status else None,
                status=status.id if status else None,
                day=day or None,
                hold_until=hold_until or None,
                note=note or None,
                by=self.env.uid,
                origin=origin,
            )
            outcomes = []
            for row in recalculation._read_facts(company, ids):
                facts = decisions._facts(row, role_of)
                decision = self._decide_row(facts, act, settings, today)
                outcomes.append(decisions._outcome(row, facts, decision, statuses))
            self._write(outcomes, today, quiet=kind == CREATE)

    def _decide_row(self, facts, act, settings, today):
        """The act's decision; a client whose order dates the rules cannot use is decided
        on its other facts (its figures then stay as they are)."""
        decisions = self.env["partner.lifecycle.decision"]
        try:
            try:
                return decisions._lifecycle_decide_act(facts, act, settings, today)
            except UnusableDate:
                bare = replace(facts, order_dates=(), first_delivery_date=None, order_quantities=())
                return decisions._lifecycle_decide_act(bare, act, settings, today)
        except InvalidAct as error:
            raise self._act_error(error) from None

    def _write(self, outcomes, today, quiet=False):
        """Write people's acts through the ORM (the chatter tracks the status and the
        termination as the person's change), then their history rows. Only the add-on
        silences that tracking (``quiet``: a creation); a caller's ``tracking_disable`` or
        ``mail_notrack`` does not."""
        partners = (
            self.env["res.partner"].sudo().with_context(tracking_disable=quiet, mail_notrack=False)
        )
        rows = []
        for outcome in outcomes:
            if not outcome.writes:
                continue
            partner = partners.browse(outcome.partner_id)
            partner._lifecycle_write_system(self._values(outcome, today))
            rows += outcome.history
            termination = outcome.decision.termination if outcome.decision else None
            if termination:
                self._post_termination(partner, termination)
        self.env["partner.lifecycle.history"]._log_rows(rows)

    def _values(self, outcome, today):
        """The field values a person's act writes on its client."""
        decision = outcome.decision
        values = dict(outcome.values)
        values["lifecycle_error_order_id"] = values["lifecycle_error_order_id"] or False
        if outcome.new_status_id:
            cleared = outcome.new_status_id == NO_STATUS
            values["lifecycle_status_id"] = False if cleared else outcome.new_status_id
            values["lifecycle_status_date"] = False if cleared else decision.status_date or today
        if decision is None:
            return values
        if decision.hold:
            values.update(
                lifecycle_hold_until=decision.hold.until or False,
                lifecycle_hold_user_id=decision.hold.by or False,
                lifecycle_hold_note=decision.hold.note or False,
                lifecycle_hold_order_count=decision.hold.order_count,
            )
        elif not decision.held:
            values.update(dict.fromkeys(HOLD_COLUMNS, False))
        if decision.termination:
            values.update(
                lifecycle_termination_date=decision.termination.day,
                lifecycle_termination_reason=decision.termination.reason or False,
            )
        elif decision.reinstated:
            values.update(dict.fromkeys(TERMINATION_COLUMNS, False))
        return values

    def _post_termination(self, partner, termination):
        """The chatter line of a termination, in the reader's date format."""
        partner.message_post(
            body=self.env._(
                "Contract terminated on %(date)s. %(reason)s",
                date=format_date(self.env, termination.day),
                reason=termination.reason or "",
            ),
            author_id=self.env.user.partner_id.id,
        )
