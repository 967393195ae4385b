"""The upgrade from the previous release, checked on that release's own data.

The test command (tools/check_odoo.sh) installs the previous release of the
add-on from its commit, loads clients with that release's bench/generate.py,
then runs this script twice around the upgrade to this checkout::

    python bench/run_odoo.py -d DB [ODOO OPTIONS] -- upgrade prepare --state FILE
    odoo-bin -d DB -u partner_lifecycle   # with this checkout on the addons path
    python bench/run_odoo.py -d DB [ODOO OPTIONS] -- upgrade check --state FILE

``prepare`` runs on the previous release: a full recalculation of every
company (as that release's own full run), then a person, the administrator,
sets some statuses by hand through the ORM (a write of the client's status,
which every release takes as a person's change); everything is committed and
FILE keeps what the person set. It uses nothing of this checkout's add-on, so
it runs on any release. ``check`` runs on the upgraded database and asserts
that every client has its review date (or no rule that time can move), that
the statuses set by hand are still there and held, that every status has a
history row explaining it, that a full recalculation is queued for each
company, that every confirmed order carries its client's status at the order,
that running that job and then the nightly run changes none of the statuses
set by hand, and that every client then has the fingerprint of its decision.
It prints one line per check and ``upgrade: N passed, N failed, 0 skipped``;
exits 1 when a check failed.
"""

import argparse
import json
import sys
import traceback
from datetime import date

from odoo.modules.module import get_manifest
from odoo.tools import SQL

MODULE = "partner_lifecycle"
#: The company fields of the statuses of the roles a person can set (former terminates).
ROLE_FIELDS = {
    "new": "lifecycle_status_on_create_id",
    "working": "lifecycle_status_on_first_order_id",
    "permanent": "lifecycle_status_permanent_id",
    "sleeping": "lifecycle_status_sleeping_id",
}
#: What a person sets by hand (from the status of one role to another's), two clients
#: each: most of them are what the rules would not decide.
CHANGES = (
    ("sleeping", "working"),
    ("sleeping", "permanent"),
    ("working", "permanent"),
    ("working", "sleeping"),
    ("permanent", "sleeping"),
    ("new", "working"),
)
CLIENTS_PER_CHANGE = 2


class CheckError(AssertionError):
    """An expectation of the upgraded data did not hold."""


def expect(condition, message):
    if not condition:
        raise CheckError(message)


# ---------------------------------------------------------------------- prepare
def prepare(env, state_path):
    """On the previous release: recalculate, then statuses set by hand; write FILE."""
    companies = env["res.company"].search([], order="id")
    for company in companies:
        env["partner.lifecycle.recalculation"]._recalculate_company(company)
    env.cr.commit()
    person = env.ref("base.user_admin")
    changes = []
    for client, status, held in chosen_changes(env, env.company):
        count = confirmed_orders(env, client)
        client.with_user(person).write({"lifecycle_status_id": status.id})
        env.cr.commit()
        changes.append(
            {
                "client_id": client.id,
                "name": client.name,
                "status_id": status.id,
                "held": held,
                "order_count": count,
            }
        )
    with open(state_path, "w", encoding="utf-8") as file:
        json.dump({"company_ids": companies.ids, "changes": changes}, file, indent=1)
    print(f"upgrade prepare: {len(changes)} statuses set by hand by {person.login}", flush=True)


def chosen_changes(env, company):
    """(client, status, held) of each change a person makes: CHANGES between roles, held
    until the next order, and one client given a status of the company's own, which
    needs no hold."""
    statuses = {role: company[name] for role, name in ROLE_FIELDS.items() if company[name]}
    taken = env["res.partner"]
    for source, target in CHANGES:
        if source not in statuses or target not in statuses:
            continue
        clients = candidates(env, company, statuses[source], taken, CLIENTS_PER_CHANGE)
        taken |= clients
        for client in clients:
            yield client, statuses[target], True
    mapped = {status.id for status in statuses.values()} | {company.lifecycle_status_former_id.id}
    own = env["partner.lifecycle.status"].search([("id", "not in", list(mapped))], limit=1)
    if own and "working" in statuses:
        for client in candidates(env, company, statuses["working"], taken, 1):
            yield client, own, False


