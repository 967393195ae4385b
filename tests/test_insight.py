from datetime import date, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time, tagged

from ..hooks import post_init_hook
from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


def ago(days):
    return TODAY - timedelta(days=days)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestInsight(LifecycleCommon):
    """Real status dates and history, at risk, pauses, previews, consumption, one-line summary."""

    def _weekly(self, name, idle, period=7, count=6):
        """A delivered client ordering every ``period`` days, the last order ``idle`` days ago."""
        return self._aged_client(name, [idle + period * i for i in range(count)])

    def _nightly(self, day=TODAY):
        with freeze_time(f"{day.isoformat()} 12:00:00"):
            return self.recalculation._cron_recalculate()

    # ------------------------------------------------------------------ real dates
    def test_install_reconstructs_the_history(self):
        """Install replays each client's past: one reconstructed row per transition, real dates."""
        client = self._aged_client("Old", [400, 370, 340])
        client.sale_order_ids.picking_ids.date_done = f"{ago(398).isoformat()} 12:00:00"
        client.lifecycle_history_ids.unlink()
        post_init_hook(self.env)
        rows = client.lifecycle_history_ids.sorted("date")
        self.assertEqual(
            [(row.new_status_id, row.date.date(), row.origin) for row in rows],
            [
                (self.status_new, ago(400), "reconstructed"),
                (self.status_working, ago(398), "reconstructed"),
                (self.status_permanent, ago(340), "reconstructed"),
                (self.status_sleeping, ago(160), "reconstructed"),
            ],
        )
        self.assertEqual(rows[-1].reason, "No order for 180 days (limit 180)")
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(client.lifecycle_status_date, ago(160))

    def test_reconstruction_keeps_peoples_rows(self):
        """Rebuilding the history replaces automatic rows and keeps changes made by hand."""
        client = self._aged_client("Client", [60, 50, 40])
        self.env["partner.lifecycle.status.change"].with_user(self.salesman).create(
            {"partner_ids": [(6, 0, client.ids)], "status_id": self.status_sleeping.id}
        ).action_apply()
        manual = client.lifecycle_history_ids.filtered(lambda row: row.origin == "manual")
        wizard = (
            self.env["partner.lifecycle.recalculate"]
            .with_user(self.sales_manager)
            .with_context(active_model="res.partner", active_ids=client.ids)
            .create({"reconstruct": True})
        )
        wizard.action_recalculate()
        origins = set(client.lifecycle_history_ids.mapped("origin"))
        self.assertEqual(origins, {"manual", "reconstructed"})
        self.assertEqual(manual.exists(), manual)

    def test_hooks_and_runs_date_the_status_by_the_orders(self):
        """The N-th order dates Permanent; the nightly run dates Sleeping at last order + D."""
        client = self._aged_client("Client", [300, 250])
        self._order(client, day=ago(200))
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(client.lifecycle_status_date, ago(200) + timedelta(days=180))
        self._order(client)
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        self.assertEqual(client.lifecycle_status_date, TODAY)

    def test_nightly_run_dates_sleeping_as_the_full_replay(self):
        """A permanent client idle 200 days: the nightly run (which resumes the replay from
        the stored status) dates Sleeping on the day a full replay gives, last order + D."""
        client = self._aged_client("Regular", [400, 370, 340, 200])
        self.assertEqual(client.lifecycle_status_id, self.status_permanent)
        self.assertEqual(client.lifecycle_status_date, ago(340))
        self._nightly()
        self.assertEqual(client.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(client.lifecycle_status_date, ago(200) + timedelta(days=180))
        client.lifecycle_status_date = ago(5)  # a stored date the replay would not give
        self.env["partner.lifecycle.reconstruction"]._reconstruct_history(
            self.company, client.ids, today=TODAY
        )
        self.assertEqual(client.lifecycle_status_date, ago(20))

    # ------------------------------------------------------------------ at risk
    def _enable_at_risk(self):
        status = self.env.ref("partner_lifecycle.status_at_risk")
        self.company.lifecycle_status_at_risk_id = status
        return status

    def test_at_risk_by_own_rhythm(self):
        """Weekly idle 25 days: at risk; monthly: not; an order brings the weekly one back."""
        at_risk = self._enable_at_risk()
        weekly = self._weekly("Weekly office", 25)
        monthly = self._weekly("Monthly family", 25, period=30)
        self._nightly()
        self.assertEqual(weekly.lifecycle_status_id, at_risk)
        self.assertEqual(weekly.lifecycle_status_date, ago(25) + timedelta(days=14))
        self.assertEqual(
            weekly.lifecycle_reason, "No order for 25 days, 3.6x the usual interval of 7 days"
        )
        self.assertEqual(monthly.lifecycle_status_id, self.status_permanent)
        self._order(weekly)
        self.assertEqual(weekly.lifecycle_status_id, self.status_permanent)

    def test_at_risk_off_by_default(self):
        """Without an at-risk status in the settings, the reference behaviour stays."""
        self.assertEqual(self.company.lifecycle_status_at_risk_id.id, False)
        weekly = self._weekly("Weekly office", 25)
        self._nightly()
        self.assertEqual(weekly.lifecycle_status_id, self.status_permanent)

    # ------------------------------------------------------------------ pauses
    def test_paused_client_is_neither_sleeping_nor_planned(self):
        """A family away for the summer is not sleeping and leaves delivery planning meanwhile."""
        family = self._weekly("Family", 170)
        self.env["partner.lifecycle.pause"].create(
            {"partner_id": family.id, "date_from": ago(100), "date_to": TODAY + timedelta(days=30)}
        )
        self.assertEqual(family.lifecycle_plannable, False)
        self._nightly(TODAY + timedelta(days=20))
        self.assertEqual(family.lifecycle_status_id, self.status_permanent)
        self._nightly(TODAY + timedelta(days=31))
        self.assertEqual(family.lifecycle_plannable, True)
        self.assertEqual(family.lifecycle_status_id, self.status_permanent)
        with freeze_time("2026-06-10 12:00:00"):
            family.invalidate_recordset(["lifecycle_explanation"])
            explained = family.with_context(lang="en_US").lifecycle_explanation
        self.assertIn("paused until 1 Jul", explained)

    def test_pause_dates_are_checked(self):
        """A pause ending before it starts is refused with a clear message."""
        client = self._client()
        with self.assertRaises(ValidationError):
            self.env["partner.lifecycle.pause"].create(
                {"partner_id": client.id, "date_from": TODAY, "date_to": ago(3)}
            )

    # ------------------------------------------------------------------ preview
    def test_preview_tries_numbers_and_writes_nothing(self):
        """Previewing N = 4 lists the clients that would leave Permanent; nothing is written."""
        three = self._aged_client("Three orders", [30, 20, 10])
        five = self._aged_client("Five orders", [50, 40, 30, 20, 10])
        before = self._stored(three | five)
        wizard = Form(
            self.env["partner.lifecycle.recalculate"]
            .with_user(self.sales_manager)
            .with_context(active_model="res.partner", active_ids=(three | five).ids)
        )
        wizard.preview_only = True
        wizard.preview_permanent_order_count = 4
        record = wizard.save()
        record.action_recalculate()
        self.assertEqual(record.state, "preview")
        self.assertEqual(record.changed_count, 1)
        self.assertEqual(record.line_ids.partner_id, three)
        self.assertEqual(record.line_ids.new_status_id, self.status_working)
        self.assertEqual(record.result, "Permanent → Working: 1")
        self.assertEqual(self._stored(three | five), before)

    def test_preview_refuses_bad_numbers(self):
        """A previewed N of 0 is refused with the setting's name."""
        wizard = (
            self.env["partner.lifecycle.recalculate"]
            .with_user(self.sales_manager)
            .create({"scope": "company", "preview_only": True, "preview_permanent_order_count": 0})
        )
        with self.assertRaises(ValidationError) as caught:
            wizard.action_recalculate()
        self.assertIn("Permanent After N Orders", str(caught.exception))

    # ------------------------------------------------------------------ consumption
    def test_next_order_by_consumption(self):
        """By setting, the next order comes from what the client uses of its main product."""
        self.company.lifecycle_next_order_method = "consumption"
        client = self._client("Office")
        for days, qty in ((20, 4), (10, 4), (0, 8)):
            self._order(client, day=ago(days), qty=qty)
        self.assertEqual(client.lifecycle_next_order_method, "consumption")
        self.assertEqual(client.lifecycle_next_order_date, TODAY + timedelta(days=20))
        self.company.lifecycle_next_order_method = "frequency"
        self.recalculation._recalculate_partners(client)
        self.assertEqual(client.lifecycle_next_order_date, TODAY + timedelta(days=10))

    # ------------------------------------------------------------------ one line
    def test_card_explains_the_client_in_one_line(self):
        """The card sums the rhythm up: idle days, usual interval, how late, next expected."""
        client = self._aged_client("Client", [43, 57, 71, 85], today=TODAY)
        self.recalculation._recalculate_partners(client)
        self.assertEqual(
            client.with_context(lang="en_US").lifecycle_explanation,
            "43 days since the last order; usual interval 14 days; 3.1x overdue; "
            "next expected 3 May.",
        )
