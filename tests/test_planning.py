from datetime import datetime, time, timedelta

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import format_date, mute_logger

from ..bench import generate, planning
from ..engine import planning as engine
from .common import LifecycleCommon


class PlanningCommon(LifecycleCommon):
    """Clients due around tomorrow, two zones, and methods that make and fill plans."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "lifecycle_planning_postpone_days": 1,
                "lifecycle_planning_overdue_days": 30,
                "lifecycle_planning_fill_quantity": True,
                "lifecycle_planning_use_schedule": False,
                "lifecycle_planning_autosave": False,
                "lifecycle_planning_route_to_orders": True,
            }
        )
        cls.today = cls.company._lifecycle_today()
        cls.tomorrow = cls.today + timedelta(days=1)
        zones = cls.env["partner.lifecycle.zone"]
        cls.north = zones.create({"name": "North", "sequence": 1})
        cls.south = zones.create({"name": "South", "sequence": 2})

    @classmethod
    def _due_client(cls, name, expected_in=1, interval=14, **values):
        """A working client with two orders ``interval`` days apart whose expected next
        order is ``expected_in`` days after today."""
        last = interval - expected_in
        client = cls._aged_client(name, [last + interval, last], today=cls.today)
        if values:
            client.write(values)
        return client

    def _plan(self, user=None, **values):
        env = self.env(user=user) if user else self.env
        return env["partner.lifecycle.planning"].create(
            {"date_from": self.tomorrow, "date_to": self.tomorrow, **values}
        )

    def _filled(self, user=None, **values):
        plan = self._plan(user=user, **values)
        plan.action_fill()
        return plan

    def _line(self, plan, client):
        return plan.line_ids.filtered(lambda line: line.partner_id == client)


@tagged("post_install", "-at_install")
class TestPlanning(PlanningCommon):
    """Delivery planning: who a plan proposes, status changes, postponement, quotations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = cls._due_client("Due Tomorrow", expected_in=1, lifecycle_zone_id=cls.south.id)
        cls.overdue = cls._due_client("Overdue", expected_in=-3, lifecycle_zone_id=cls.north.id)
        cls.later = cls._due_client("Later", expected_in=5)

    # ------------------------------------------------------------------ fill rules
    def test_fill_proposes_due_clients(self):
        """Tomorrow's plan has the clients expected tomorrow or before, not those expected later."""
        plan = self._filled()
        self.assertEqual(plan.line_ids.partner_id, self.due | self.overdue)
        self.assertEqual(self._line(plan, self.due).expected_date, self.tomorrow)
        self.assertEqual(self._line(plan, self.overdue).expected_date, self.today - timedelta(3))
        self.assertEqual(self._line(plan, self.overdue).days_overdue, 4)
        self.assertEqual(self._line(plan, self.due).call_result, "not_called")

    def test_longer_plan_takes_later_clients(self):
        """A plan over a week also has the client expected in five days, on its day."""
        plan = self._filled(date_to=self.today + timedelta(days=7))
        self.assertEqual(plan.line_ids.partner_id, self.due | self.overdue | self.later)
        self.assertEqual(self._line(plan, self.later).expected_date, self.today + timedelta(5))

    def test_former_and_sleeping_left_out(self):
        """Former (terminated) and sleeping clients are not proposed, even when expected."""
        self.company.lifecycle_planning_overdue_days = 0
        former = self._due_client("Terminated")
        former.action_lifecycle_terminate()
        sleeping = self._aged_client("Asleep", [230, 200], today=self.today)
        self.recalculation._recalculate_partners(sleeping, today=self.today)
        self.assertEqual(sleeping.lifecycle_status_id, self.status_sleeping)
        self.assertEqual(sleeping.lifecycle_next_order_date, self.today - timedelta(days=170))
        self.assertEqual(former.lifecycle_status_id, self.status_former)
        plan = self._filled()
        self.assertEqual(plan.line_ids.partner_id, self.due | self.overdue)

    def test_sleeping_planned_when_chosen(self):
        """A plan whose statuses include sleeping proposes a sleeping client that is due."""
        self.company.lifecycle_planning_overdue_days = 0
        sleeping = self._aged_client("Asleep", [230, 200], today=self.today)
        self.recalculation._recalculate_partners(sleeping, today=self.today)
        plan = self._filled(status_ids=[Command.set(self.status_sleeping.ids)])
        self.assertEqual(plan.line_ids.partner_id, sleeping)

    def test_default_statuses_are_automatic_ones_but_sleeping_and_former(self):
        """A new plan proposes new, working and permanent clients by default."""
        plan = self._plan()
        self.assertEqual(
            plan.status_ids, self.status_new | self.status_working | self.status_permanent
        )

    def test_chosen_statuses_only(self):
        """A plan for permanent clients only leaves out the working ones."""
        permanent = self._aged_client("Loyal", [43, 29, 15, 1], today=self.today)
        self.assertEqual(permanent.lifecycle_status_id, self.status_permanent)
        plan = self._filled(
            date_to=self.today + timedelta(days=14),
            status_ids=[Command.set(self.status_permanent.ids)],
        )
        self.assertEqual(plan.line_ids.partner_id, permanent)

    def test_clients_with_an_order_in_the_period_left_out(self):
        """A quotation or order to deliver in the period keeps the client out; one dated
        before the period, without a delivery day in it, does not."""
        quoted = self._due_client("Quoted")
        quotation = self._order(quoted, confirm=False)
        quotation.commitment_date = datetime.combine(self.tomorrow, time(9))
        confirmed = self._due_client("Confirmed")
        order = self._order(confirmed, confirm=False)
        order.commitment_date = datetime.combine(self.tomorrow, time(15))
        order.action_confirm()
        early = self._due_client("Quoted Today")
        self._order(early, confirm=False)
        plan = self._filled()
        self.assertEqual(plan.line_ids.partner_id, self.due | self.overdue | early)

    def test_overdue_limit(self):
        """A client 30 days overdue is proposed, one 31 days overdue is not; 0 = no limit."""
        limit = self._due_client("Thirty", expected_in=-29, interval=40)
        beyond = self._due_client("Thirty-one", expected_in=-30, interval=40)
        plan = self._filled()
        self.assertEqual(self._line(plan, limit).days_overdue, 30)
        self.assertEqual(beyond in plan.line_ids.partner_id, False)
        self.company.lifecycle_planning_overdue_days = 0
        self.assertEqual(beyond in self._filled().line_ids.partner_id, True)

    def test_fill_without_a_former_status(self):
        """A company whose roles map no former status still fills its plans."""
        self.company.lifecycle_status_former_id = False
        self.assertEqual(self._filled().line_ids.partner_id, self.due | self.overdue)

    def test_not_plannable_client_left_out(self):
        """A client out of delivery planning (idle longer than X days) is not proposed."""
        self.company.lifecycle_planning_inactive_days = 15
        self.recalculation._recalculate_partners(self.overdue | self.due, today=self.today)
        self.assertEqual(self.overdue.lifecycle_plannable, False)
        self.assertEqual(self._filled().line_ids.partner_id, self.due)

    def test_only_clients_not_contact_persons(self):
        """An office ordering through its contact person is planned once, as the office."""
        office = self._client("Blue Office LLC", is_company=True)
        person = self._client("Anna Ivanova", parent_id=office.id)
        for days in (27, 13):
            order = self._order(person, day=self.today - timedelta(days=days))
        self._deliver(order)
        self.recalculation._recalculate_partners(office, today=self.today)
        plan = self._filled()
        self.assertEqual(office in plan.line_ids.partner_id, True)
        self.assertEqual(person in plan.line_ids.partner_id, False)
        with self.assertRaises(ValidationError):
            plan.line_ids.create({"planning_id": plan.id, "partner_id": person.id})

    def test_zone_filter_and_order(self):
        """Lines come by zone order, then expected date; a plan for a zone has its clients only."""
        late_north = self._due_client("North Late", expected_in=0, lifecycle_zone_id=self.north.id)
        nowhere = self._due_client("No Zone", expected_in=-5)
        plan = self._filled()
        self.assertEqual(
            plan.line_ids.mapped("partner_id.name"),
            ["Overdue", "North Late", "Due Tomorrow", "No Zone"],
        )
        plan.action_done()  # its clients may be planned again for the day
        self.assertEqual(
            self._filled(zone_id=self.north.id).line_ids.partner_id, self.overdue | late_north
        )
        self.assertEqual(self._line(plan, nowhere).zone_id.id, False)
        self.assertEqual(self._line(plan, late_north).zone_id, self.north)

    def test_fill_again_adds_new_clients_only(self):
        """Filling again keeps the lines, their call results and notes, and adds new due clients."""
        plan = self._filled()
        line = self._line(plan, self.due)
        line.write({"call_result": "call_back", "note": "after 6 pm"})
        newcomer = self._due_client("Newcomer")
        plan.action_fill()
        self.assertEqual(plan.line_ids.partner_id, self.due | self.overdue | newcomer)
        self.assertEqual((line.call_result, line.note), ("call_back", "after 6 pm"))
        self.assertEqual(self._line(plan, newcomer).sequence > line.sequence, True)

    def test_schedule_instead_of_frequency(self):
        """With the setting, a client with a contact schedule is planned on its weekdays,
        not by its frequency; without it, by its frequency."""
        weekday = engine.WEEKDAY_NAMES[self.tomorrow.weekday()]
        scheduled = self._due_client(
            "Scheduled",
            expected_in=20,
            interval=25,
            lifecycle_schedule_kind="weekdays",
            **{f"lifecycle_schedule_{weekday}": True},
        )
        every_week = self._due_client(
            "Every Week",
            expected_in=0,
            lifecycle_schedule_kind="interval",
            lifecycle_schedule_interval_days=7,
            lifecycle_schedule_start_date=self.tomorrow + timedelta(days=3),
        )
        by_frequency = self._filled()
        self.assertEqual(scheduled in by_frequency.line_ids.partner_id, False)
        self.assertEqual(every_week in by_frequency.line_ids.partner_id, True)
        by_frequency.action_done()  # its clients may be planned again for the day
        self.company.lifecycle_planning_use_schedule = True
        plan = self._filled()
        self.assertEqual(self._line(plan, scheduled).expected_date, self.tomorrow)
        self.assertEqual(every_week in plan.line_ids.partner_id, False)
        self.assertEqual(self.due in plan.line_ids.partner_id, True)

    def test_schedule_needs_its_days(self):
        """A weekday schedule without a weekday, or an interval one without days, is refused."""
        client = self._client("Unsure")
        with self.assertRaisesRegex(ValidationError, "weekday"):
            client.lifecycle_schedule_kind = "weekdays"
        with self.assertRaisesRegex(ValidationError, "interval"):
            client.write(
                {"lifecycle_schedule_kind": "interval", "lifecycle_schedule_interval_days": 0}
            )

    # ------------------------------------------------------------------ a line
    def test_status_changed_on_a_line(self):
        """A dispatcher's status change on a line changes the client, recorded as planning."""
        plan = self._filled(user=self.salesman)
        line = self._line(plan, self.due)
        self.assertEqual(line.status_id, self.status_working)
        self.assertEqual(line.status_role, "working")
        line.write({"status_id": self.status_permanent.id, "note": "big family now"})
        self.assertEqual(self.due.lifecycle_status_id, self.status_permanent)
        history = self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", self.due.id)], limit=1
        )
        self.assertEqual(
            (history.origin, history.user_id, history.new_status_id, history.note),
            ("planning", self.salesman, self.status_permanent, "big family now"),
        )
        self.assertEqual(self.due.lifecycle_held, True)
        self.assertEqual(line.status_role, "permanent")

    def test_status_change_in_the_plan_form(self):
        """In the plan's form a dispatcher sets a call result and a status on a line."""
        plan = self._filled(user=self.salesman)
        with Form(plan) as form:
            index = plan.line_ids.ids.index(self._line(plan, self.overdue).id)
            with form.line_ids.edit(index) as line:
                line.status_id = self.status_permanent
                line.call_result = "refused"
        self.assertEqual(self.overdue.lifecycle_status_id, self.status_permanent)
        self.assertEqual(self._line(plan, self.overdue).call_result, "refused")
        history = self.env["partner.lifecycle.history"].search(
            [("partner_id", "=", self.overdue.id)], limit=1
        )
        self.assertEqual((history.origin, history.note), ("planning", plan.name))

    def test_postpone(self):
        """Postpone moves the client a day past the plan's day, keeps the call and note,
        and the next fill proposes it on that day, not before."""
        plan = self._filled()
        line = self._line(plan, self.overdue)
        line.write({"call_result": "call_back", "note": "on holiday"})
        line.action_postpone()
        after = self.tomorrow + timedelta(days=1)
        self.assertEqual((line.expected_date, line.postponed), (after, True))
        self.assertEqual((line.call_result, line.note), ("call_back", "on holiday"))
        self.assertEqual(self.overdue in self._filled().line_ids.partner_id, False)
        next_plan = self._filled(date_from=after, date_to=after)
        moved = self._line(next_plan, self.overdue)
        self.assertEqual((moved.expected_date, moved.postponed), (after, True))

    def test_postpone_days_setting(self):
        """The company's postponement days move the date; 0 brings an overdue client to the
        plan's day."""
        self.company.lifecycle_planning_postpone_days = 3
        plan = self._filled()
        self._line(plan, self.due).action_postpone()
        self.assertEqual(self._line(plan, self.due).expected_date, self.tomorrow + timedelta(3))
        self.company.lifecycle_planning_postpone_days = 0
        self._line(plan, self.overdue).action_postpone()
        self.assertEqual(self._line(plan, self.overdue).expected_date, self.tomorrow)

    # ------------------------------------------------------------------ quotations
    def test_quotations_for_lines_marked_ordered(self):
        """Only lines marked ordered become quotations: draft, the client's usual product and
        quantity, its delivery address, the plan's day, the zone, linked back to the line;
        the message says what was made and what was skipped."""
        plan = self._filled()
        line = self._line(plan, self.overdue)
        line.call_result = "ordered"
        action = plan.action_create_orders()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"],
            {
                "type": "success",
                "message": f"{plan.name}: Quotations made: 1; lines linked to an existing "
                "quotation of the day: 0; lines skipped: 1. Skipped: not marked ordered: 1.",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
            },
        )
        order = line.order_id
        self.assertEqual(self._line(plan, self.due).order_id.id, False)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.overdue)
        self.assertEqual(order.partner_shipping_id, self.overdue)
        self.assertEqual(order.commitment_date, datetime.combine(self.tomorrow, time(12)))
        self.assertEqual(order.lifecycle_zone_id, self.north)
        self.assertEqual(order.origin, plan.name)
        self.assertEqual(
            [(ol.product_id, ol.product_uom_qty) for ol in order.order_line], [(self.product, 1.0)]
        )
        self.assertEqual(plan.order_count, 1)
        with self.assertRaises(UserError):
            plan.action_create_orders()

    def test_quotations_for_every_line_when_none_marked(self):
        """With no line marked ordered, every line but the refused and the postponed past
        the plan becomes a quotation; the message says why the others were skipped."""
        refused = self._due_client("Refuses")
        moved = self._due_client("Moves")
        plan = self._filled()
        self._line(plan, refused).call_result = "refused"
        self._line(plan, moved).action_postpone()
        action = plan.action_create_orders()
        ordered = plan.line_ids.filtered("order_id").partner_id
        self.assertEqual(ordered, self.due | self.overdue)
        self.assertEqual(
            action["params"]["message"],
            f"{plan.name}: Quotations made: 2; lines linked to an existing quotation of the "
            "day: 0; lines skipped: 2. Skipped: postponed past the plan: 1, refused: 1.",
        )

    def test_usual_product_and_quantity(self):
        """The usual product is the one of most recent orders; the quantity the median of its
        quantities (the lower middle one for an even count)."""
        cups = self.env["product.product"].create({"name": "Cups", "type": "consu"})
        odd = self._client("Odd")
        even = self._client("Even")
        for days, qty in ((40, 2), (30, 7), (20, 3)):
            self._order(odd, day=self.today - timedelta(days=days), qty=qty)
        for days, qty in ((30, 4), (15, 2)):
            self._order(even, day=self.today - timedelta(days=days), qty=qty)
        order_cups = self._order(even, day=self.today - timedelta(days=1), confirm=False)
        order_cups.order_line.product_id = cups
        order_cups.action_confirm()
        order_cups.date_order = datetime.combine(self.today - timedelta(days=1), time(12))
        self.recalculation._recalculate_partners(odd | even, today=self.today)
        plan = self._plan(date_to=self.today + timedelta(days=30))
        plan.line_ids = [
            Command.create({"partner_id": odd.id}),
            Command.create({"partner_id": even.id}),
        ]
        self.assertEqual(
            (self._line(plan, odd).product_id, self._line(plan, odd).quantity), (self.product, 3.0)
        )
        self.assertEqual(
            (self._line(plan, even).product_id, self._line(plan, even).quantity),
            (self.product, 2.0),
        )
        plan.action_fill()
        filled = plan.line_ids.filtered(lambda line: line.partner_id not in odd | even)
        self.assertEqual(set(filled.mapped("quantity")), {1.0})

    def test_quantity_not_filled_when_off(self):
        """Without "Fill the quantity", lines have none and the quotation takes one unit."""
        self.company.lifecycle_planning_fill_quantity = False
        plan = self._filled()
        line = self._line(plan, self.due)
        self.assertEqual((line.product_id, line.quantity), (self.product, 0.0))
        line.call_result = "ordered"
        plan.action_create_orders()
        self.assertEqual(line.order_id.order_line.product_uom_qty, 1.0)

    def test_zone_not_carried_when_off(self):
        """Without the setting, quotations from the plan carry no zone."""
        self.company.lifecycle_planning_route_to_orders = False
        plan = self._filled()
        plan.action_create_orders()
        self.assertEqual(plan.line_ids.order_id.lifecycle_zone_id.ids, [])

    def test_delivery_address_of_the_last_order(self):
        """The line and its quotation take the delivery address of the client's last order."""
        office = self._client("Green Office", is_company=True)
        dock = self._client("Green Office, back door", parent_id=office.id, type="delivery")
        for days in (27, 13):
            order = self._order(office, day=self.today - timedelta(days=days))
        order.partner_shipping_id = dock
        self._deliver(order)
        self.recalculation._recalculate_partners(office, today=self.today)
        plan = self._filled()
        line = self._line(plan, office)
        self.assertEqual(line.delivery_address_id, dock)
        line.call_result = "ordered"
        plan.action_create_orders()
        self.assertEqual(line.order_id.partner_shipping_id, dock)

    def test_multi_day_plan_delivers_on_each_day(self):
        """In a plan over days, a client is delivered on its expected day, an overdue one on
        the first day."""
        plan = self._filled(date_to=self.today + timedelta(days=7))
        plan.action_create_orders()
        days = {line.partner_id: line.order_id.commitment_date.date() for line in plan.line_ids}
        self.assertEqual(days[self.overdue], self.tomorrow)
        self.assertEqual(days[self.later], self.today + timedelta(days=5))

    def test_fill_says_how_many_clients_it_added(self):
        """Fill tells the dispatcher how many clients it added; a second fill adds none and
        says so."""
        plan = self._plan(user=self.salesman)
        first = plan.action_fill()
        self.assertEqual(
            (first["params"]["type"], first["params"]["message"]),
            ("success", f"Clients added to {plan.name}: 2."),
        )
        self.assertEqual(first["params"]["next"]["tag"], "soft_reload")
        again = plan.action_fill()
        self.assertEqual(
            (again["params"]["type"], again["params"]["message"]),
            (
                "info",
                f"No client added to {plan.name}: every client due in its days is in it already.",
            ),
        )
        self.assertEqual(plan.line_ids.partner_id, self.due | self.overdue)

    def test_fill_meets_the_lines_already_there(self):
        """A plan whose due clients were added by hand: Fill adds nothing and says so."""
        plan = self._plan(user=self.salesman)
        plan.line_ids = [
            Command.create({"partner_id": self.due.id}),
            Command.create({"partner_id": self.overdue.id}),
        ]
        answer = plan.action_fill()
        self.assertEqual(
            answer["params"]["message"],
            f"No client added to {plan.name}: every client due in its days is in it already.",
        )
        self.assertEqual(len(plan.line_ids), 2)

    # ------------------------------------------------------------------ the document
    def test_done_plan_is_closed(self):
        """A plan marked done refuses filling, postponing, quotations and deletion."""
        plan = self._filled()
        plan.action_done()
        for action in (
            plan.action_fill,
            plan.action_create_orders,
            plan.line_ids[0].action_postpone,
        ):
            with self.assertRaises(UserError):
                action()
        with self.assertRaises(UserError):
            plan.unlink()
        plan.action_draft()
        self.assertEqual(plan.state, "draft")

    def test_reference_and_defaults(self):
        """A new plan gets its reference from the sequence and is for tomorrow."""
        plan = self.env["partner.lifecycle.planning"].create({})
        self.assertEqual(plan.name.startswith("DP/"), True)
        self.assertEqual(
            (plan.date_from, plan.date_to, plan.state), (self.tomorrow, self.tomorrow, "draft")
        )
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self._plan(date_to=self.today)

    def test_autosave(self):
        """With "Save the plan automatically", the scheduled action makes tomorrow's plan
        once and fills it; twice gives the same plan; without it, nothing."""
        plans = self.env["partner.lifecycle.planning"]
        cron = self.env.ref("partner_lifecycle.ir_cron_planning_autosave")
        cron.method_direct_trigger()
        self.assertEqual(plans.search_count([("date_from", "=", self.tomorrow)]), 0)
        self.company.lifecycle_planning_autosave = True
        cron.method_direct_trigger()
        cron.method_direct_trigger()
        plan = plans.search([("date_from", "=", self.tomorrow)])
        self.assertEqual(len(plan), 1)
        self.assertEqual(plan.line_ids.partner_id, self.due | self.overdue)

    def test_postpone_days_setting_refused_when_negative(self):
        """A negative postponement in the settings is refused with the setting's name."""
        form = Form(self.env["res.config.settings"])
        form.lifecycle_planning_postpone_days = -1
        with self.assertRaisesRegex(ValidationError, "Days the Postpone Button Moves a Client"):
            form.save().execute()

    def test_planning_settings_saved(self):
        """The planning options of the settings are stored on the company."""
        form = Form(self.env["res.config.settings"])
        form.lifecycle_planning_postpone_days = 2
        form.lifecycle_planning_overdue_days = 14
        form.lifecycle_planning_use_schedule = True
        form.lifecycle_planning_autosave = True
        form.lifecycle_planning_fill_quantity = False
        form.lifecycle_planning_route_to_orders = False
        form.save().execute()
        self.assertEqual(
            self.company.read(
                [
                    "lifecycle_planning_postpone_days",
                    "lifecycle_planning_overdue_days",
                    "lifecycle_planning_use_schedule",
                    "lifecycle_planning_autosave",
                    "lifecycle_planning_fill_quantity",
                    "lifecycle_planning_route_to_orders",
                ]
            )[0],
            {
                "id": self.company.id,
                "lifecycle_planning_postpone_days": 2,
                "lifecycle_planning_overdue_days": 14,
                "lifecycle_planning_use_schedule": True,
                "lifecycle_planning_autosave": True,
                "lifecycle_planning_fill_quantity": False,
                "lifecycle_planning_route_to_orders": False,
            },
        )


