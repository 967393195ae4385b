from datetime import date, timedelta

from odoo.tests import freeze_time, tagged

from .common import LifecycleCommon

TODAY = date(2026, 12, 6)


def ago(days):
    return TODAY - timedelta(days=days)


@tagged("post_install", "-at_install")
@freeze_time("2026-12-06 12:00:00")
class TestCard(LifecycleCommon):
    """What a person reads on the card is what the rules decided."""

    def _history(self, client):
        return self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", client.id)], order="id"
        )

    def _read(self, client):
        client.invalidate_recordset()
        client = client.with_context(lang="en_US")
        return client.lifecycle_reason, client.lifecycle_explanation

    def test_returning_sleeper_reads_ordered_again_and_keeps_its_rhythm(self):
        """A client silent for 400 days after a 30-day rhythm orders again: its reason, its
        history row and its next expected order (30 days on, not 17 months) read true."""
        client = self._aged_client("Back", [490, 460, 430], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        self._order(client, day=TODAY)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        reason, line = self._read(client)
        self.assertEqual(reason, "Ordered again after 430 days")
        last = self._history(client)[-1]
        self.assertEqual((last.new_status_id, last.reason), (self.status_permanent, reason))
        self.assertEqual(client.lifecycle_avg_interval_days, 30.0)
        self.assertEqual(client.lifecycle_next_order_date, TODAY + timedelta(days=30))
        self.assertIn("next expected 5 Jan 2027", line)

    def test_rebuilt_history_of_a_returning_sleeper_reads_ordered_again(self):
        """The history rebuilt from the orders gives the return its true reason and day."""
        client = self._aged_client("Back", [490, 460, 430, 10], today=TODAY)
        self.env["partner.lifecycle.reconstruction"]._reconstruct_history(
            self.company, ids=client.ids, today=TODAY
        )
        rows = self._history(client).filtered(lambda row: row.origin == "reconstructed")
        moves = [(row.new_status_id, row.reason) for row in rows]
        self.assertEqual(
            moves[-2:],
            [
                (self.status_sleeping, "No order for 180 days (limit 180)"),
                (self.status_permanent, "Ordered again after 420 days"),
            ],
        )
        self.assertEqual(rows[-1].date.date(), ago(10))
        self.assertEqual(client.lifecycle_status_date, ago(10))

    def test_held_client_reads_held_not_overdue_reason(self):
        """Permanent by hand for a late client: the card says held until the next order."""
        client = self._aged_client("Late", [60, 50, 40, 32], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        client.with_user(self.salesman)._lifecycle_change_by_person(
            self.status_working, "agreed", hold_until=TODAY + timedelta(days=10)
        )
        reason, _line = self._read(client)
        self.assertEqual(reason, "Held by hand until 12/16/2026")
        row = self._history(client)[-1]
        self.assertEqual(
            (row.new_status_id, row.origin, row.note), (self.status_working, "manual", "agreed")
        )
        self.assertEqual(row.reason, "Held by hand until 12/16/2026 — agreed")
        self.assertEqual(client.lifecycle_status_date, TODAY)

    def test_former_client_is_not_expected_nor_overdue(self):
        """Former by hand: no expected next order, no 'x overdue', out of planning."""
        client = self._aged_client("Gone", [60, 50, 40], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        client.with_user(self.sales_manager)._lifecycle_change_by_person(
            self.status_former, "moved"
        )
        _reason, line = self._read(client)
        self.assertEqual(client.lifecycle_next_order_date, False)
        self.assertEqual(client.lifecycle_plannable, False)
        self.assertNotIn("overdue", line)
        self.assertNotIn("next expected", line)
        self.assertIn("former client", line)

    def test_overdue_counts_paused_days_as_the_rules_do(self):
        """A 20-day pause inside a silence: the card's idle days and ratio leave it out."""
        client = self._aged_client("Away", [40, 30], today=TODAY)
        self.env["partner.lifecycle.pause"].create(
            {"partner_id": client.id, "date_from": ago(25), "date_to": ago(6)}
        )
        self.recalculation._recalculate_partners(client, today=TODAY)
        _reason, line = self._read(client)
        self.assertIn("10 days without an order (20 paused days left out)", line)
        self.assertNotIn("overdue", line)

    def test_every_hand_set_status_has_a_history_row(self):
        """A company's own status set by hand writes a row; the reconstruction adds one for a
        status found without any, dated on its status date."""
        own = self.env["partner.lifecycle.status"].create({"name": "Key account"})
        client = self._aged_client("Key", [30, 20], today=TODAY)
        client.with_user(self.salesman)._lifecycle_change_by_person(own, "VIP")
        row = self._history(client)[-1]
        self.assertEqual((row.new_status_id, row.origin, row.note), (own, "manual", "VIP"))
        orphan = self._client("Orphan")
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM partner_lifecycle_history WHERE partner_id = %s", [orphan.id]
        )
        self.env.cr.execute(
            "UPDATE res_partner SET lifecycle_status_id = %s, lifecycle_status_date = %s"
            " WHERE id = %s",
            [own.id, ago(100), orphan.id],
        )
        self.env.invalidate_all()
        self.env["partner.lifecycle.reconstruction"]._reconstruct_history(
            self.company, ids=[orphan.id], today=TODAY
        )
        rows = self._history(orphan)
        self.assertEqual(len(rows), 1)
        self.assertEqual((rows.new_status_id, rows.reason_code), (own, "set_by_hand"))
        self.assertEqual(rows.date.date(), ago(100))

    def test_russian_card_reads_native(self):
        """In Russian: a decimal comma, dates in the reader's format, no double dot."""
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"]._load_module_terms(
            ["partner_lifecycle"], ["ru_RU"], overwrite=True
        )
        client = self._aged_client("Late", [60, 50, 40, 32], today=TODAY)
        self.recalculation._recalculate_partners(client, today=TODAY)
        client.invalidate_recordset()
        line = client.with_context(lang="ru_RU").lifecycle_explanation
        self.assertIn("в 3,4 раза", line)  # 32 idle days over (10 + 10 + 8) / 3
        self.assertNotIn("..", line)
        self.assertEqual(line.endswith("."), True)
        client.with_user(self.salesman)._lifecycle_change_by_person(
            self.status_working, hold_until=TODAY + timedelta(days=10)
        )
        client.invalidate_recordset()
        reason = client.with_context(lang="ru_RU").lifecycle_reason
        self.assertEqual(reason, "Закреплён вручную до 16.12.2026")
