from datetime import date, datetime, timedelta
from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import SQL

from ..models.lifecycle_context import NO_STATUS_KEY, internal
from .common import LifecycleCommon

TODAY = date(2026, 6, 1)
#: UTC+14 all year: its day starts ten hours before UTC's, the day before.
KIRITIMATI = "Pacific/Kiritimati"


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestClientDefinition(LifecycleCommon):
    """Who is a client: the recalculation, the wizard, pauses, plan lines and the client
    filters all answer alike, and follow an add-on that changes the answer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        quiet = cls.env["res.partner"].with_context(**internal(NO_STATUS_KEY))
        cls.office = cls._client("Office Ltd", is_company=True)
        cls.contact = cls._client("Anna Contact", parent_id=cls.office.id)
        cls.archived = cls._client("Closed Shop")
        cls.archived.active = False
        cls.vendor = quiet.create({"name": "Bottle Supplier"})
        cls.customer = quiet.create({"name": "Customer Without Status", "customer_rank": 1})
        cls.buyer = quiet.create({"name": "Buyer Without Status"})
        cls._order(cls.buyer, day=TODAY - timedelta(days=3))
        cls.mixed = cls.office | cls.contact | cls.archived | cls.vendor | cls.customer | cls.buyer
        cls.plan = cls.env["partner.lifecycle.planning"].create(
            {"date_from": TODAY + timedelta(days=1), "date_to": TODAY + timedelta(days=1)}
        )

    def _filtered(self):
        """The partners of the mixed set the client filter of the contacts list keeps."""
        partners = self.env["res.partner"].with_context(active_test=False)
        return partners.search([("id", "in", self.mixed.ids), ("lifecycle_is_client", "=", True)])

    def _recalculated(self):
        """The partners of the mixed set a full recalculation of the company takes."""
        ids = self.recalculation._client_ids(self.company)
        return self.mixed.filtered(lambda partner: partner.id in ids)

    def _wizard_count(self, partners):
        """Clients checked by the recalculation wizard run on ``partners`` (ids sent one by
        one, not as their commercial entities)."""
        wizard = Form(
            self.env["partner.lifecycle.recalculate"].with_context(
                active_model="res.partner", active_ids=partners.ids
            )
        ).save()
        wizard.action_recalculate()
        return wizard.client_count

    def _accepted(self, model, values):
        """The partners of the mixed set ``model`` accepts as its ``partner_id``."""
        accepted = self.env["res.partner"]
        for partner in self.mixed:
            try:
                with self.env.cr.savepoint():
                    self.env[model].create({**values, "partner_id": partner.id})
                    self.env.flush_all()
            except ValidationError:
                continue
            accepted |= partner
        return accepted

    def _pause_accepts(self):
        return self._accepted(
            "partner.lifecycle.pause",
            {"date_from": TODAY + timedelta(days=10), "date_to": TODAY + timedelta(days=20)},
        )

    def _plan_accepts(self):
        return self._accepted("partner.lifecycle.planning.line", {"planning_id": self.plan.id})

    def test_every_path_agrees_on_who_is_a_client(self):
        """An office, a customer and a partner with a confirmed order are clients; a contact
        person, an archived partner and a vendor are not, for every path."""
        clients = self.office | self.customer | self.buyer
        self.assertEqual(self._filtered(), clients)
        self.assertEqual(self._recalculated(), clients)
        self.assertEqual(self._pause_accepts(), clients)
        self.assertEqual(self._plan_accepts(), clients)
        self.assertEqual(self._wizard_count(self.mixed - self.contact), 3)
        self.assertEqual(
            [partner.lifecycle_is_client for partner in self.mixed],
            [True, False, False, False, True, True],
        )

    def test_refusals_say_why(self):
        """A pause on a contact person names its client; one on a vendor says it is no client."""
        pauses = self.env["partner.lifecycle.pause"].with_context(lang="en_US")
        days = {"date_from": TODAY, "date_to": TODAY + timedelta(days=5)}
        with self.assertRaisesRegex(ValidationError, "Anna Contact is a contact of Office Ltd"):
            pauses.create({**days, "partner_id": self.contact.id})
        with self.assertRaisesRegex(ValidationError, "Bottle Supplier is not a client"):
            pauses.create({**days, "partner_id": self.vendor.id})

    def test_archived_client_left_alone_by_every_run(self):
        """An archived client keeps its status and figures: neither the nightly run (its
        review date has come) nor a new order recalculates it; restored, it is due again."""
        idle = self._aged_client("Idle Archived", [200])
        self.assertEqual(idle.lifecycle_status_id, self.status_working)
        self.assertEqual(idle.lifecycle_review_date, TODAY - timedelta(days=20))
        idle.active = False
        self.recalculation._cron_recalculate()
        self.assertEqual(idle.lifecycle_status_id, self.status_working)
        self._order(idle, day=TODAY)
        self.assertEqual(idle.lifecycle_order_count, 1)
        idle.active = True
        self.recalculation._cron_recalculate()
        self.assertEqual(idle.lifecycle_order_count, 2)
        self.assertEqual(idle.lifecycle_last_order_date, TODAY)

    def test_an_add_on_narrowing_clients_is_followed_everywhere(self):
        """An add-on that leaves out partners with the reference "NOT-A-CLIENT": the filter,
        the full run, the hooks, the wizard, pauses, plan lines and the plan's fill all
        leave the office out."""
        self.office.ref = "NOT-A-CLIENT"
        due = self._aged_client("Due Office", [28, 14])
        due.ref = "NOT-A-CLIENT"
        self.assertEqual(due.lifecycle_next_order_date, TODAY)
        partners = self.registry["res.partner"]
        original = partners._lifecycle_client_clause

        def narrowed(model, alias="p"):
            return SQL(
                "%s AND %s.ref IS DISTINCT FROM %s",
                original(model, alias),
                SQL.identifier(alias),
                "NOT-A-CLIENT",
                to_flush=model._fields["ref"],
            )

        clients = self.customer | self.buyer
        with patch.object(partners, "_lifecycle_client_clause", narrowed):
            self.assertEqual(self._filtered(), clients)
            self.assertEqual(self._recalculated(), clients)
            self.assertEqual(self._pause_accepts(), clients)
            self.assertEqual(self._plan_accepts(), clients)
            self.assertEqual(self._wizard_count(self.mixed - self.contact), 2)
            self._order(self.office, day=TODAY)
            self.assertEqual(self.office.lifecycle_order_count, 0)
            self.plan.action_fill()
            self.assertNotIn(due, self.plan.line_ids.partner_id)
        self.plan.action_fill()
        self.assertIn(due, self.plan.line_ids.partner_id)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestRulingCompany(LifecycleCommon):
    """The company whose settings rule a client: its own, else the main company, the same
    in Python, in SQL, and for every run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main = cls.env.ref("base.main_company")
        cls.company_b = cls.env["res.company"].create({"name": "Water B", "lifecycle_tz": "UTC"})
        statuses = cls.env["partner.lifecycle.status"]
        cls.b_working = statuses.create({"name": "B Working", "company_id": cls.company_b.id})
        cls.b_sleeping = statuses.create({"name": "B Sleeping", "company_id": cls.company_b.id})
        cls.company_b.write(
            {
                "lifecycle_status_on_first_order_id": cls.b_working.id,
                "lifecycle_status_sleeping_id": cls.b_sleeping.id,
            }
        )
        cls.shared = cls._aged_client("Shared", [60])
        cls.own_main = cls._aged_client("Own Main", [60], company=cls.main)
        cls.own_b = cls._aged_client("Own B", [60], company=cls.company_b)

    def test_python_and_sql_name_the_same_company(self):
        """A shared client is ruled by the main company, the others by their own."""
        expected = {
            self.shared.id: self.main.id,
            self.own_main.id: self.main.id,
            self.own_b.id: self.company_b.id,
        }
        clients = self.shared | self.own_main | self.own_b
        self.assertEqual({c.id: c._lifecycle_company().id for c in clients}, expected)
        rows = self.env.execute_query(
            SQL(
                "SELECT p.id, %s FROM res_partner p WHERE p.id = ANY(%s)",
                self.env["res.company"]._lifecycle_ruling_company_sql("p"),
                clients.ids,
            )
        )
        self.assertEqual(dict(rows), expected)
        for company in (self.main, self.company_b):
            ruled = set(self.recalculation._client_ids(company)) & set(clients.ids)
            self.assertEqual(
                ruled, {cid for cid, ruling in expected.items() if ruling == company.id}
            )

    def test_preview_decides_each_client_with_its_company(self):
        """A preview (sleeping after 30 days) over clients of two companies moves each to
        the sleeping status of its own company."""
        self.assertEqual(self.own_b.lifecycle_status_id, self.b_working)
        form = Form(
            self.env["partner.lifecycle.recalculate"].with_context(
                active_model="res.partner", active_ids=(self.shared | self.own_b).ids
            )
        )
        form.preview_only = True
        form.preview_sleeping_days = 30
        wizard = form.save()
        wizard.action_recalculate()
        self.assertEqual(wizard.client_count, 2)
        self.assertEqual(
            {(line.partner_id, line.new_status_id) for line in wizard.line_ids},
            {(self.shared, self.status_sleeping), (self.own_b, self.b_sleeping)},
        )

    def test_history_rebuilt_with_each_client_company(self):
        """Rebuilding the history of clients of two companies gives each the statuses of its
        own company."""
        wizard = Form(
            self.env["partner.lifecycle.recalculate"].with_context(
                active_model="res.partner", active_ids=(self.shared | self.own_b).ids
            )
        )
        wizard.reconstruct = True
        wizard.save().action_recalculate()
        for client, working in ((self.shared, self.status_working), (self.own_b, self.b_working)):
            rows = client.lifecycle_history_ids.filtered(lambda h: h.origin == "reconstructed")
            self.assertIn(working, rows.new_status_id, client.name)


