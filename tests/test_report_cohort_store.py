from datetime import date, datetime

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from ..hooks import post_init_hook
from .common import LifecycleCommon
from .test_migration import load_migration

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


@tagged("post_install", "-at_install")
class TestCohortClosedMonths(LifecycleCommon):
    """The cohort report's closed months: written once when a month closes at the company's
    midnight, written again when the past is rewritten, filled at install and upgrade."""

    def _company(self, name, tz="UTC"):
        return self.env["res.company"].create({"name": name, "lifecycle_tz": tz})

    def _cohort_client(self, name, company, first_order, steps):
        client = self._client(name, company_id=company.id)
        order = self._order(client)
        order.date_order = datetime.combine(first_order, datetime.min.time().replace(hour=12))
        return self._set_history(client, steps)

    def _two_clients(self, company):
        """Stays working since January; falls asleep on 5 February."""
        new, working, sleeping = self.status_new, self.status_working, self.status_sleeping
        stays = self._cohort_client(
            "Stays",
            company,
            date(2026, 1, 5),
            [(date(2026, 1, 5), new), (date(2026, 1, 6), working)],
        )
        sleeps = self._cohort_client(
            "Sleeps",
            company,
            date(2026, 1, 10),
            [(date(2026, 1, 10), new), (date(2026, 1, 20), working), (date(2026, 2, 5), sleeping)],
        )
        return stays, sleeps

    def _run_at(self, moment):
        with freeze_time(moment):
            self.env["partner.lifecycle.recalculation"]._cron_recalculate()
        self.env.invalidate_all()

    def _stored(self, company):
        """The written closed months of ``company``'s clients: (client, month, status, active)."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """SELECT partner_id, month, status_id, active
                     FROM partner_lifecycle_cohort_client_month
                    WHERE ruling_company_id = %s ORDER BY partner_id, month""",
                company.id,
            )
        )
        return [tuple(row) for row in rows]

    def _cells(self, company):
        """The counted cells of ``company``: (cohort, month, status, clients, active)."""
        rows = self.env.execute_query(
            SQL(
                """SELECT cohort_month, month, status_id, client_count, active_count
                     FROM partner_lifecycle_cohort_cell
                    WHERE company_id = %s ORDER BY cohort_month, month, status_id""",
                company.id,
            )
        )
        return [tuple(row) for row in rows]

    def _pivot(self, domain, at):
        """The pivot's call: by cohort month and months after, the count and the share."""
        with freeze_time(at):
            groups = self.env["partner.lifecycle.report.cohort"]._read_group(
                domain, ["cohort_month:month", "month_index"], ["__count", "active_rate:avg"]
            )
        return [(month, k, count, round(rate, 4)) for month, k, count, rate in groups]

    # ------------------------------------------------------------------ closing a month
    def test_the_first_run_of_the_month_writes_the_month_that_closed(self):
        """A new company's first run writes January; the run of 1 March at 00:30 writes
        February; a second run that night writes nothing twice; the pivot's figures are those
        of the history, read from the cells."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water North")
            stays, sleeps = self._two_clients(company)
        working, sleeping = self.status_working.id, self.status_sleeping.id
        self._run_at("2026-02-10 13:00:00")
        january = [(stays.id, JAN, working, 1), (sleeps.id, JAN, working, 1)]
        self.assertEqual(self._stored(company), january)
        self._run_at("2026-02-28 23:30:00")
        self.assertEqual(self._stored(company), january)
        self._run_at("2026-03-01 00:30:00")
        february = [
            (stays.id, JAN, working, 1),
            (stays.id, FEB, working, 1),
            (sleeps.id, JAN, working, 1),
            (sleeps.id, FEB, sleeping, 0),
        ]
        self.assertEqual(self._stored(company), february)
        self._run_at("2026-03-01 01:30:00")
        self.assertEqual(self._stored(company), february)
        self.assertEqual(
            self._cells(company),
            [(JAN, JAN, working, 2, 2), (JAN, FEB, working, 1, 1), (JAN, FEB, sleeping, 1, 0)],
        )
        closed = [("company_id", "=", company.id), ("month_index", "<=", 1)]
        self.assertEqual(
            self._pivot(closed, "2026-03-02 12:00:00"), [(JAN, 0, 2, 1.0), (JAN, 1, 2, 0.5)]
        )
        by_client = [("partner_id", "in", (stays | sleeps).ids), ("month_index", "<=", 1)]
        self.assertEqual(
            self._pivot(by_client, "2026-03-02 12:00:00"), [(JAN, 0, 2, 1.0), (JAN, 1, 2, 0.5)]
        )
        every_client = [("partner_id", "!=", False)]
        self.assertEqual(
            self._pivot([], "2026-03-02 12:00:00"), self._pivot(every_client, "2026-03-02 12:00:00")
        )

    def test_a_month_closes_at_each_company_midnight(self):
        """At 14:30 UTC on 28 February it is 00:30 on 1 March in Vladivostok: February is
        written there, not in the UTC company; at 00:30 UTC on 1 March it is written there
        too."""
        with freeze_time("2026-02-10 12:00:00"):
            east = self._company("Water Vladivostok", "Asia/Vladivostok")
            west = self._company("Water London")
            east_clients = self._two_clients(east)
            west_clients = self._two_clients(west)
        self._run_at("2026-02-10 13:00:00")
        self._run_at("2026-02-28 14:30:00")
        east_months = {month for _client, month, _status, _active in self._stored(east)}
        west_months = {month for _client, month, _status, _active in self._stored(west)}
        self.assertEqual((east_months, west_months), ({JAN, FEB}, {JAN}))
        self._run_at("2026-03-01 00:30:00")
        west_months = {month for _client, month, _status, _active in self._stored(west)}
        self.assertEqual(west_months, {JAN, FEB})
        for company, clients in ((east, east_clients), (west, west_clients)):
            self.assertEqual(
                self._pivot([("company_id", "=", company.id)], "2026-03-01 12:00:00")[:2],
                [(JAN, 0, 2, 1.0), (JAN, 1, 2, 0.5)],
                company.name,
            )
            self.assertEqual(
                {client for client, _month, _status, _active in self._stored(company)},
                set(clients[0].ids + clients[1].ids),
            )

    def test_a_month_not_yet_written_is_read_from_the_history(self):
        """Between the company's midnight and its next run, the month that closed is read from
        the history: the same figures."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water South")
            self._two_clients(company)
        self._run_at("2026-02-10 13:00:00")
        closed = [("company_id", "=", company.id), ("month_index", "<=", 1)]
        self.assertEqual(
            self._pivot(closed, "2026-03-01 00:10:00"), [(JAN, 0, 2, 1.0), (JAN, 1, 2, 0.5)]
        )
        self.assertEqual(
            {month for _client, month, _status, _active in self._stored(company)}, {JAN}
        )

    def test_a_new_status_mapping_reopens_the_closed_months(self):
        """Sleeping remapped to a new status on 2 March: the old sleeping status has no role
        any more, so February counts both clients active at once (read from the history),
        and the next scheduled run writes the closed months again with it."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water East")
            stays, sleeps = self._two_clients(company)
        self._run_at("2026-02-10 13:00:00")
        self._run_at("2026-03-01 00:30:00")
        closed = [("company_id", "=", company.id), ("month_index", "<=", 1)]
        self.assertEqual(
            self._pivot(closed, "2026-03-02 11:00:00"), [(JAN, 0, 2, 1.0), (JAN, 1, 2, 0.5)]
        )
        dormant = self.env["partner.lifecycle.status"].create({"name": "Dormant"})
        with freeze_time("2026-03-02 12:00:00"):
            company.lifecycle_status_sleeping_id = dormant
        self.assertEqual(
            self._pivot(closed, "2026-03-02 12:10:00"), [(JAN, 0, 2, 1.0), (JAN, 1, 2, 1.0)]
        )
        self._run_at("2026-03-02 13:00:00")
        working, sleeping = self.status_working.id, self.status_sleeping.id
        self.assertEqual(
            self._stored(company),
            [
                (stays.id, JAN, working, 1),
                (stays.id, FEB, working, 1),
                (sleeps.id, JAN, working, 1),
                (sleeps.id, FEB, sleeping, 1),
            ],
        )
        self.assertEqual(
            self._pivot(closed, "2026-03-02 14:00:00"), [(JAN, 0, 2, 1.0), (JAN, 1, 2, 1.0)]
        )

    # ------------------------------------------------------------------ a rewritten past
    def test_a_rewritten_history_writes_the_client_again(self):
        """After February closed, the sleeping client's history is rewritten (working all
        February): its February row and the cells follow; a new salesperson moves its cells."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water East")
            _stays, sleeps = self._two_clients(company)
        self._run_at("2026-02-10 13:00:00")
        self._run_at("2026-03-01 00:30:00")
        working = self.status_working
        self._set_history(
            sleeps, [(date(2026, 1, 10), self.status_new), (date(2026, 1, 20), working)]
        )
        self.assertEqual(
            self._stored(company)[2:],
            [(sleeps.id, JAN, working.id, 1), (sleeps.id, FEB, working.id, 1)],
        )
        self.assertEqual(
            self._cells(company), [(JAN, JAN, working.id, 2, 2), (JAN, FEB, working.id, 2, 2)]
        )
        sleeps.user_id = self.salesman
        with freeze_time("2026-03-02 12:00:00"):
            by_user = self.env["partner.lifecycle.report.cohort"]._read_group(
                [("company_id", "=", company.id), ("month", "<", MAR)], ["user_id"], ["__count"]
            )
        self.assertEqual(dict(by_user), {self.salesman: 2, self.env["res.users"]: 2})

    def test_an_explained_status_writes_the_closed_months_again(self):
        """A status that no row explains, given on 20 January by SQL, gets its history row
        dated that day: January, closed already, is written again with it."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water Explained")
            stays, _sleeps = self._two_clients(company)
        self._run_at("2026-02-10 13:00:00")
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """UPDATE res_partner SET lifecycle_status_id = %s,
                          lifecycle_status_date = %s WHERE id = %s""",
                self.status_permanent.id,
                date(2026, 1, 20),
                stays.id,
            )
        )
        with freeze_time("2026-02-10 14:00:00"):
            added = self.env["partner.lifecycle.reconstruction"]._explain_unexplained_statuses(
                stays.ids
            )
        self.assertEqual(added, 1)
        january = [row for row in self._stored(company) if row[0] == stays.id]
        self.assertEqual(january, [(stays.id, JAN, self.status_permanent.id, 1)])

    def test_the_reconstruction_writes_the_closed_months_again(self):
        """Deleting a client's history leaves its closed months without a status (active);
        the reconstruction from its orders writes them again with the rebuilt statuses."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water West")
            stays, _sleeps = self._two_clients(company)
        self._run_at("2026-02-10 13:00:00")
        self._run_at("2026-03-01 00:30:00")
        stays.lifecycle_history_ids.unlink()
        self.assertEqual(
            self._stored(company)[:2], [(stays.id, JAN, None, 1), (stays.id, FEB, None, 1)]
        )
        with freeze_time("2026-03-02 12:00:00"):
            self.env["partner.lifecycle.reconstruction"]._reconstruct_history(company)
        history = stays.lifecycle_history_ids.sorted(lambda row: (row.date, row.id))
        self.assertTrue(history)
        expected = []
        for month, end in ((JAN, datetime(2026, 2, 1)), (FEB, datetime(2026, 3, 1))):
            before = history.filtered(lambda row, end=end: row.date < end)
            expected.append((stays.id, month, before[-1:].new_status_id.id or None))
        self.assertEqual([row[:3] for row in self._stored(company)[:2]], expected)

    def test_a_merge_moves_the_cohort(self):
        """A January duplicate merged into a February client: the survivor joins the January
        cohort for January and February, the duplicate's months are gone."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water Merge")
            new, working = self.status_new, self.status_working
            survivor = self._cohort_client(
                "Survivor",
                company,
                date(2026, 2, 3),
                [(date(2026, 2, 3), new), (date(2026, 2, 4), working)],
            )
            duplicate = self._cohort_client(
                "Duplicate",
                company,
                date(2026, 1, 5),
                [(date(2026, 1, 5), new), (date(2026, 1, 6), working)],
            )
        self._run_at("2026-02-10 13:00:00")
        self._run_at("2026-03-01 00:30:00")
        self.assertEqual(
            [row[:2] for row in self._stored(company)],
            [(survivor.id, FEB), (duplicate.id, JAN), (duplicate.id, FEB)],
        )
        with freeze_time("2026-03-02 12:00:00"):
            self.env["base.partner.merge.automatic.wizard"].create({})._merge(
                (survivor | duplicate).ids, survivor
            )
        self.assertEqual(survivor.lifecycle_first_order_date, date(2026, 1, 5))
        self.assertEqual(
            self._stored(company), [(survivor.id, JAN, None, 1), (survivor.id, FEB, working.id, 1)]
        )
        self.assertEqual(
            [
                (cohort, month, clients)
                for cohort, month, _status, clients, _active in self._cells(company)
            ],
            [(JAN, JAN, 1), (JAN, FEB, 1)],
        )

    # ------------------------------------------------------------------ install and upgrade
    def test_the_migration_fills_the_first_orders_and_the_months(self):
        """A database of the previous release (no first order days, no closed months): the
        migration fills both from the orders and the history, twice the same."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water Upgrade")
            stays, sleeps = self._two_clients(company)
        self._run_at("2026-02-10 13:00:00")
        self.env.flush_all()
        self.env.cr.execute(SQL("UPDATE res_partner SET lifecycle_first_order_date = NULL"))
        for table in (
            "partner_lifecycle_cohort_client_month",
            "partner_lifecycle_cohort_cell",
            "partner_lifecycle_cohort_closed",
        ):
            self.env.cr.execute(SQL("DELETE FROM %s", SQL.identifier(table)))
        self.env.invalidate_all()
        migration = load_migration("18.0.1.4.0", "post-cohort")
        working = self.status_working.id
        for _run in range(2):
            with freeze_time("2026-03-02 12:00:00"):
                migration.migrate(self.env.cr, "18.0.1.3.0")
            self.assertEqual(
                (stays.lifecycle_first_order_date, sleeps.lifecycle_first_order_date),
                (date(2026, 1, 5), date(2026, 1, 10)),
            )
            self.assertEqual(
                self._stored(company),
                [
                    (stays.id, JAN, working, 1),
                    (stays.id, FEB, working, 1),
                    (sleeps.id, JAN, working, 1),
                    (sleeps.id, FEB, self.status_sleeping.id, 0),
                ],
            )

    def test_the_install_writes_the_closed_months(self):
        """The install writes every company's closed months up to the month before today."""
        with freeze_time("2026-02-10 12:00:00"):
            company = self._company("Water Install")
            stays, sleeps = self._two_clients(company)
        with freeze_time("2026-03-02 12:00:00"):
            post_init_hook(self.env)
        self.assertEqual(
            {(client, month) for client, month, _status, _active in self._stored(company)},
            {(stays.id, JAN), (stays.id, FEB), (sleeps.id, JAN), (sleeps.id, FEB)},
        )
        closed = self.env.execute_query(
            SQL(
                "SELECT month FROM partner_lifecycle_cohort_closed WHERE company_id = %s",
                company.id,
            )
        )
        self.assertEqual(closed, [(FEB,)])