def candidates(env, company, status, taken, limit):
    """Clients of ``company`` in ``status``, contract running, not ``taken``."""
    return env["res.partner"].search(
        [
            ("company_id", "in", [company.id, False]),
            ("parent_id", "=", False),
            ("lifecycle_status_id", "=", status.id),
            ("lifecycle_termination_date", "=", False),
            ("id", "not in", taken.ids),
        ],
        order="id",
        limit=limit,
    )


def confirmed_orders(env, client):
    """The number of confirmed orders of the client and its contacts."""
    return env["sale.order"].search_count(
        [("partner_id", "child_of", client.id), ("state", "=", "sale")]
    )


# ---------------------------------------------------------------------- check
class Checks:
    """The checks of the upgraded database, in order; the last one runs the automation."""

    def __init__(self, env, state):
        self.env = env
        self.changes = state["changes"]
        self.companies = env["res.company"].browse(state["company_ids"])

    def upgraded(self):
        module = self.env["ir.module.module"].search([("name", "=", MODULE)])
        version = get_manifest(MODULE)["version"]
        expect(module.state == "installed", f"{MODULE} is {module.state}")
        expect(module.latest_version == version, f"version {module.latest_version} != {version}")
        return f"{MODULE} {version} installed"

    def review_dates(self):
        missing, expected, dated = [], 0, 0
        for company in self.companies:
            for row in self._clients(company):
                dated += bool(row["review"])
                if self._time_can_move(company, row):
                    expected += 1
                    if not row["review"]:
                        missing.append(row["name"])
        expect(not missing, f"no review date for {len(missing)} clients: {missing[:5]}")
        expect(dated, "no client has a review date")
        return f"{dated} clients dated, {expected} of them with a rule that time moves"

    def hand_set_held(self):
        expect(self.changes, "no status was set by hand before the upgrade")
        return self._hand_set_kept("after the upgrade")

    def statuses_explained(self):
        self.env.cr.execute(
            SQL(
                """SELECT p.name FROM res_partner p
                    WHERE p.id = p.commercial_partner_id AND p.active
                      AND p.lifecycle_status_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM partner_lifecycle_history h
                                       WHERE h.partner_id = p.id
                                         AND h.new_status_id = p.lifecycle_status_id)"""
            )
        )
        unexplained = [row[0] for row in self.env.cr.fetchall()]
        expect(not unexplained, f"{len(unexplained)} statuses without a history row")
        return "every status has its history row"

    def status_at_order(self):
        """Every confirmed order of a client with a status has the status at its order."""
        self.env.cr.execute(
            SQL(
                """SELECT count(*) FILTER (WHERE so.lifecycle_status_at_order_id IS NULL), count(*)
                     FROM sale_order so
                     JOIN res_partner c ON c.id = so.partner_id
                     JOIN res_partner p ON p.id = c.commercial_partner_id
                    WHERE so.state = 'sale' AND p.lifecycle_status_id IS NOT NULL"""
            )
        )
        missing, total = self.env.cr.fetchone()
        expect(total, "no confirmed order to check")
        expect(not missing, f"{missing} of {total} confirmed orders without a status at order")
        return f"{total} confirmed orders with their client's status at the order"

    def recalculation_queued(self):
        jobs = self._full_recalculations("queued")
        waiting = self.companies - jobs.company_id
        expect(not waiting, f"no full recalculation queued for {waiting.mapped('name')}")
        return f"{len(jobs)} full recalculations queued for {len(self.companies)} companies"

    def automation_keeps_hand_set(self):
        self.env["partner.lifecycle.job"]._cron_run_jobs()
        self.env["partner.lifecycle.recalculation"]._cron_recalculate()
        self.env.invalidate_all()
        left = self._full_recalculations("queued") | self._full_recalculations("running")
        expect(not left, f"{len(left)} full recalculations not done")
        for company in self.companies:
            today = company._lifecycle_today()
            due = [row["name"] for row in self._clients(company) if due_by(row, today)]
            expect(not due, f"the nightly run left {len(due)} clients due: {due[:5]}")
        return self._hand_set_kept("after the job and the nightly run")

    def fingerprints(self):
        """After the queued run, every client has the fingerprint of its decision."""
        recalculation = self.env["partner.lifecycle.recalculation"]
        ids = [i for company in self.companies for i in recalculation._client_ids(company)]
        self.env.cr.execute(
            SQL(
                "SELECT count(*) FROM res_partner p WHERE id = ANY(%s) AND NOT EXISTS"
                " (SELECT 1 FROM partner_lifecycle_fingerprint s WHERE s.partner_id = p.id)",
                ids,
            )
        )
        missing = self.env.cr.fetchone()[0]
        expect(ids, "no client to check")
        expect(not missing, f"{missing} of {len(ids)} clients without a fingerprint")
        return f"{len(ids)} clients with a fingerprint"

    # ------------------------------------------------------------------ helpers
    def _hand_set_kept(self, when):
        clients = self.env["res.partner"].browse([c["client_id"] for c in self.changes])
        clients.invalidate_recordset()
        wrong = []
        for change, client in zip(self.changes, clients, strict=True):
            seen = (client.lifecycle_status_id.id, client.lifecycle_held)
            if seen != (change["status_id"], change["held"]):
                wrong.append(
                    f"{change['name']}: status {seen[0]}, held {seen[1]} (set: status "
                    f"{change['status_id']}, held {change['held']})"
                )
            elif change["held"] and client.lifecycle_hold_order_count != change["order_count"]:
                wrong.append(f"{change['name']}: held at {client.lifecycle_hold_order_count}")
        expect(not wrong, f"statuses set by hand changed {when}: {wrong}")
        held = sum(change["held"] for change in self.changes)
        return f"{len(self.changes)} statuses set by hand kept, {held} held {when}"

    def _full_recalculations(self, state):
        return self.env["partner.lifecycle.job"].search(
            [("kind", "=", "recalculate"), ("all_clients", "=", True), ("state", "=", state)]
        )

    def _clients(self, company):
        """The clients of ``company`` with their stored values and last order day."""
        self.env.flush_all()
        return self.env.execute_query_dict(
            SQL(
                """SELECT p.name, p.lifecycle_review_date AS review, p.lifecycle_held AS held,
                          p.lifecycle_status_id AS status_id,
                          p.lifecycle_termination_date AS terminated,
                          (SELECT max(so.date_order)::date
                             FROM sale_order so JOIN res_partner c ON c.id = so.partner_id
                            WHERE c.commercial_partner_id = p.id AND so.state = 'sale')
                              AS last_order
                     FROM res_partner p
                    WHERE p.id = p.commercial_partner_id AND p.active
                      AND p.lifecycle_status_id IS NOT NULL
                      AND coalesce(p.company_id, %s) = %s""",
                self.companies[:1].id,
                company.id,
            )
        )

    def _time_can_move(self, company, row):
        """Whether a rule will move this client on a known day without a new order: it
        ordered, its contract runs, its status is not former, and it is short (by more
        than a day, for time zones) of the sleeping limit (an automatic status not held)
        or of the planning limit."""
        if not row["last_order"] or row["terminated"]:
            return False
        if row["status_id"] == company.lifecycle_status_former_id.id:
            return False
        automatic = row["status_id"] in {company[name].id for name in ROLE_FIELDS.values()}
        limits = [company.lifecycle_planning_inactive_days]
        if automatic and not row["held"]:
            limits.append(company.lifecycle_sleeping_days)
        idle = (date.today() - row["last_order"]).days
        return any(limit and idle + 1 < limit for limit in limits)


