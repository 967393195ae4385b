"""Live tests of the recalculation under real concurrency, on committed data.

A ``TransactionCase`` never commits and shares one connection, so it cannot
show what happens when an order is confirmed while a batch holds its locks,
when two runs overlap, or when a process dies. These scenarios can: each
thread has a connection of its own, every step commits, and the assertions
are on the end state. Run by the README test command against a database of
its own::

    python bench/run_odoo.py -d DB [ODOO OPTIONS] -- concurrency

(the add-on must be installed in DB; the scenarios create their clients and
orders and commit them). Prints one line per scenario and
``concurrency: N passed, N failed``; exits 1 when a scenario failed.
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from odoo import SUPERUSER_ID, Command, api
from odoo.tools import SQL

#: A hook must never wait on a batch's locks: this is far below any batch's duration here.
HOOK_SECONDS = 3.0
#: How long a paused batch waits for the other connection at most.
PAUSE_SECONDS = 20.0


class ScenarioError(AssertionError):
    """A scenario's expectation did not hold."""


def check(condition, message):
    if not condition:
        raise ScenarioError(message)


@contextmanager
def environment(registry, uid=SUPERUSER_ID):
    """A new connection and environment, committed at the end of the block."""
    with registry.cursor() as cr:
        yield api.Environment(cr, uid, {})