@tagged("post_install", "-at_install")
class TestCompanyDay(LifecycleCommon):
    """The company's day near midnight in a far time zone: reports, history and wizards count
    from the day of the company, not of the server or of UTC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.far = cls.env["res.company"].create(
            {
                "name": "Water Kiritimati",
                "lifecycle_tz": KIRITIMATI,
                "lifecycle_first_order_trigger": "order",
            }
        )
        cls.Cohort = cls.env["partner.lifecycle.report.cohort"]
        cls.Funnel = cls.env["partner.lifecycle.report.funnel"]

    @classmethod
    def _client_ordering(cls, name, company, moments):
        """A client of ``company`` with confirmed orders at the UTC ``moments``."""
        client = cls._client(name, company_id=company.id)
        for moment in moments:
            order = cls._order(client)
            order.date_order = moment
        return client

    def _cohort_months(self, client):
        rows = self.Cohort.search([("partner_id", "=", client.id)], order="month_index")
        return [row.month for row in rows]

    @freeze_time("2026-06-20 12:00:00")
    def test_cohort_current_month_follows_the_company_time_zone(self):
        """On 30 June at 12:30 UTC it is already 1 July in Kiritimati: the Kiritimati
        client's cohort reaches July, the UTC client's stops at June; two hours earlier
        (23:30 on 30 June there) both stop at June."""
        may = datetime(2026, 5, 10, 0, 0)  # 10 May in both time zones
        far = self._client_ordering("Far Client", self.far, [may])
        near = self._client_ordering("Near Client", self.company, [may])
        with freeze_time("2026-06-30 12:30:00"):
            self.assertEqual(self.far._lifecycle_today(), date(2026, 7, 1))
            self.assertEqual(
                self._cohort_months(far), [date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)]
            )
            self.assertEqual(self._cohort_months(near), [date(2026, 5, 1), date(2026, 6, 1)])
        with freeze_time("2026-06-30 09:30:00"):
            self.assertEqual(self._cohort_months(far), [date(2026, 5, 1), date(2026, 6, 1)])

    @freeze_time("2026-06-10 12:00:00")
    def test_cohort_month_of_a_late_order_is_the_company_month(self):
        """An order at 11:00 UTC on 30 April is on 1 May in Kiritimati: the May cohort."""
        far = self._client_ordering("Late Order", self.far, [datetime(2026, 4, 30, 11, 0)])
        row = self.Cohort.search([("partner_id", "=", far.id), ("month_index", "=", 0)])
        self.assertEqual(row.cohort_month, date(2026, 5, 1))

    @freeze_time("2026-06-10 12:00:00")
    def test_rebuilt_history_falls_on_the_company_day(self):
        """A rebuilt history dates each change on its day in the company's time zone: the
        funnel shows the Kiritimati client working on the day of its first order there."""
        first = datetime(2026, 3, 10, 0, 0)  # 14:00 on 10 March in Kiritimati
        client = self._client_ordering("Far History", self.far, [first])
        self.env["partner.lifecycle.reconstruction"]._reconstruct_history(self.far, client.ids)
        row = self.Funnel.search([("partner_id", "=", client.id)])
        self.assertEqual(row.date_working, date(2026, 3, 10))
        self.assertEqual(
            client.lifecycle_history_ids.filtered(lambda h: h.origin == "reconstructed").mapped(
                "date"
            ),
            [datetime(2026, 3, 9, 22, 0)],  # noon in Kiritimati
        )

    @freeze_time("2026-06-30 12:30:00")
    def test_termination_proposes_the_company_day(self):
        """The termination wizard proposes today in the company's time zone (1 July there)."""
        self.company.lifecycle_tz = KIRITIMATI
        client = self._client("Leaving")
        form = Form(
            self.env["partner.lifecycle.terminate"].with_context(
                active_model="res.partner", active_ids=client.ids
            )
        )
        self.assertEqual(form.date, date(2026, 7, 1))
