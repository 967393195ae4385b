from datetime import date, datetime, timedelta

from odoo.tests import freeze_time, tagged

from .common import LifecycleCommon

TODAY = date(2026, 6, 1)


def ago(days):
    return TODAY - timedelta(days=days)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestReconstruction(LifecycleCommon):
    """The history rebuilt from the orders with pauses, the at-risk rule, a window, and the
    company's own time zone."""

    def _rebuild(self, client):
        self.env["partner.lifecycle.reconstruction"]._reconstruct_history(
            self.company, client.ids, today=TODAY
        )
        rows = client.lifecycle_history_ids.filtered(lambda row: row.origin == "reconstructed")
        return [
            (row.new_status_id, row.date, row.reason_code, row.reason_params)
            for row in rows.sorted(lambda row: (row.date, row.id))
        ]

    def test_paused_weekly_client_at_risk_dated_in_the_company_zone(self):
        """Weekly client, 10 paused days in its silence, at risk at 2x: rows at local noon."""
        at_risk = self.env.ref("partner_lifecycle.status_at_risk")
        self.company.write(
            {
                "lifecycle_tz": "Asia/Vladivostok",
                "lifecycle_first_order_trigger": "order",
                "lifecycle_status_at_risk_id": at_risk.id,
                "lifecycle_at_risk_factor": 2.0,
            }
        )
        client = self._aged_client("Weekly", [100, 93, 86, 79], today=TODAY)
        self.env["partner.lifecycle.pause"].create(
            {"partner_id": client.id, "date_from": ago(70), "date_to": ago(61)}
        )

        def noon(day):  # 12:00 in Vladivostok (UTC+10) is 02:00 UTC
            return datetime.combine(day, datetime.min.time()) + timedelta(hours=2)

        self.assertEqual(
            self._rebuild(client),
            [
                (self.status_working, noon(ago(100)), "working_order", {"date": "2026-02-21"}),
                (self.status_permanent, noon(ago(86)), "permanent", {"count": 3, "limit": 3}),
                (at_risk, noon(ago(55)), "at_risk", {"days": 14, "usual": 7.0, "ratio": 2.0}),
            ],
        )

    def test_window_and_trimming_shape_the_at_risk_days(self):
        """Intervals 2, 9, 10, 11 trimmed to 9 and 10: at risk after 19 idle days; with a
        40-day window the oldest orders leave it, at risk after 22 days (11 x 2), and
        permanent again once a single order day is left in the window (no rhythm)."""
        at_risk = self.env.ref("partner_lifecycle.status_at_risk")
        self.company.write(
            {
                "lifecycle_status_at_risk_id": at_risk.id,
                "lifecycle_at_risk_factor": 2.0,
                "lifecycle_at_risk_min_days": 0,
                "lifecycle_first_order_trigger": "order",
                "lifecycle_frequency_trim_extremes": True,
            }
        )
        client = self._aged_client("Office", [132, 130, 121, 111, 100], today=TODAY)

        def days(rows):
            return [(row[0], (TODAY - row[1].date()).days, row[2], row[3]) for row in rows]

        start = [
            (self.status_working, 132, "working_order", {"date": "2026-01-20"}),
            (at_risk, 126, "at_risk", {"days": 4, "usual": 2.0, "ratio": 2.0}),
            (self.status_permanent, 121, "reactivated", {"days": 9}),
        ]
        self.assertEqual(
            days(self._rebuild(client)),
            [*start, (at_risk, 81, "at_risk", {"days": 19, "usual": 9.5, "ratio": 2.0})],
        )
        self.company.lifecycle_frequency_window_days = 40
        self.assertEqual(
            days(self._rebuild(client)),
            [
                *start,
                (at_risk, 78, "at_risk", {"days": 22, "usual": 11.0, "ratio": 2.0}),
                (self.status_permanent, 70, "permanent", {"count": 5, "limit": 3}),
            ],
        )