@tagged("post_install", "-at_install")
class TestPlanningAccess(PlanningCommon):
    """Who may plan: a salesperson (dispatcher) may do everything but terminate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = cls._due_client("Due Tomorrow", lifecycle_zone_id=cls.south.id)
        cls.portal_user = new_test_user(cls.env, login="lc_portal", groups="base.group_portal")

    def test_dispatcher_day(self):
        """A salesperson makes tomorrow's plan, fills it, calls, postpones, changes a status,
        creates the quotation and marks the plan done."""
        other = self._due_client("Other")
        plan = self._filled(user=self.salesman)
        self.assertEqual(plan.line_ids.partner_id, self.due | other)
        line = self._line(plan, self.due)
        line.write({"call_result": "ordered", "status_id": self.status_permanent.id})
        self._line(plan, other).action_postpone()
        plan.action_create_orders()
        plan.action_done()
        self.assertEqual(self.due.lifecycle_status_id, self.status_permanent)
        self.assertEqual(line.order_id.user_id, self.salesman)
        self.assertEqual(plan.state, "done")

    def test_menus_and_views_of_a_dispatcher(self):
        """A salesperson finds Delivery Planning in Contacts and opens its views; an employee
        without sales rights does not see the menu."""
        menu = self.env.ref("partner_lifecycle.partner_lifecycle_planning_menu_contacts")
        visible = self.env(user=self.salesman)["ir.ui.menu"]._visible_menu_ids()
        self.assertEqual(menu.id in visible, True)
        self.assertEqual(menu.parent_id.parent_id, self.env.ref("contacts.menu_contacts"))
        hidden = self.env(user=self.plain_user)["ir.ui.menu"]._visible_menu_ids()
        self.assertEqual(menu.id in hidden, False)
        plans = self.env(user=self.salesman)["partner.lifecycle.planning"]
        views = plans.get_views([(False, "list"), (False, "form"), (False, "search")])
        self.assertEqual(set(views["views"]), {"list", "form", "search"})
        lines = self.env(user=self.salesman)["partner.lifecycle.planning.line"]
        views = lines.get_views([(False, "list"), (False, "calendar"), (False, "search")])
        self.assertIn('date_start="expected_date"', views["views"]["calendar"]["arch"])

    def test_dispatcher_cannot_terminate(self):
        """A salesperson who plans cannot terminate a client's contract."""
        with self.assertRaises(AccessError):
            self.due.with_user(self.salesman).action_lifecycle_terminate()

    def test_plain_user_refused(self):
        """An employee without sales rights neither reads nor works plans."""
        plan = self._filled()
        line = plan.line_ids[0]
        for user in (self.plain_user, self.portal_user):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self._plan(user=user)
                with self.assertRaises(AccessError):
                    plan.with_user(user).read(["name"])
                for method in ("action_fill", "action_create_orders", "action_done"):
                    with self.assertRaises(AccessError):
                        getattr(plan.with_user(user), method)()
                with self.assertRaises(AccessError):
                    line.with_user(user).action_postpone()
                with self.assertRaises(AccessError):
                    line.with_user(user).write({"status_id": self.status_former.id})
        self.assertEqual(self.due.lifecycle_status_id, self.status_working)
        self.assertEqual(plan.line_ids.order_id.ids, [])

    def test_salesman_cannot_manage_zones(self):
        """Zones are read by everyone and managed by sales managers."""
        self.assertEqual(
            self.env(user=self.plain_user)["partner.lifecycle.zone"].search([]).ids != [], True
        )
        with self.assertRaises(AccessError):
            self.env(user=self.salesman)["partner.lifecycle.zone"].create({"name": "East"})
        self.env(user=self.sales_manager)["partner.lifecycle.zone"].create({"name": "East"})

    def test_other_company(self):
        """A plan of another company is hidden and fills with that company's clients only."""
        company_b = self.env["res.company"].create({"name": "Water B"})
        client_b = self._aged_client("B Client", [27, 13], company=company_b, today=self.today)
        plan_b = self.env["partner.lifecycle.planning"].create(
            {"company_id": company_b.id, "date_from": self.tomorrow, "date_to": self.tomorrow}
        )
        plan_b.action_fill()
        self.assertEqual(plan_b.line_ids.partner_id, client_b)
        self.assertEqual(self._filled().line_ids.partner_id, self.due)
        seen = self.env(user=self.salesman)["partner.lifecycle.planning"].search([])
        self.assertEqual(plan_b in seen, False)
        with self.assertRaises(AccessError):
            plan_b.with_user(self.salesman).action_fill()