def due_by(row, today):
    """Whether the client's review date has come."""
    return bool(row["review"]) and row["review"] <= today


CHECKS = (
    "upgraded",
    "review_dates",
    "hand_set_held",
    "statuses_explained",
    "recalculation_queued",
    "status_at_order",
    "automation_keeps_hand_set",
    "fingerprints",
)


def check(env, state_path):
    with open(state_path, encoding="utf-8") as file:
        checks = Checks(env, json.load(file))
    passed = failed = 0
    for name in CHECKS:
        try:
            detail = getattr(checks, name)()
        except Exception as error:
            env.cr.rollback()
            failed += 1
            print(f"FAIL {name}: {error}", flush=True)
            if not isinstance(error, CheckError):
                traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {name}: {detail}", flush=True)
    print(f"upgrade: {passed} passed, {failed} failed, 0 skipped", flush=True)
    return failed


def main(env, argv):
    parser = argparse.ArgumentParser(prog="upgrade", description=__doc__.split("\n\n")[0])
    parser.add_argument("step", choices=("prepare", "check"))
    parser.add_argument("--state", required=True, help="the file of the statuses set by hand")
    args = parser.parse_args(argv)
    if args.step == "prepare":
        prepare(env, args.state)
        return 0
    if check(env, args.state):
        sys.exit(1)
    return 0