class Scenarios:
    """Clients and orders of the scenarios, all committed; one connection per thread."""

    def __init__(self, registry):
        self.registry = registry
        with environment(registry) as env:
            self.company_id = env.company.id
            self.product_id = self._product(env).id
            self.salesman_id = self._salesman(env).id

    # ------------------------------------------------------------ fixtures
    def _product(self, env):
        products = env["product.product"]
        product = products.search([("default_code", "=", "PL-LIVE")], limit=1)
        product = product or products.create(
            {"name": "Water delivery (live)", "default_code": "PL-LIVE", "type": "service"}
        )
        return product

    def _salesman(self, env):
        users = env["res.users"].with_context(active_test=False)
        user = users.search([("login", "=", "pl_live_salesman")], limit=1)
        return user or users.create(
            {
                "name": "Live Salesman",
                "login": "pl_live_salesman",
                "groups_id": [Command.link(env.ref("sales_team.group_sale_salesman").id)],
            }
        )

    def clients(self, prefix, ages_per_client):
        """Committed clients, one per entry, each with confirmed orders of those ages (days)."""
        with environment(self.registry) as env:
            partners = env["res.partner"].create(
                [{"name": f"{prefix} {index}"} for index in range(len(ages_per_client))]
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": partner.id,
                        "order_line": [Command.create({"product_id": self.product_id})],
                    }
                    for partner, ages in zip(partners, ages_per_client, strict=True)
                    for _age in ages
                ]
            )
            orders.action_confirm()
            now = datetime.now().replace(microsecond=0)
            moments = [now - timedelta(days=age) for ages in ages_per_client for age in ages]
            env.flush_all()
            env.cr.execute(
                SQL(
                    """UPDATE sale_order so SET date_order = v.moment
                         FROM unnest(%s::int[], %s::timestamp[]) AS v(id, moment)
                        WHERE so.id = v.id""",
                    orders.ids,
                    moments,
                )
            )
            return partners.ids

    def forget_figures(self, ids):
        """Make every client look never computed, as before a full run from scratch."""
        with environment(self.registry) as env:
            env.cr.execute(
                SQL(
                    """UPDATE res_partner SET lifecycle_order_count = NULL,
                              lifecycle_last_order_date = NULL, lifecycle_review_date = NULL
                        WHERE id = ANY(%s)""",
                    ids,
                )
            )

    def confirm(self, partner_id):
        """Confirm a new order of the client as the salesman, commit; return the seconds."""
        started = time.monotonic()
        with environment(self.registry, self.salesman_id) as env:
            order = env["sale.order"].create(
                {
                    "partner_id": partner_id,
                    "user_id": self.salesman_id,
                    "order_line": [Command.create({"product_id": self.product_id})],
                }
            )
            order.action_confirm()
        return time.monotonic() - started

    def full_run(self, ids=None):
        """A full recalculation of the company, committing batch by batch; its counts."""
        with environment(self.registry) as env:
            company = env["res.company"].browse(self.company_id)
            recalculation = env["partner.lifecycle.recalculation"]
            if ids is None:
                return recalculation._recalculate_company(company, commit=True)
            return recalculation._run(company, ids, commit=True)

    def incremental_run(self):
        with environment(self.registry) as env:
            return env["partner.lifecycle.recalculation"]._cron_recalculate()

    def stored(self, ids):
        with environment(self.registry) as env:
            rows = env.execute_query_dict(
                SQL(
                    """SELECT p.id, p.lifecycle_order_count AS count, s.name->>'en_US' AS status,
                              (SELECT count(*) FROM partner_lifecycle_queue q
                                WHERE q.partner_id = p.id) AS marks
                         FROM res_partner p
                    LEFT JOIN partner_lifecycle_status s ON s.id = p.lifecycle_status_id
                        WHERE p.id = ANY(%s) ORDER BY p.id""",
                    ids,
                )
            )
            return {row["id"]: row for row in rows}

    def check_as_full_run(self, ids):
        """A full recalculation of these clients finds nothing to write."""
        stats = self.full_run(ids)
        check(stats["written"] == 0, f"a full recalculation still wrote {stats['written']} rows")

    # ------------------------------------------------------------ scenarios
    def order_during_batch(self):
        """An order confirmed while a batch holds its client is not lost, nor waited for."""
        ids = self.clients("During batch", [[30, 20]] + [[40, 30, 20]] * 5)
        target = ids[0]
        self.forget_figures(ids)
        batch_read, order_done = threading.Event(), threading.Event()
        recalculation = self.registry["partner.lifecycle.recalculation"]
        original = recalculation._write

        def paused_write(model, company, outcomes, today):
            if threading.current_thread().name == "batch" and any(
                outcome.partner_id == target for outcome in outcomes
            ):
                batch_read.set()
                order_done.wait(PAUSE_SECONDS)
            return original(model, company, outcomes, today)

        seconds = {}

        def confirm_during_batch():
            check(batch_read.wait(PAUSE_SECONDS), "the batch never reached its write")
            seconds["hook"] = self.confirm(target)
            order_done.set()

        with mock.patch.object(recalculation, "_write", paused_write):
            batch = threading.Thread(target=self.full_run, args=(ids,), name="batch")
            confirmer = threading.Thread(target=confirm_during_batch, name="confirm")
            batch.start()
            confirmer.start()
            confirmer.join()
            batch.join()
        check("hook" in seconds, "the confirmation did not finish")
        check(
            seconds["hook"] < HOOK_SECONDS,
            f"the confirmation waited {seconds['hook']:.1f} s for the batch's lock",
        )
        after_batch = self.stored([target])[target]
        check(after_batch["marks"] >= 1, "the locked client was not marked for the next run")
        self.incremental_run()
        final = self.stored([target])[target]
        check(final["count"] == 3, f"3 orders expected after the run, stored {final['count']}")
        check(final["status"] == "Permanent", f"Permanent expected, stored {final['status']}")
        check(final["marks"] == 0, "the mark stayed after the run")
        self.check_as_full_run(ids)
        return f"hook took {seconds['hook']:.2f} s while the batch held the client"

    def confirmations_during_a_run(self):
        """Six orders confirmed during a full run all count once the marks are processed."""
        ids = self.clients("Busy run", [[60, 45, 30]] * 300)
        self.forget_figures(ids)
        targets = ids[10::50][:6]
        recalculation = self.registry["partner.lifecycle.recalculation"]
        seconds = []

        def confirm_all():
            for partner_id in targets:
                seconds.append(self.confirm(partner_id))
                time.sleep(0.05)

        with mock.patch.object(recalculation, "_batch_size", 20):
            run = threading.Thread(target=self.full_run, args=(ids,), name="run")
            confirmer = threading.Thread(target=confirm_all, name="confirm")
            run.start()
            confirmer.start()
            run.join()
            confirmer.join()
        self.incremental_run()
        stored = self.stored(targets)
        counts = [stored[partner_id]["count"] for partner_id in targets]
        check(counts == [4] * 6, f"every client should count 4 orders, stored {counts}")
        check(max(seconds) < HOOK_SECONDS, f"a confirmation waited {max(seconds):.1f} s")
        self.check_as_full_run(ids)
        return f"6 of 6 confirmations counted, slowest {max(seconds):.2f} s"

    def two_runs_at_once(self):
        """Two full runs over the same clients at once: no deadlock, no error, one's result."""
        ids = self.clients("Two runs", [[300, 200], [30, 20, 10], [5]] * 100)
        self.forget_figures(ids)
        recalculation = self.registry["partner.lifecycle.recalculation"]
        results, errors = {}, []

        def run(name):
            try:
                results[name] = self.full_run(ids)
            except Exception as error:
                errors.append(f"{name}: {error!r}")

        with mock.patch.object(recalculation, "_batch_size", 15):
            threads = [threading.Thread(target=run, args=(name,), name=name) for name in "AB"]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        check(not errors, f"a run failed: {errors}")
        self.incremental_run()
        stored = self.stored(ids)
        statuses = [stored[partner_id]["status"] for partner_id in ids[:3]]
        check(statuses == ["Sleeping", "Permanent", "New"], f"statuses {statuses}")
        self.check_as_full_run(ids)
        skipped = results["A"]["marked"] + results["B"]["marked"]
        return f"both runs ended; {skipped} clients skipped by one run and done by the other"

    def two_nightly_runs_at_once(self):
        """A second scheduled run while one runs skips the company instead of waiting."""
        with environment(self.registry) as holder:
            holder.cr.execute(SQL("SELECT pg_advisory_lock(%s, %s)", 0x504C4346, self.company_id))
            stats = self.incremental_run()
            holder.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", 0x504C4346, self.company_id))
        check(stats["clients"] == 0, "the second run worked on a company another run holds")
        return "the second run skipped the busy company"

    def client_locked_by_a_person(self):
        """A confirmation while another transaction holds the client row marks it, no waiting."""
        ids = self.clients("Held card", [[30, 20]])
        target = ids[0]
        seconds = {}
        confirmer = threading.Thread(
            target=lambda: seconds.setdefault("hook", self.confirm(target)), name="confirm"
        )
        with environment(self.registry) as holder:
            # A person saving the client's card: the row stays locked until that commit.
            holder.cr.execute(
                SQL("UPDATE res_partner SET comment = 'on the phone' WHERE id = %s", target)
            )
            confirmer.start()
            confirmer.join(HOOK_SECONDS * 2)
            waited = confirmer.is_alive()
        confirmer.join()
        check(not waited, "the confirmation waited for the person's transaction")
        check(seconds["hook"] < HOOK_SECONDS, f"the confirmation waited {seconds['hook']:.1f} s")
        check(self.stored([target])[target]["marks"] >= 1, "the held client was not marked")
        self.incremental_run()
        final = self.stored([target])[target]
        check(final["count"] == 3, f"3 orders expected, stored {final['count']}")
        return f"confirmation took {seconds['hook']:.2f} s; the next run counted the order"

    def killed_job_resumes(self):
        """A background recalculation killed mid-way resumes after its last committed batch."""
        ids = self.clients("Killed job", [[300, 200]] * 120)
        self.forget_figures(ids)
        with environment(self.registry) as env:
            job = env["partner.lifecycle.job"]._queue_recalculation(
                env["res.company"].browse(self.company_id),
                env.user,
                env["res.partner"].browse(ids),
            )
            job_id = job.id
        child = subprocess.Popen(
            [sys.executable, *self._child_command(job_id)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        done = self._wait_for_progress(job_id, minimum=20)
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        check(done and done < len(ids), f"the job should have been killed mid-way ({done} done)")
        with environment(self.registry) as env:
            job = env["partner.lifecycle.job"].browse(job_id)
            check(job.state == "running", f"the killed job is {job.state}")
            resumed_after = job.last_partner_id
            env["partner.lifecycle.job"]._cron_run_jobs()
            check(job.state == "done", "the resumed job did not finish")
            check(job.done_count == len(ids), f"{job.done_count} of {len(ids)} clients done")
        final = self.stored(ids)
        statuses = {row["status"] for row in final.values()}
        check(statuses == {"Sleeping"}, f"every client should be sleeping: {statuses}")
        self.check_as_full_run(ids)
        return f"killed after {done} clients; resumed after client {resumed_after}"

    def _child_command(self, job_id):
        """This script's command line, running one job slowly in a process of its own."""
        runner = os.path.join(os.path.dirname(__file__), "run_odoo.py")
        odoo_args = sys.argv[1 : sys.argv.index("--")]
        return [runner, *odoo_args, "--", "concurrency", "--run-job", str(job_id)]

    def _wait_for_progress(self, job_id, minimum):
        """Wait until the job has committed ``minimum`` clients; return how many it has."""
        deadline = time.monotonic() + 60
        done = 0
        while time.monotonic() < deadline:
            with environment(self.registry) as env:
                env.cr.execute(
                    SQL(
                        "SELECT coalesce(done_count, 0) FROM partner_lifecycle_job WHERE id = %s",
                        job_id,
                    )
                )
                done = env.cr.fetchone()[0]
            if done >= minimum:
                return done
            time.sleep(0.1)
        return done


SCENARIOS = (
    "order_during_batch",
    "confirmations_during_a_run",
    "two_runs_at_once",
    "two_nightly_runs_at_once",
    "client_locked_by_a_person",
    "killed_job_resumes",
)


def run_job_slowly(env, job_id):
    """The child process of ``killed_job_resumes``: run the job, 10 clients a batch, slowly."""
    recalculation = type(env["partner.lifecycle.recalculation"])
    original = recalculation._run_batch

    def slow(model, *args, **kwargs):
        time.sleep(0.3)
        return original(model, *args, **kwargs)

    with (
        mock.patch.object(recalculation, "_batch_size", 10),
        mock.patch.object(recalculation, "_run_batch", slow),
    ):
        env["partner.lifecycle.job"].browse(job_id)._run(commit=True)


def main(env, argv):
    parser = argparse.ArgumentParser(prog="concurrency", description=__doc__.split("\n\n")[0])
    parser.add_argument("--run-job", type=int, help=argparse.SUPPRESS)
    parser.add_argument("scenario", nargs="*", help=f"some of: {', '.join(SCENARIOS)}")
    args = parser.parse_args(argv)
    unknown = set(args.scenario) - set(SCENARIOS)
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(sorted(unknown))}")
    if args.run_job:
        run_job_slowly(env, args.run_job)
        return 0
    env.cr.commit()
    scenarios = Scenarios(env.registry)
    passed = failed = 0
    for name in args.scenario or SCENARIOS:
        started = time.monotonic()
        try:
            detail = getattr(scenarios, name)()
        except Exception as error:
            failed += 1
            print(f"FAIL {name}: {error}", flush=True)
            if not isinstance(error, ScenarioError):
                traceback.print_exc()
        else:
            passed += 1
            print(f"ok   {name} ({time.monotonic() - started:.1f} s): {detail}", flush=True)
    print(f"concurrency: {passed} passed, {failed} failed, 0 skipped", flush=True)
    if failed:
        sys.exit(1)
    return 0