@tagged("post_install", "-at_install")
class TestPlanningGenerated(LifecycleCommon):
    """On generated clients: the demo plan, and the fill against the engine client by client."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        generate.generate(cls.env, clients=300, seed=11, years=2, company=cls.company)
        cls.env["partner.lifecycle.recalculation"]._recalculate_company(cls.company)

    def test_demo_plan(self):
        """The demo company gets tomorrow's plan, filled, sorted by zone."""
        plan = planning.create_demo_plan(self.env, self.company)
        tomorrow = self.company._lifecycle_today() + timedelta(days=1)
        self.assertEqual((plan.date_from, plan.date_to, plan.state), (tomorrow, tomorrow, "draft"))
        self.assertGreater(len(plan.line_ids), 5)
        sequences = [line.zone_id.sequence for line in plan.line_ids if line.zone_id]
        self.assertEqual(sequences, sorted(sequences))

    def test_fill_matches_engine(self):
        """Each client is in the plan exactly when the engine says it is due, on that day."""
        planning.prepare_zones(self.env, self.company)
        for use_schedule in (False, True):
            with self.subTest(use_schedule=use_schedule):
                self.company.lifecycle_planning_use_schedule = use_schedule
                plan = self.env["partner.lifecycle.planning"].create({})
                plan.date_to = plan.date_from + timedelta(days=2)
                plan.action_fill()
                found = {line.partner_id.id: line.expected_date for line in plan.line_ids}
                self.assertEqual(found, self._reference(plan, use_schedule))
                plan.action_done()  # its clients may be planned again for these days

    def _reference(self, plan, use_schedule):
        """The clients due in ``plan`` one by one, with the ORM and the engine."""
        clients = self.env["res.partner"].browse(
            self.env["partner.lifecycle.recalculation"]._client_ids(self.company)
        )
        expected = {}
        for client in clients:
            if not (
                client.lifecycle_plannable
                and client.lifecycle_status_id in plan.status_ids
                and not client.lifecycle_termination_date
            ):
                continue
            orders = self.env["sale.order"].search(
                [
                    ("partner_id", "child_of", client.id),
                    ("state", "in", ("draft", "sent", "sale")),
                ]
            )
            if any(plan.date_from <= order.date_order.date() <= plan.date_to for order in orders):
                continue
            values = {
                name: client[f"lifecycle_schedule_{name}"]
                for name in ("kind", *engine.WEEKDAY_NAMES, "interval_days", "start_date")
            }
            facts = engine.PlanningFacts(
                next_order_date=client.lifecycle_next_order_date or None,
                last_order_date=client.lifecycle_last_order_date or None,
                schedule=client._lifecycle_schedule_of(values),
            )
            overdue = self.company.lifecycle_planning_overdue_days
            found = engine.due(facts, plan.date_from, plan.date_to, overdue, use_schedule)
            if found:
                expected[client.id] = found.expected_date
        return expected


