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

Nothing is interleaved by sleeping: a scenario that needs a batch to stand
between its read and its write holds it there with a :class:`WriteGate` (a
PostgreSQL advisory lock the batch's UPDATE of a chosen client waits on), sees
in ``pg_locks`` that the batch waits, does what must happen in that window,
checks that the batch still waits, then lets it go. A scenario that needs a
database error inside a batch makes one connection's UPDATE of a chosen client
fail with a :class:`Fault`.
"""

import argparse
import logging
import os
import subprocess
import sys
import threading
import time
import traceback
from contextlib import contextmanager, nullcontext
from datetime import datetime, timedelta
from unittest import mock

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

#: A hook must never wait on another transaction's locks: a confirmation taking longer did.
HOOK_SECONDS = 3.0
#: How long a scenario waits at most for a batch to reach the write of a client, or for
#: a confirmation while a batch is held at the gate.
PAUSE_SECONDS = 30.0
#: Clients a batch of the killed background job.
JOB_BATCH = 10
#: First key of the advisory locks of the write gate (the second is the client's id).
GATE_KEY = 0x504C4757  # "PLGW"
#: The session setting that makes a connection's partner updates pass the write gate.
GATE_SETTING = "partner_lifecycle_live.gated"
#: The trigger function of the write gate (constants only: a function body takes no parameter).
GATE_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION partner_lifecycle_live_gate() RETURNS trigger AS $$
    BEGIN
        IF current_setting('{GATE_SETTING}', true) = 'on' THEN
            PERFORM pg_advisory_xact_lock_shared({GATE_KEY}, NEW.id);
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""


#: The session setting naming the client whose UPDATE fails on that connection (:class:`Fault`).
FAULT_SETTING = "partner_lifecycle_live.fault"
#: The trigger function of the fault: a serialization failure, as a concurrent update gives.
FAULT_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION partner_lifecycle_live_fault() RETURNS trigger AS $$
    BEGIN
        IF current_setting('{FAULT_SETTING}', true) = NEW.id::text THEN
            RAISE EXCEPTION USING ERRCODE = 'serialization_failure',
                MESSAGE = 'live fault: client ' || NEW.id || ' cannot be written';
        END IF;
        RETURN NEW;
    END $$ LANGUAGE plpgsql"""
#: The logger of the job runner, which logs the error of a failed run.
JOB_LOGGER = "odoo.addons.partner_lifecycle.models.partner_lifecycle_job"
#: First key of the advisory locks of background jobs (the second is the job's id).
JOB_LOCK_KEY = 0x504C4346 + 1


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


class LiveTrigger:
    """A ``BEFORE`` trigger that a scenario installs for the block, from a connection of its
    own: ``name`` is the trigger's and its function's name, ``function`` the statement that
    creates the function, ``event`` and ``table`` what fires it (a partner's UPDATE unless
    told)."""

    name = None
    function = None
    event = "UPDATE"
    table = "res_partner"

    def __init__(self, registry):
        self.cr = registry.cursor()

    def __enter__(self):
        self.cr.execute(SQL(self.function))
        # (a trigger left by an interrupted run is replaced)
        self.cr.execute(
            SQL(
                "DROP TRIGGER IF EXISTS %s ON %s",
                SQL.identifier(self.name),
                SQL.identifier(self.table),
            )
        )
        self.cr.execute(
            SQL(
                f"CREATE TRIGGER %s BEFORE {self.event} ON %s FOR EACH ROW EXECUTE FUNCTION %s()",
                SQL.identifier(self.name),
                SQL.identifier(self.table),
                SQL.identifier(self.name),
            )
        )
        self.cr.commit()
        return self

    def __exit__(self, *exc_info):
        self.cr.rollback()
        self._before_removal()
        self.cr.execute(
            SQL("DROP TRIGGER %s ON %s", SQL.identifier(self.name), SQL.identifier(self.table))
        )
        self.cr.execute(SQL("DROP FUNCTION %s()", SQL.identifier(self.name)))
        self.cr.commit()
        self.cr.close()

    def _before_removal(self):
        """What the scenario undoes before the trigger goes."""


class WriteGate(LiveTrigger):
    """Holds batches at their write of chosen clients: the handshake of a scenario with a run.

    While the gate is installed, a trigger makes each UPDATE of a partner row,
    by a connection that asked for it (:func:`gated`), first take the shared
    advisory lock ``(GATE_KEY, partner id)``. The gate holds that lock
    exclusively for the clients it is closed on, on a connection of its own: a
    batch, which writes its clients with one UPDATE after it has read and
    decided them, waits there, holding the locks of its clients, until the gate
    opens. ``pg_locks`` shows the wait, so the scenario knows that the batch
    stands between its read and its write.
    """

    name = "partner_lifecycle_live_gate"
    function = GATE_FUNCTION

    def __init__(self, registry):
        super().__init__(registry)
        self.closed = set()

    def _before_removal(self):
        for partner_id in sorted(self.closed):
            self.open(partner_id)

    def close(self, partner_ids):
        """Hold every gated write of these clients until :meth:`open`."""
        for partner_id in partner_ids:
            self.cr.execute(SQL("SELECT pg_advisory_lock(%s, %s)", GATE_KEY, partner_id))
            self.closed.add(partner_id)
        self.cr.commit()

    def open(self, partner_id):
        """Let the write of the client go on."""
        self.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", GATE_KEY, partner_id))
        self.closed.discard(partner_id)
        self.cr.commit()

    def waiting(self, partner_id):
        """The process id of the backend waiting at the gate to write the client, or None."""
        self.cr.execute(
            SQL(
                """SELECT pid FROM pg_locks
                    WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2
                      AND classid::bigint = %s AND objid::bigint = %s""",
                GATE_KEY,
                partner_id,
            )
        )
        row = self.cr.fetchone()
        self.cr.commit()
        return row[0] if row else None

    def wait_for(self, partner_id, alive):
        """Wait until a backend waits at the gate to write the client; its process id, or None
        when the writer ended (``alive()`` is false) or ``PAUSE_SECONDS`` passed first."""
        deadline = time.monotonic() + PAUSE_SECONDS
        while time.monotonic() < deadline:
            pid = self.waiting(partner_id)
            if pid or not alive():
                return pid
            time.sleep(0.02)  # polling PostgreSQL's view of the locks
        return None

    def end_session(self, pid):
        """End the backend ``pid`` (its transaction rolls back) and wait until it is gone."""
        self.cr.execute(SQL("SELECT pg_terminate_backend(%s)", pid))
        deadline = time.monotonic() + PAUSE_SECONDS
        while time.monotonic() < deadline:
            self.cr.execute(SQL("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid))
            gone = not self.cr.fetchone()[0]
            self.cr.commit()
            if gone:
                return True
            time.sleep(0.02)
        return False


@contextmanager
def gated(cr):
    """Make the partner updates of this connection pass the installed :class:`WriteGate`."""
    cr.execute(SQL("SELECT set_config(%s, 'on', false)", GATE_SETTING))
    cr.commit()
    try:
        yield
    finally:
        cr.rollback()
        cr.execute(SQL("SELECT set_config(%s, '', false)", GATE_SETTING))
        cr.commit()


class Fault(LiveTrigger):
    """Makes one connection's UPDATE of a chosen client fail, as a database error would.

    While installed, a trigger raises a serialization failure for each UPDATE
    of the partner row that the connection's session setting names
    (:meth:`arm`); other connections write as usual.
    """

    name = "partner_lifecycle_live_fault"
    function = FAULT_FUNCTION

    @staticmethod
    def arm(cr, partner_id):
        """Make the UPDATEs of the client by this connection fail (None: none)."""
        value = str(partner_id) if partner_id else ""
        cr.execute(SQL("SELECT set_config(%s, %s, false)", FAULT_SETTING, value))
        cr.commit()


class InsertGate(LiveTrigger):
    """Holds the INSERTs into ``table`` of the connections that ask for it (their session
    setting ``setting`` on, for their transaction): a trigger makes each INSERT first take
    the shared advisory lock ``(key, lock_on)`` (``lock_on`` a SQL expression of the new
    row, or a constant), which the gate holds exclusively on ``(key, held_id)`` from its
    installation until :meth:`open`. ``pg_locks`` shows who waits there."""

    event = "INSERT"

    def __init__(self, registry, name, table, key, setting, lock_on, held_id):
        super().__init__(registry)
        self.name, self.table, self.key, self.held_id = name, table, key, held_id
        self.function = f"""
            CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
            BEGIN
                IF current_setting('{setting}', true) = 'on' THEN
                    PERFORM pg_advisory_xact_lock_shared({key}, {lock_on});
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql"""

    def __enter__(self):
        super().__enter__()
        self.cr.execute(SQL("SELECT pg_advisory_lock(%s, %s)", self.key, self.held_id))
        self.cr.commit()
        return self

    def _before_removal(self):
        self.cr.execute(SQL("SELECT pg_advisory_unlock_all()"))

    def open(self):
        """Let the held INSERTs go on."""
        self.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", self.key, self.held_id))
        self.cr.commit()

    def reached(self, alive):
        """Whether a backend comes to wait at the gate before ``alive()`` turns false or
        ``PAUSE_SECONDS`` pass."""
        deadline = time.monotonic() + PAUSE_SECONDS
        while time.monotonic() < deadline and alive():
            self.cr.execute(
                SQL(
                    """SELECT 1 FROM pg_locks
                        WHERE locktype = 'advisory' AND NOT granted AND objsubid = 2
                          AND classid::bigint = %s AND objid::bigint = %s""",
                    self.key,
                    self.held_id,
                )
            )
            found = self.cr.fetchone()
            self.cr.commit()
            if found:
                return True
            time.sleep(0.02)  # polling PostgreSQL's view of the locks
        return False


@contextmanager
def captured_log(name):
    """The records of the logger ``name`` during the block (kept out of the output)."""
    records = []
    handler = logging.Handler(logging.DEBUG)
    handler.emit = records.append
    logger = logging.getLogger(name)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield records
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


class Worker(threading.Thread):
    """A thread running ``target(*args)``; :meth:`result` joins it and gives its return value
    (or raises its exception)."""

    def __init__(self, name, target, *args):
        super().__init__(name=name)
        self._call = (target, args)
        self._outcome = None
        self.start()

    def run(self):
        target, args = self._call
        try:
            self._outcome = (True, target(*args))
        except Exception as error:
            self._outcome = (False, error)

    def result(self, timeout=None):
        self.join(timeout)
        check(not self.is_alive(), f"{self.name} did not end")
        done, value = self._outcome
        if not done:
            raise value
        return value


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

    def _goods(self, env):
        """A product delivered from stock: its orders get a delivery to validate."""
        products = env["product.product"]
        product = products.search([("default_code", "=", "PL-LIVE-GOODS")], limit=1)
        return product or products.create(
            {"name": "Water 19 l (live)", "default_code": "PL-LIVE-GOODS", "type": "consu"}
        )

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

    def full_run(self, ids=None, through_gate=False):
        """A full recalculation of the company, committing batch by batch; its counts.
        ``through_gate``: its writes wait at the installed :class:`WriteGate`."""
        with environment(self.registry) as env, gated(env.cr) if through_gate else nullcontext():
            company = env["res.company"].browse(self.company_id)
            recalculation = env["partner.lifecycle.recalculation"]
            if ids is None:
                return recalculation._recalculate_company(company, commit=True)
            return recalculation._run(company, ids, commit=True)

    def confirm_at_gate(self, gate, partner_id, batch):
        """Once the ``batch`` thread waits at the gate to write the client (after its read),
        confirm an order of the client, then let the batch write; the seconds the confirmation
        took. Fails when the batch never comes to the gate, when it does not wait there any
        more once the confirmation is committed, or when the confirmation waits for it."""
        check(
            gate.wait_for(partner_id, batch.is_alive),
            f"the batch never came to write client {partner_id}",
        )
        confirmation = Worker("confirm", self.confirm, partner_id)
        # while the gate is closed the batch cannot go on: a confirmation waiting for its
        # locks would never end
        confirmation.join(PAUSE_SECONDS)
        if confirmation.is_alive():
            gate.open(partner_id)  # the batch goes on, and so does the confirmation
            confirmation.result(PAUSE_SECONDS)
            raise ScenarioError(f"the confirmation waited for the batch writing {partner_id}")
        seconds = confirmation.result()
        check(
            gate.waiting(partner_id),
            f"the batch did not wait to write client {partner_id} while the order was confirmed",
        )
        gate.open(partner_id)
        return seconds

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
        """An order confirmed between a batch's read and its write is not lost, nor waited for."""
        ids = self.clients("During batch", [[30, 20]] + [[40, 30, 20]] * 5)
        target = ids[0]
        self.forget_figures(ids)
        with WriteGate(self.registry) as gate:
            gate.close([target])
            batch = Worker("batch", self.full_run, ids, True)
            seconds = self.confirm_at_gate(gate, target, batch)
            stats = batch.result(PAUSE_SECONDS)
        after_batch = self.stored([target])[target]
        check(stats["written"] == len(ids), f"the batch wrote {stats['written']} of {len(ids)}")
        check(
            after_batch["count"] == 2,
            f"the batch should store the 2 orders it read, stored {after_batch['count']}",
        )
        check(after_batch["marks"] >= 1, "the client written by the batch was not marked")
        self.incremental_run()
        final = self.stored([target])[target]
        check(final["count"] == 3, f"3 orders expected after the run, stored {final['count']}")
        check(final["status"] == "Permanent", f"Permanent expected, stored {final['status']}")
        check(final["marks"] == 0, "the mark stayed after the run")
        self.check_as_full_run(ids)
        return f"confirmed in {seconds:.2f} s between the batch's read and its write"

    def confirmations_during_a_run(self):
        """Six orders confirmed during a full run, each between its batch's read and write,
        all count once the marks are processed."""
        ids = self.clients("Busy run", [[60, 45, 30]] * 300)
        self.forget_figures(ids)
        targets = ids[10::50][:6]
        recalculation = self.registry["partner.lifecycle.recalculation"]
        with WriteGate(self.registry) as gate, mock.patch.object(recalculation, "_batch_size", 20):
            gate.close(targets)
            run = Worker("run", self.full_run, ids, True)
            seconds = [self.confirm_at_gate(gate, partner_id, run) for partner_id in targets]
            run.result(PAUSE_SECONDS)
        after_run = self.stored(targets)
        counts = [after_run[partner_id]["count"] for partner_id in targets]
        check(counts == [3] * 6, f"the batches should store the 3 orders they read: {counts}")
        marks = [after_run[partner_id]["marks"] for partner_id in targets]
        check(min(marks) >= 1, f"every client confirmed during its batch is marked: {marks}")
        self.incremental_run()
        stored = self.stored(targets)
        counts = [stored[partner_id]["count"] for partner_id in targets]
        check(counts == [4] * 6, f"every client should count 4 orders, stored {counts}")
        self.check_as_full_run(ids)
        return f"6 of 6 confirmations inside their batch counted, slowest {max(seconds):.2f} s"

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
        # the job's batches have 10 clients: it is killed while writing its third batch
        victim = ids[JOB_BATCH * 2 + 5]
        with WriteGate(self.registry) as gate:
            gate.close([victim])
            child = subprocess.Popen(
                [sys.executable, *self._child_command(job_id)],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            pid = gate.wait_for(victim, lambda: child.poll() is None)
            child.kill()  # SIGKILL
            child.wait()
            output = child.stdout.read().decode(errors="replace")
            check(pid, f"the job never came to write its third batch:\n{output[-2000:]}")
            check(gate.end_session(pid), "the killed job's database session did not end")
            done = self._job_done_count(job_id)
        check(done == JOB_BATCH * 2, f"two batches of the killed job should count: {done}")
        with environment(self.registry) as env:
            job = env["partner.lifecycle.job"].browse(job_id)
            check(job.state == "running", f"the killed job is {job.state}")
            resumed_after = job.last_partner_id
            check(resumed_after == ids[JOB_BATCH * 2 - 1], "the job resumes after its 2nd batch")
            env["partner.lifecycle.job"]._cron_run_jobs()
            check(job.state == "done", "the resumed job did not finish")
            check(job.done_count == len(ids), f"{job.done_count} of {len(ids)} clients done")
        final = self.stored(ids)
        statuses = {row["status"] for row in final.values()}
        check(statuses == {"Sleeping"}, f"every client should be sleeping: {statuses}")
        self.check_as_full_run(ids)
        return f"killed while writing its third batch; resumed after client {resumed_after}"

    def job_lock_after_a_database_error(self):
        """A database error in a background job's batch: the job's lock is free at once for
        another run (the failed run's connection still open), the real error is the one
        logged and kept on the job, and the next run completes the job."""
        ids = self.clients("Faulty job", [[30, 20]] * 6)
        jobs = self.registry["partner.lifecycle.job"]
        with environment(self.registry) as env:
            admin = env.ref("base.user_admin")
            job_id = (
                env["partner.lifecycle.job"]
                ._queue(
                    {
                        "kind": "status",
                        "company_id": self.company_id,
                        "user_id": admin.id,
                        "partner_ids": [Command.set(ids)],
                        "total_count": len(ids),
                        "status_id": env.ref("partner_lifecycle.status_sleeping").id,
                    }
                )
                .id
            )
        with (
            Fault(self.registry),
            mock.patch.object(jobs, "_person_batch_size", 2),
            mock.patch.object(jobs, "_retry_delay", 0),
        ):
            with environment(self.registry) as env:
                # the job's second batch writes the client ids[3]: the batch fails
                Fault.arm(env.cr, ids[3])
                with captured_log(JOB_LOGGER) as records, mute_logger("odoo.sql_db"):
                    env["partner.lifecycle.job"]._cron_run_jobs()
                Fault.arm(env.cr, None)
                # the failed run's connection is still open, as a pooled cron connection is
                with environment(self.registry) as other:
                    free = other.execute_query(
                        SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", JOB_LOCK_KEY, job_id)
                    )[0][0]
            check(free, "the job's lock stayed held after the failed run")
            logged = "\n".join(logging.Formatter().format(record) for record in records)
            check("live fault: client" in logged, f"the real error was not logged:\n{logged}")
            check("InFailedSqlTransaction" not in logged, f"another error was logged:\n{logged}")
            with environment(self.registry) as env:
                job = env["partner.lifecycle.job"].browse(job_id)
                seen = (job.state, job.done_count, job.attempt_count)
                check(seen == ("running", 2, 1), f"after the failed run: {seen}")
                check("live fault: client" in (job.error or ""), f"the job keeps {job.error!r}")
                env["partner.lifecycle.job"]._cron_run_jobs()
                seen = (job.state, job.done_count, job.attempt_count)
                check(seen == ("done", 6, 1), f"after the next run: {seen}")
        statuses = {row["status"] for row in self.stored(ids).values()}
        check(statuses == {"Sleeping"}, f"every client should be sleeping: {statuses}")
        return "the lock was free at once; the job kept the real error and ended at the next run"

    def delivery_of_a_locked_client(self):
        """A delivery validated while another transaction holds the client row FOR UPDATE
        returns at once and marks the client with the day; an incremental run meanwhile
        skips the client without waking itself again; the next run stores the first
        delivery day and the status."""
        with environment(self.registry) as env:
            client = env["res.partner"].create({"name": "Delivered while held"})
            order = env["sale.order"].create(
                {
                    "partner_id": client.id,
                    "order_line": [Command.create({"product_id": self._goods(env).id})],
                }
            )
            order.action_confirm()
            target, picking_id = client.id, order.picking_ids.id
        check(self.stored([target])[target]["status"] == "New", "the client should be New")
        seconds = {}
        validator = threading.Thread(
            target=lambda: seconds.setdefault("hook", self.validate(picking_id)), name="deliver"
        )
        with environment(self.registry) as holder:
            holder.cr.execute(SQL("SELECT id FROM res_partner WHERE id = %s FOR UPDATE", target))
            validator.start()
            validator.join(HOOK_SECONDS * 2)
            waited = validator.is_alive()
            days = self.delivery_marks(target)
            self.forget_wake_ups()
            self.incremental_run()
            wake_ups = self.wake_ups()
        validator.join()
        check(not waited, "the delivery waited for the transaction holding the client")
        check(seconds["hook"] < HOOK_SECONDS, f"the delivery waited {seconds['hook']:.1f} s")
        with environment(self.registry) as env:
            picking = env["stock.picking"].browse(picking_id)
            day = (
                env["res.partner"]
                .browse(target)
                ._lifecycle_company()
                ._lifecycle_date(picking.date_done)
            )
        check(day in days, f"the client's mark should carry the day {day}: {days}")
        check(wake_ups == 0, f"the run skipping the held client woke itself {wake_ups} times")
        self.incremental_run()
        final = self.stored([target])[target]
        first = self.delivery_marks(target, stored=True)
        check(first == [day], f"first delivery {day} expected, stored {first}")
        check(final["status"] == "Working", f"Working expected, stored {final['status']}")
        check(final["marks"] == 0, "the mark stayed after the run")
        self.check_as_full_run([target])
        return f"delivery validated in {seconds['hook']:.2f} s; the next run stored its day"

    def validate(self, picking_id):
        """Validate the delivery in full, commit; return the seconds."""
        started = time.monotonic()
        with environment(self.registry) as env:
            picking = env["stock.picking"].browse(picking_id)
            for move in picking.move_ids:
                move.quantity = move.product_uom_qty
                move.picked = True
            picking.button_validate()
        return time.monotonic() - started

    def delivery_marks(self, partner_id, stored=False):
        """The days in the client's marks (``stored``: its stored first delivery day)."""
        with environment(self.registry) as env:
            query = (
                "SELECT lifecycle_first_delivery_date FROM res_partner WHERE id = %s"
                if stored
                else "SELECT first_delivery_date FROM partner_lifecycle_queue"
                " WHERE partner_id = %s AND first_delivery_date IS NOT NULL"
            )
            return [row[0] for row in env.execute_query(SQL(query, partner_id))]

    def _recompute_cron(self, env):
        return env.ref("partner_lifecycle.ir_cron_recompute")

    def forget_wake_ups(self):
        """Delete the pending wake-ups of the incremental run."""
        with environment(self.registry) as env:
            cron = self._recompute_cron(env)
            env.cr.execute(SQL("DELETE FROM ir_cron_trigger WHERE cron_id = %s", cron.id))

    def wake_ups(self):
        """The pending wake-ups of the incremental run."""
        with environment(self.registry) as env:
            cron = self._recompute_cron(env)
            return env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])

    def _child_command(self, job_id):
        """This script's command line, running one job in a process of its own, its writes
        through the gate."""
        runner = os.path.join(os.path.dirname(__file__), "run_odoo.py")
        odoo_args = sys.argv[1 : sys.argv.index("--")]
        return [runner, *odoo_args, "--", "concurrency", "--run-job", str(job_id)]

    def _job_done_count(self, job_id):
        """The clients the job has committed as done."""
        with environment(self.registry) as env:
            job = env["partner.lifecycle.job"].browse(job_id)
            return job.done_count

    def second_fill_at_once(self):
        """A second fill of a delivery plan while the first runs gets a plain message at once
        and adds nothing, and so does one whose transaction began before the first ended; a
        fill after both adds nothing and says so."""
        ids = self.clients("Second fill", [[21, 14, 7]] * 5)
        self.full_run(ids)
        with environment(self.registry) as env:
            zone = env["partner.lifecycle.zone"].create({"name": f"Second fill {ids[0]}"})
            env["res.partner"].browse(ids).write({"lifecycle_zone_id": zone.id})
            plan = env["partner.lifecycle.planning"].create({"zone_id": zone.id})
            plan_id, plan_name = plan.id, plan.name
        # The first fill waits at its INSERT of the lines, after it took the plan, on an
        # advisory lock the gate holds (a trigger of the connections that ask for it).
        setting = "partner_lifecycle_live.fill_gated"
        fill_gate = InsertGate(
            self.registry,
            "partner_lifecycle_live_fill_gate",
            "partner_lifecycle_planning_line",
            0x504C4647,  # "PLFG"
            setting,
            "NEW.planning_id",
            plan_id,
        )
        with fill_gate as gate:
            first = Worker("first fill", self._fill, plan_id, setting)
            if not gate.reached(first.is_alive):
                outcome = first.result(PAUSE_SECONDS)
                raise ScenarioError(f"the first fill never came to its lines: {outcome}")
            started = time.monotonic()
            second_fill = Worker("second fill", self._fill, plan_id)
            second_fill.join(PAUSE_SECONDS)  # a second fill waiting for the first never ends
            seconds = time.monotonic() - started
            if second_fill.is_alive():
                gate.open()
                outcome = second_fill.result(PAUSE_SECONDS)
                raise ScenarioError(f"the second fill waited for the first: {outcome}")
            second = second_fill.result()
            with environment(self.registry, self.salesman_id) as late:
                late.cr.execute(
                    SQL(
                        "SELECT count(*) FROM partner_lifecycle_planning_line "
                        "WHERE planning_id = %s",
                        plan_id,
                    )
                )
                check(late.cr.fetchone()[0] == 0, "lines were written before the first fill")
                gate.open()
                filled = first.result(PAUSE_SECONDS)
                late_fill = self._fill_in(late, plan_id)
        busy = (
            f"The plan {plan_name} is being filled or changed by someone else; try again in a "
            "moment."
        )
        check(filled == ("done", f"Clients added to {plan_name}: 5."), f"first fill: {filled}")
        check(second == ("busy", busy), f"the second fill: {second}")
        check(seconds < HOOK_SECONDS, f"the second fill waited {seconds:.1f} s")
        check(late_fill == ("busy", busy), f"the fill begun before the first ended: {late_fill}")
        after = self._fill(plan_id)
        nothing = f"No client added to {plan_name}: every client due in its days is in it already."
        check(after == ("done", nothing), f"the fill after both: {after}")
        with environment(self.registry) as env:
            lines = env["partner.lifecycle.planning"].browse(plan_id).line_ids
            clients = sorted(lines.partner_id.ids)
            check(clients == ids, f"the plan's clients: {clients}")
        return f"the second fill answered in {seconds:.2f} s that the plan is busy; 5 lines, once"

    def two_dispatchers_quote_at_once(self):
        """Two plans of one day with the same two clients; "Create Quotations" of the first
        stands at its first quotation, its snapshot taken, while the second plan makes and
        commits both clients' quotations: the first then answers with a plain message and
        makes none, and clicked again links its lines to the second's quotations. Each
        client has one quotation for the day."""
        ids = self.clients("Quote race", [[21, 14, 7]] * 2)
        self.full_run(ids)
        with environment(self.registry, self.salesman_id) as env:
            plans = env["partner.lifecycle.planning"]
            lines = [Command.create({"partner_id": partner_id}) for partner_id in ids]
            first, second = plans.create({"line_ids": lines}), plans.create({"line_ids": lines})
            first_id, second_id, first_name = first.id, second.id, first.name
            second_name = second.name
        # The first plan's quotations wait at their INSERT on an advisory lock the gate
        # holds (a trigger of the connections that ask for it).
        setting = "partner_lifecycle_live.quote_gated"
        quote_gate = InsertGate(
            self.registry,
            "partner_lifecycle_live_quote_gate",
            "sale_order",
            0x504C5147,  # "PLQG"
            setting,
            str(first_id),
            first_id,
        )
        with quote_gate as gate:
            held = Worker("first plan", self._quote, first_id, setting)
            if not gate.reached(held.is_alive):
                outcome = held.result(PAUSE_SECONDS)
                raise ScenarioError(f"the first plan never came to its quotations: {outcome}")
            other = self._quote(second_id)
            gate.open()
            refused = held.result(PAUSE_SECONDS)
        again = self._quote(first_id)
        made = (
            f"{second_name}: Quotations made: 2; lines linked to an existing quotation of the "
            "day: 0; lines skipped: 0."
        )
        busy = (
            f"Someone else is making quotations for clients of {first_name} right now; try "
            "again in a moment: the clients that have one by then are linked to it, not given "
            "a second one."
        )
        linked = (
            f"{first_name}: Quotations made: 0; lines linked to an existing quotation of the "
            "day: 2; lines skipped: 0."
        )
        check(other == ("done", made), f"the second plan: {other}")
        check(refused == ("busy", busy), f"the first plan, held: {refused}")
        check(again == ("done", linked), f"the first plan, clicked again: {again}")
        with environment(self.registry) as env:
            env.cr.execute(
                SQL(
                    """SELECT partner_id, count(*) FROM sale_order
                        WHERE partner_id = ANY(%s) AND state IN ('draft', 'sent')
                     GROUP BY partner_id ORDER BY partner_id""",
                    ids,
                )
            )
            counts = env.cr.fetchall()
            check(counts == [(ids[0], 1), (ids[1], 1)], f"quotations per client: {counts}")
            planning = env["partner.lifecycle.planning"]
            orders = [planning.browse(plan).line_ids.order_id for plan in (first_id, second_id)]
            check(orders[0] == orders[1], f"the plans' quotations: {orders}")
        return "the held plan refused to make a second quotation, then linked to the other's"

    def _quote(self, plan_id, gated_by=None):
        """ "Create Quotations" of the plan as the salesman in a transaction of its own (its
        quotations' INSERT through the gate when ``gated_by`` names the gate's setting):
        ``("done", its message)``, or ``("busy", the error's message)``."""
        with environment(self.registry, self.salesman_id) as env:
            if gated_by:
                env.cr.execute(SQL("SELECT set_config(%s, 'on', true)", gated_by))
            try:
                action = env["partner.lifecycle.planning"].browse(plan_id).action_create_orders()
            except UserError as error:
                env.cr.rollback()
                return ("busy", error.args[0])
            return ("done", action["params"]["message"])

    def _fill(self, plan_id, gated_by=None):
        """Fill the plan as the salesman in a transaction of its own (its line INSERT through
        the fill gate when ``gated_by`` names the gate's setting); see :meth:`_fill_in`."""
        with environment(self.registry, self.salesman_id) as env:
            if gated_by:
                env.cr.execute(SQL("SELECT set_config(%s, 'on', true)", gated_by))
            return self._fill_in(env, plan_id)

    def _fill_in(self, env, plan_id):
        """The Fill button of the plan in ``env``: ``("done", its message)``, or ``("busy",
        the error's message)``."""
        try:
            action = env["partner.lifecycle.planning"].browse(plan_id).action_fill()
        except UserError as error:
            return ("busy", error.args[0])
        return ("done", action["params"]["message"])


SCENARIOS = (
    "order_during_batch",
    "confirmations_during_a_run",
    "two_runs_at_once",
    "two_nightly_runs_at_once",
    "client_locked_by_a_person",
    "killed_job_resumes",
    "second_fill_at_once",
    "two_dispatchers_quote_at_once",
    "job_lock_after_a_database_error",
    "delivery_of_a_locked_client",
)


def run_job_through_gate(env, job_id):
    """The child process of ``killed_job_resumes``: run the job, ``JOB_BATCH`` clients a
    batch, its writes through the gate."""
    recalculation = type(env["partner.lifecycle.recalculation"])
    with gated(env.cr), mock.patch.object(recalculation, "_batch_size", JOB_BATCH):
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
        run_job_through_gate(env, args.run_job)
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
