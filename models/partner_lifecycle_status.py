from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import roles
from .res_company import ROLE_FIELDS


class PartnerLifecycleStatus(models.Model):
    """A client status of the directory (New, Working, Permanent, Sleeping, Former, ...)."""

    _name = "partner.lifecycle.status"
    _description = "Client Status"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=lambda self: self._default_sequence())
    color = fields.Integer()
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the status with every company. A shared status in use "
        "can be renamed, archived or moved into a company only by a user allowed in every "
        "company using it, or by an administrator; it moves only into the one company of all "
        "its clients and settings.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count", string="Clients")
    role = fields.Selection(
        [
            (roles.NEW, "New"),
            (roles.WORKING, "Working"),
            (roles.PERMANENT, "Permanent"),
            (roles.AT_RISK, "At risk"),
            (roles.SLEEPING, "Sleeping"),
            (roles.FORMER, "Former"),
        ],
        string="Lifecycle Role",
        compute="_compute_role",
        search="_search_role",
        help="What automation means by this status in the current company's settings.",
    )

    @api.depends_context("company")
    def _compute_role(self):
        role_of = self.env.company.sudo()._lifecycle_role_ids()[1]
        for status in self:
            status.role = role_of.get(status.id, False)

    def _search_role(self, operator, value):
        """Statuses mapped to the given roles in the settings of the user's companies."""
        if operator not in ("=", "!=", "in", "not in"):
            raise UserError(self.env._("Unsupported search on the lifecycle role."))
        wanted = {value} if isinstance(value, str) else set(value or ())
        ids = [
            status_id
            for company in self.env.companies.sudo()
            for status_id, role in company._lifecycle_role_ids()[1].items()
            if role in wanted
        ]
        return [("id", "in" if operator in ("=", "in") else "not in", ids)]

    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("lifecycle_status_id", "in", self.ids)],
                ["lifecycle_status_id"],
                ["__count"],
            )
        )
        for status in self:
            status.partner_count = counts.get(status, 0)

    @api.model
    def _default_sequence(self):
        """A new status comes after the last one."""
        last = (
            self.sudo().with_context(active_test=False).search([], order="sequence desc", limit=1)
        )
        return (last.sequence or 0) + 10

    def _usage(self):
        """(clients, companies) using these statuses, counted across every company."""
        usage = self._usage_by_status().values()
        clients = sum(sum(item["clients"].values()) for item in usage)
        companies = len(self.env["res.company"].union(*(item["companies"] for item in usage)))
        return clients, companies

    def _usage_by_status(self):
        """Per status id, read across every company: ``clients``, a Counter of its clients by
        company id (``False`` for clients shared by every company), and ``companies``, the
        companies whose settings map it."""
        usage = {
            status_id: {"clients": Counter(), "companies": self.env["res.company"].sudo()}
            for status_id in self.ids
        }
        partners = self.env["res.partner"].sudo().with_context(active_test=False)
        groups = partners._read_group(
            [("lifecycle_status_id", "in", self.ids)],
            ["lifecycle_status_id", "company_id"],
            ["__count"],
        )
        for status, company, count in groups:
            usage[status.id]["clients"][company.id] += count
        companies = self.env["res.company"].sudo().with_context(active_test=False)
        domain = ["|"] * (len(ROLE_FIELDS) - 1) + [
            (field_name, "in", self.ids) for field_name in ROLE_FIELDS.values()
        ]
        for company in companies.search(domain):
            for field_name in ROLE_FIELDS.values():
                if company[field_name].id in usage:
                    usage[company[field_name].id]["companies"] |= company
        return usage

    def _names(self):
        """The names of these statuses for a message (a blank name shows the record's id)."""
        return ", ".join(
            status.display_name or self.env._("Status #%(id)s", id=status.id) for status in self
        )

    def _check_unused(self, deleting=False):
        """Refuse to archive (or delete) a status that clients or settings use."""
        clients, companies = self._usage()
        if not (clients or companies):
            return
        values = {"statuses": self._names(), "clients": clients, "companies": companies}
        if deleting:
            message = self.env._(
                "%(statuses)s cannot be deleted while in use. Clients with it: %(clients)s; "
                "companies whose settings map it: %(companies)s. Give those clients another "
                "status and change the settings first.",
                **values,
            )
        else:
            message = self.env._(
                "%(statuses)s cannot be archived while in use. Clients with it: %(clients)s; "
                "companies whose settings map it: %(companies)s. Give those clients another "
                "status and change the settings first.",
                **values,
            )
        raise UserError(message)

    # ------------------------------------------------------------------ shared statuses
    #: Fields of a shared status that only a user of every company using it may change.
    _lifecycle_shared_fields = ("name", "company_id", "active")

    def _lifecycle_is_administrator(self):
        """Whether the real user may change any shared status; override to widen."""
        return self.env.su or self.env.user.has_group("base.group_system")

    def _lifecycle_changed_by(self, vals):
        """The statuses whose name, company or archiving ``vals`` changes."""
        guarded = [name for name in self._lifecycle_shared_fields if name in vals]
        new = self.new({name: vals[name] for name in guarded})
        return self.filtered(lambda s: any(s[name] != new[name] for name in guarded))

    @api.model
    def _lifecycle_using_companies(self, usage):
        """The companies using a status (``usage`` from :meth:`_usage_by_status`): its
        clients' (every company for a client shared by all) and those whose settings map it."""
        companies = self.env["res.company"].sudo()
        using = companies.browse([cid for cid in usage["clients"] if cid]) | usage["companies"]
        if False in usage["clients"]:
            using |= companies.search([])
        return using

    def _lifecycle_check_shared_rights(self, vals):
        """Refuse to rename, archive or move a shared status to a user who is not allowed
        in every company using it (administrators excepted)."""
        if self._lifecycle_is_administrator():
            return
        shared = self._lifecycle_changed_by(vals).filtered(lambda s: not s.company_id)
        allowed = self.env.user.company_ids
        for status_id, usage in shared._usage_by_status().items():
            missing = self._lifecycle_using_companies(usage) - allowed
            if missing:
                raise AccessError(
                    self.env._(
                        "%(status)s is shared by every company and used by %(companies)s. "
                        "Only a user allowed in all of these companies, or an administrator, "
                        "can rename it, archive it or move it into a company.",
                        status=self.browse(status_id)._names(),
                        companies=", ".join(missing.sorted("name").mapped("name")),
                    )
                )

    def _lifecycle_check_move(self, vals):
        """A status moves into a company allowed to the user, and only when every client
        carrying it and every company mapping it belong to that company."""
        target = self.env["res.company"].browse(vals.get("company_id") or [])
        moved = self.filtered(lambda s: s.company_id != target) if target else self.browse()
        if not moved:
            return
        if not self._lifecycle_is_administrator() and target not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You cannot move a client status into %(company)s: you are not allowed in "
                    "that company.",
                    company=target.sudo().name,
                )
            )
        for status_id, usage in moved._usage_by_status().items():
            elsewhere = sum(n for cid, n in usage["clients"].items() if cid != target.id)
            mapping = usage["companies"] - target.sudo()
            if elsewhere or mapping:
                raise ValidationError(
                    self.env._(
                        "%(status)s cannot be moved into %(company)s: clients of other "
                        "companies or shared by all companies have it: %(clients)s; other "
                        "companies' settings map it: %(companies)s. Keep it shared, or give "
                        "those clients another status and change those settings first.",
                        status=self.browse(status_id)._names(),
                        company=target.sudo().name,
                        clients=elsewhere,
                        companies=", ".join(mapping.sorted("name").mapped("name"))
                        or self.env._("none"),
                    )
                )

    # ------------------------------------------------------------------ names
    @api.model
    def _lifecycle_name_key(self, name):
        """What two names must not share: the name without case and extra spaces."""
        return " ".join((name or "").split()).casefold()

    @api.model
    def _lifecycle_clean_name(self, vals):
        """``vals`` with the name trimmed; a blank name is refused."""
        if "name" not in vals:
            return vals
        name = vals["name"]
        if not isinstance(name, str) or not name.strip():
            raise ValidationError(self.env._("A client status needs a name."))
        return {**vals, "name": name.strip()}

    def _lifecycle_clashes(self, other):
        """Whether two statuses are seen together: same company, or one of them shared."""
        return not (self.company_id and other.company_id) or self.company_id == other.company_id

    @api.constrains("name", "company_id")
    def _check_name(self):
        """Names are not blank and differ (case and spaces aside) within a company and from
        the shared statuses, archived ones included."""
        everything = self.sudo().with_context(active_test=False).search([])
        for status in self.sudo():
            key = self._lifecycle_name_key(status.name)
            if not key:
                raise ValidationError(self.env._("A client status needs a name."))
            for other in everything - status:
                if self._lifecycle_name_key(other.name) != key:
                    continue
                if not status._lifecycle_clashes(other):
                    continue
                if not other.active:
                    raise ValidationError(
                        self.env._(
                            "An archived client status is already named “%(name)s”: restore "
                            "it, or choose another name.",
                            name=status.name,
                        )
                    )
                raise ValidationError(
                    self.env._(
                        "A client status named “%(name)s” already exists. Names must differ "
                        "within a company and from the shared statuses (case and spaces "
                        "aside).",
                        name=status.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        return super().create([self._lifecycle_clean_name(vals) for vals in vals_list])

    def write(self, vals):
        self.check_access("write")  # the standard refusal before any check of ours
        vals = self._lifecycle_clean_name(vals)
        self._lifecycle_check_shared_rights(vals)
        self._lifecycle_check_move(vals)
        if "active" in vals and not vals["active"]:
            self.filtered("active")._check_unused()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_in_use(self):
        """Refuse to delete a status that a client or a company setting uses."""
        self._check_unused(deleting=True)
