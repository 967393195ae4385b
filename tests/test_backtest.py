from datetime import date, timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import LifecycleCommon

TODAY = date(2026, 12, 6)
#: The cutoff day: 100 days before today, the horizon of 90 days ends before today.
T = TODAY - timedelta(days=100)


def day(offset):
    """The day ``offset`` days after the cutoff day (negative: before)."""
    return T + timedelta(days=offset)


@tagged("post_install", "-at_install")
@freeze_time("2026-12-06 12:00:00")
class TestBacktest(LifecycleCommon):
    """Forecasts on a past day measured against what hand-made clients then did."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.lifecycle_first_order_trigger = "order"
        cls.clients = {
            # intervals 28, 30, 32: expected T (due T+1), range T+1..T+4, orders at T+3
            "regular": cls._ordering("Regular", -120, -92, -62, -30, 3),
            # 200 idle days: sleeping, never orders again
            "sleeper": cls._ordering("Sleeper", -400, -200),
            # 190 idle days: sleeping, orders at T+10
            "returning": cls._ordering("Returning", -190, 10),
            # every 30 days, expected T+10, never orders again: lost, not flagged
            "quiet": cls._ordering("Quiet", -50, -20),
            # every 10 days until T-80: at risk with factor 2, never orders again
            "fading": cls._ordering("Fading", -100, -90, -80),
            # every 20 days, expected T (due T+1), orders at T+10: 9 days off
            "late": cls._ordering("Late", -40, -20, 10),
            # first order after T: not counted
            "newcomer": cls._ordering("Newcomer", 5),
        }
        terminated = cls._ordering("Terminated", -30, -10)
        terminated.with_user(cls.sales_manager).action_lifecycle_terminate(day(-5), "Moved")
        cls.company_b = cls.env["res.company"].create({"name": "Water B"})
        cls.manager_b = cls.sales_manager.copy(
            {
                "login": "lc_manager_b",
                "company_id": cls.company_b.id,
                "company_ids": [(6, 0, cls.company_b.ids)],
            }
        )

    @classmethod
    def _ordering(cls, name, *offsets):
        client = cls._client(name)
        for offset in offsets:
            cls._order(client, day=day(offset))
        return client

    def _run(self, user=None, **values):
        env = self.env(user=user or self.sales_manager)
        backtest = env["partner.lifecycle.backtest"].create({"date": T, **values})
        backtest.action_run()
        return backtest

    def _figures(self, record):
        return {
            "clients": record.client_count,
            "lost": record.lost_count,
            "sleeping": record.sleeping_count,
            "sleeping_precision": record.sleeping_precision,
            "at_risk": record.at_risk_count,
            "at_risk_precision": record.at_risk_precision,
            "recall": round(record.lost_recall, 3),
            "measured": record.next_order_count,
            "mae": record.next_order_mae_days,
            "hit_rate": record.next_order_hit_rate,
            "coverage": record.next_order_range_coverage,
        }

    def test_current_settings_figures(self):
        """Six clients counted (not the newcomer nor the terminated one), three lost, two
        sleeping of which one lost; next order of Regular (2 days off) and Late (9 days off)."""
        backtest = self._run()
        self.assertEqual(
            self._figures(backtest),
            {
                "clients": 6,
                "lost": 3,
                "sleeping": 2,
                "sleeping_precision": 0.5,
                "at_risk": 0,
                "at_risk_precision": 0.0,
                "recall": 0.333,
                "measured": 2,
                "mae": 5.5,
                "hit_rate": 0.5,
                "coverage": 1.0,
            },
        )
        self.assertEqual(backtest.state, "done")

    def test_statuses_set_by_hand_are_ignored(self):
        """The sleeper held by hand as permanent, and the quiet client set former by hand,
        still count as the rules decide them on the cutoff day."""
        sleeper, quiet = self.clients["sleeper"], self.clients["quiet"]
        sleeper.with_user(self.sales_manager)._lifecycle_change_by_person(
            self.status_permanent, "Agreed by phone"
        )
        quiet.with_user(self.sales_manager)._lifecycle_change_by_person(self.status_former)
        self.assertEqual(
            (sleeper.lifecycle_held, quiet.lifecycle_status_id), (True, self.status_former)
        )
        figures = self._figures(self._run())
        self.assertEqual(
            (figures["clients"], figures["sleeping"], figures["sleeping_precision"]), (6, 2, 0.5)
        )

    def test_at_risk_mapped_with_factor_two(self):
        """With the at-risk status at factor 2, Fading (80 idle days, 10-day rhythm) is at risk
        and lost: precision 1, two of three lost clients caught."""
        self.company.write(
            {
                "lifecycle_status_at_risk_id": self.env.ref("partner_lifecycle.status_at_risk").id,
                "lifecycle_at_risk_factor": 2.0,
            }
        )
        figures = self._figures(self._run())
        self.assertEqual(
            (figures["at_risk"], figures["at_risk_precision"], figures["recall"]), (1, 1.0, 0.667)
        )

    def test_horizon_and_tolerance(self):
        """With a horizon of 5 days Returning and Late are lost too; a tolerance of 9 days
        makes Late's 9 days a hit."""
        self.assertEqual(self._run(horizon_days=5).lost_count, 5)
        self.assertEqual(self._run(tolerance_days=9).next_order_hit_rate, 1.0)

    def test_advisor_lines(self):
        """The current settings first, then D 90..365 but 180 and the frequency variants that
        change the next order; 365 days to sleeping flags nobody."""
        backtest = self._run()
        lines = backtest.line_ids.with_context(lang="en_US")
        self.assertEqual(lines[0].name, "Current settings")
        self.assertEqual(lines[0].is_current, True)
        self.assertEqual(
            lines[1:6].mapped("name"),
            [f"{days} days to sleeping" for days in (90, 120, 150, 240, 365)],
        )
        self.assertEqual((lines[5].sleeping_count, lines[5].lost_recall), (0, 0.0))
        self.assertEqual(lines[0].client_count, 6)
        self.assertEqual(
            backtest.with_context(lang="en_US").advice,
            "The current settings catch lost clients best.",
        )

    def test_advice_names_the_better_variant(self):
        """With D = 365 as current, 180 days catches one of three lost clients instead of none."""
        self.company.lifecycle_sleeping_days = 365
        backtest = self._run().with_context(lang="en_US")
        self.assertEqual(
            backtest.advice.split("\n")[0],
            "With 90 days to sleeping: 1 of 3 lost clients caught instead of 0, "
            "at 50 % precision instead of 0 %.",
        )

    def test_apply_a_variant(self):
        """A sales manager applies 120 days to sleeping: the company has it and every client
        is recalculated in the background."""
        backtest = self._run()
        line = backtest.line_ids.filtered(lambda line: line.sleeping_days == 120)
        action = line.with_user(self.sales_manager).action_apply()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(self.company.lifecycle_sleeping_days, 120)
        job = self.env["partner.lifecycle.job"].search(
            [("kind", "=", "recalculate"), ("user_id", "=", self.sales_manager.id)]
        )
        self.assertEqual((len(job), job.company_id, job.all_clients), (1, self.company, True))

    def test_rights(self):
        """A plain user and a salesperson cannot read nor run a backtest; another company's
        sales manager does not see it."""
        backtest = self._run()
        for user in (self.plain_user, self.salesman):
            with self.assertRaises(AccessError):
                backtest.with_user(user).read(["lost_count"])
            with self.assertRaises(AccessError):
                self.env(user=user)["partner.lifecycle.backtest"].create({"date": T})
        other = self.env(user=self.manager_b)["partner.lifecycle.backtest"]
        self.assertEqual(other.search([]).ids, [])
        self.assertEqual(other.env["partner.lifecycle.backtest.line"].search_count([]), 0)
        with self.assertRaises(AccessError):
            backtest.line_ids[1].with_user(self.manager_b).action_apply()

    def test_other_company_clients_not_counted(self):
        """Company B's backtest counts only its own client."""
        client = self._client("B client", company_id=self.company_b.id)
        self._order(client, day=day(-10))
        backtest = self.env(user=self.manager_b)["partner.lifecycle.backtest"].create(
            {"date": T, "company_id": self.company_b.id}
        )
        backtest.action_run()
        self.assertEqual((backtest.client_count, backtest.lost_count), (1, 1))

    def test_cutoff_plus_horizon_in_the_future_refused(self):
        """A cutoff day 30 days ago with a 90-day horizon is refused with a clear message."""
        with self.assertRaisesRegex(ValidationError, "must be today at the latest"):
            self.env["partner.lifecycle.backtest"].create(
                {"date": TODAY - timedelta(days=30), "horizon_days": 90}
            )
        with self.assertRaisesRegex(ValidationError, "horizon must be between 1 and 3650"):
            self.env["partner.lifecycle.backtest"].create({"date": T, "horizon_days": 0})

    def test_form_default_day(self):
        """The form proposes the day 90 days before today and a tolerance of 3 days."""
        form = Form(self.env(user=self.sales_manager)["partner.lifecycle.backtest"])
        self.assertEqual(
            (form.date, form.horizon_days, form.tolerance_days), (TODAY - timedelta(days=90), 90, 3)
        )
        self.assertEqual(form.save().state, "draft")

    def test_large_company_in_the_background(self):
        """Above the threshold the backtest is a job; run batch by batch, the same figures."""
        jobs = self.env["partner.lifecycle.job"]
        self.patch(type(jobs), "_background_threshold", 3)
        self.patch(type(self.env["partner.lifecycle.backtest"]), "_batch_size", 2)
        backtest = self._run()
        self.assertEqual(backtest.state, "running")
        job = backtest.job_id.sudo()  # the job cron runs as the superuser
        self.assertEqual((job.kind, job.state), ("backtest", "queued"))
        job._run()
        self.assertEqual((job.state, job.done_count), ("done", job.total_count))
        self.assertEqual(backtest.state, "done")
        self.assertEqual((backtest.client_count, backtest.lost_count), (6, 3))
        self.assertEqual(backtest.next_order_mae_days, 5.5)