@tagged("post_install", "-at_install")
class TestPlanningPauses(PlanningCommon):
    """A paused client stays out of the plan of its pause; a coming pause shows on its line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.due = cls._due_client("Due Tomorrow")
        cls.pauses = cls.env["partner.lifecycle.pause"]

    def test_paused_on_the_plan_day_left_out(self):
        """Away on the plan's first day: the client due that day is not proposed."""
        self.pauses.create(
            {"partner_id": self.due.id, "date_from": self.today, "date_to": self.tomorrow}
        )
        plan = self._filled()
        self.assertEqual(self._line(plan, self.due).ids, [])

    def test_coming_pause_shown_on_the_line(self):
        """Leaving in five days: the client is proposed and its line says when it is away."""
        start, end = self.tomorrow + timedelta(days=5), self.tomorrow + timedelta(days=20)
        self.pauses.create({"partner_id": self.due.id, "date_from": start, "date_to": end})
        line = self._line(self._filled(), self.due)
        self.assertEqual(len(line), 1)
        self.assertEqual(
            line.with_context(lang="en_US").pause,
            f"Away {format_date(self.env, start)} – {format_date(self.env, end)}",
        )

    def test_pause_after_the_horizon_not_shown(self):
        """A pause more than two weeks after the plan is not the dispatcher's concern yet."""
        start = self.tomorrow + timedelta(days=30)
        self.pauses.create(
            {"partner_id": self.due.id, "date_from": start, "date_to": start + timedelta(days=3)}
        )
        line = self._line(self._filled(), self.due)
        self.assertEqual(line.pause, False)
