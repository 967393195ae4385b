import random
from datetime import date, datetime, time, timedelta

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import LifecycleCommon

TODAY = date(2026, 5, 4)


@tagged("post_install", "-at_install")
class TestFingerprint(LifecycleCommon):
    """A full run decides again exactly the clients whose facts changed since their decision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.lifecycle_first_order_trigger = "order"
        with freeze_time(TODAY):
            cls.clients = [cls._client(f"Fp {index}") for index in range(4)]
            cls.orders = [
                cls._order(client, day=TODAY - timedelta(days=days))
                for client in cls.clients
                for days in (40, 25, 10)
            ]
        cls.first = cls.clients[0]

    def _full(self, today=TODAY):
        return self.recalculation._recalculate_company(self.company, today=today)

    def _sql(self, query, *args):
        """A change made behind the add-on's back (no hook decides the client)."""
        self.env.flush_all()
        self.env.cr.execute(SQL(query, *args))
        self.env.invalidate_all()

    def _decided_again(self, today=TODAY):
        """How many clients of the company the full run read and decided again."""
        stats = self._full(today)
        return stats["clients"] - stats["unchanged"]

    def test_nothing_changed_nobody_decided(self):
        """A full run after a full run decides nobody and counts every client."""
        self._full()
        stats = self._full()
        self.assertEqual(stats["unchanged"], stats["clients"])
        self.assertEqual((stats["changed"], stats["written"]), (0, 0))

    def test_empty_fingerprint_is_decided(self):
        """A client without a stored fingerprint (an upgraded database) is decided again and
        its wrong figures are corrected."""
        self._full()
        self._sql(
            "DELETE FROM partner_lifecycle_fingerprint WHERE partner_id = %s;"
            " UPDATE res_partner SET lifecycle_order_count = 9 WHERE id = %s",
            self.first.id,
            self.first.id,
        )
        self.assertEqual(self._decided_again(), 1)
        self.assertEqual(self.first.lifecycle_order_count, 3)

    def test_each_fact_alone_is_decided_again(self):
        """An order confirmed, cancelled, re-dated, moved to another client, a delivery, a
        pause, a termination, a status by hand, each behind the hooks' back, makes the
        full run decide the clients concerned again and store what they rest on."""
        draft = self._order(self.first, confirm=False)
        order, other = self.orders[0], self.clients[1]
        changes = [
            ("confirmed", 1, "UPDATE sale_order SET state = 'sale' WHERE id = %s", draft.id),
            ("cancelled", 1, "UPDATE sale_order SET state = 'cancel' WHERE id = %s", draft.id),
            (
                "re-dated",
                1,
                "UPDATE sale_order SET date_order = date_order - interval '3 days' WHERE id = %s",
                order.id,
            ),
            ("moved", 2, "UPDATE sale_order SET partner_id = %s WHERE id = %s", other.id, order.id),
            (
                "delivered",
                1,
                "UPDATE res_partner SET lifecycle_first_delivery_date = %s WHERE id = %s",
                TODAY,
                self.first.id,
            ),
            (
                "terminated",
                1,
                "UPDATE res_partner SET lifecycle_termination_date = %s WHERE id = %s",
                TODAY,
                self.first.id,
            ),
            (
                "status by hand",
                1,
                "UPDATE res_partner SET lifecycle_status_id = %s WHERE id = %s",
                self.status_sleeping.id,
                self.first.id,
            ),
        ]
        self._full()
        for label, count, query, *args in changes:
            self._sql(query, *args)
            self.assertEqual(self._decided_again(), count, label)
            self.assertEqual(self._decided_again(), 0, f"{label}, then nothing")
        self.env["partner.lifecycle.pause"].create(
            {"partner_id": other.id, "date_from": TODAY, "date_to": TODAY + timedelta(days=9)}
        )
        self._full()
        self.assertEqual(self._decided_again(), 0, "a pause stored")
        self._sql(
            "UPDATE partner_lifecycle_pause SET date_to = date_to + 1 WHERE partner_id = %s",
            other.id,
        )
        self.assertEqual(self._decided_again(), 1, "a pause changed")

    def test_moved_order_changes_the_figures(self):
        """An order moved to another day behind the hooks' back: the full run stores the new
        last order day."""
        self._full()
        last = self.orders[2]
        self._sql(
            "UPDATE sale_order SET date_order = %s WHERE id = %s",
            datetime.combine(TODAY - timedelta(days=2), time(12)),
            last.id,
        )
        self._full()
        self.assertEqual(self.first.lifecycle_last_order_date, TODAY - timedelta(days=2))
        self.assertEqual(self.first.lifecycle_order_count, 3)

    def test_settings_change_decides_everyone(self):
        """Any change of the company's lifecycle settings makes the full run decide every
        client again, with the new settings."""
        self._full()
        clients = self._full()["clients"]
        self.company.lifecycle_permanent_order_count = 4
        self.assertEqual(self._decided_again(), clients)
        self.assertEqual(self.first.lifecycle_status_id, self.status_working)

    def test_review_day_decides_the_client(self):
        """When a client's review date comes, the full run decides it again (sleeping)."""
        self._full()
        review = self.first.lifecycle_review_date
        self.assertEqual(self._decided_again(review - timedelta(days=1)), 0)
        self._full(review)
        self.assertEqual(self.first.lifecycle_status_id, self.status_sleeping)

    def test_earlier_day_decides_again(self):
        """A full run on a day before the stored decisions' day decides them again."""
        self._full()
        clients = self._full()["clients"]
        self.assertEqual(self._decided_again(TODAY - timedelta(days=1)), clients)

    def test_random_changes_as_without_fingerprints(self):
        """After random changes behind the hooks' back, a full run with fingerprints stores
        exactly what a full run deciding every client stores."""
        rng = random.Random(5)
        clients = self.env["res.partner"].browse(c.id for c in self.clients)
        self._full()
        for _step in range(12):
            for _change in range(rng.randint(1, 3)):
                order = rng.choice(self.orders)
                kind = rng.choice(["state", "day", "client", "delivery"])
                if kind == "state":
                    self._sql(
                        "UPDATE sale_order SET state = %s WHERE id = %s",
                        rng.choice(["sale", "cancel"]),
                        order.id,
                    )
                elif kind == "day":
                    self._sql(
                        "UPDATE sale_order SET date_order = %s WHERE id = %s",
                        datetime.combine(TODAY - timedelta(days=rng.randint(0, 300)), time(9)),
                        order.id,
                    )
                elif kind == "client":
                    self._sql(
                        "UPDATE sale_order SET partner_id = %s WHERE id = %s",
                        rng.choice(clients).id,
                        order.id,
                    )
                else:
                    self._sql(
                        "UPDATE res_partner SET lifecycle_first_delivery_date = %s WHERE id = %s",
                        TODAY - timedelta(days=rng.randint(0, 60)),
                        rng.choice(clients).id,
                    )
            today = TODAY + timedelta(days=rng.randint(0, 200))
            with self.env.cr.savepoint() as savepoint:
                self._sql("DELETE FROM partner_lifecycle_fingerprint")
                self._full(today)
                expected = self._stored(clients)
                savepoint.rollback()
            self.env.invalidate_all()
            self._full(today)
            self.assertEqual(self._stored(clients), expected)

    def _as_every_client(self, today=TODAY):
        """A full run with fingerprints stores what a run deciding every client stores."""
        clients = self.env["res.partner"].browse(self.recalculation._client_ids(self.company))
        with self.env.cr.savepoint() as savepoint:
            self.recalculation._recalculate_company(self.company, today=today, every_client=True)
            self.env.flush_all()
            expected = self._stored(clients)
            savepoint.rollback()
        self.env.invalidate_all()
        self._full(today)
        return self._stored(clients), expected

    def test_every_kind_of_change_as_deciding_everyone(self):
        """Each kind of change (orders confirmed, cancelled, re-dated, merged clients, pauses,
        termination, hold, a status by hand, settings, a status remapped, the review day,
        the day itself, the company's time zone), made through the add-on or behind its
        back, leaves after a full run what a run deciding every client leaves."""
        first, second, third = self.clients[:3]
        draft = self._order(first, confirm=False)
        own = self.env["partner.lifecycle.status"].create({"name": "Fp Dormant"})
        moved = (self.orders[7].id, self.orders[8].id)
        pauses = self.env["partner.lifecycle.pause"]
        merge = self.env["base.partner.merge.automatic.wizard"]

        def sql(query, *args):
            return lambda: self._sql(query, *args)

        changes = [
            ("confirmed", draft.action_confirm),
            ("cancelled", sql("UPDATE sale_order SET state = 'cancel' WHERE id = %s", draft.id)),
            (
                "re-dated",
                sql(
                    "UPDATE sale_order SET date_order = date_order - interval '6 days'"
                    " WHERE id = %s",
                    self.orders[4].id,
                ),
            ),
            (
                "two orders moved, same count and sum of days",
                sql(
                    "UPDATE sale_order SET date_order = date_order + CASE id WHEN %s"
                    " THEN interval '1 day' ELSE interval '-1 day' END WHERE id IN %s",
                    moved[0],
                    moved,
                ),
            ),
            ("merged", lambda: merge.create({})._merge((second + third).ids, second)),
            (
                "pause added",
                lambda: pauses.create(
                    {
                        "partner_id": first.id,
                        "date_from": TODAY - timedelta(days=5),
                        "date_to": TODAY + timedelta(days=30),
                    }
                ),
            ),
            (
                "pause changed",
                sql(
                    "UPDATE partner_lifecycle_pause SET date_to = date_to - 20"
                    " WHERE partner_id = %s",
                    first.id,
                ),
            ),
            (
                "terminated",
                sql(
                    "UPDATE res_partner SET lifecycle_termination_date = %s WHERE id = %s",
                    TODAY,
                    self.clients[3].id,
                ),
            ),
            (
                "held",
                sql(
                    "UPDATE res_partner SET lifecycle_hold_until = %s,"
                    " lifecycle_hold_order_count = 3 WHERE id = %s",
                    TODAY + timedelta(days=9),
                    first.id,
                ),
            ),
            (
                "status by hand",
                sql(
                    "UPDATE res_partner SET lifecycle_status_id = %s WHERE id = %s",
                    self.status_sleeping.id,
                    second.id,
                ),
            ),
            ("settings", lambda: self.company.write({"lifecycle_sleeping_days": 20})),
            (
                "status remapped",
                lambda: self.company.write({"lifecycle_status_sleeping_id": own.id}),
            ),
            ("time zone", lambda: self.company.write({"lifecycle_tz": "Pacific/Kiritimati"})),
        ]
        self._full()
        for label, change in changes:
            change()
            self.env.flush_all()
            self.env.invalidate_all()
            stored, expected = self._as_every_client()
            self.assertEqual(stored, expected, label)
        left = self.env["res.partner"].browse(c.id for c in self.clients).exists()
        review = min(c.lifecycle_review_date for c in left if c.lifecycle_review_date)
        for label, today in (("next day", TODAY + timedelta(days=1)), ("review day", review)):
            stored, expected = self._as_every_client(today)
            self.assertEqual(stored, expected, label)

    def test_every_client_ignores_fingerprints(self):
        """A full run told to decide every client decides them all, fingerprints unchanged."""
        self._full()
        stats = self.recalculation._recalculate_company(
            self.company, today=TODAY, every_client=True
        )
        self.assertEqual(stats["unchanged"], 0)
        self.assertEqual(self._decided_again(), 0)

    def test_hook_leaves_the_client_to_the_next_full_run(self):
        """An order confirmed through the add-on is decided at once; the next full run decides
        that client again (its facts changed since its fingerprint) and then nobody."""
        self._full()
        self._order(self.first, day=TODAY - timedelta(days=1))
        self.assertEqual(self.first.lifecycle_order_count, 4)
        self.assertEqual(self._decided_again(), 1)
        self.assertEqual(self._decided_again(), 0)
