from datetime import date, datetime, time, timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged
from odoo.tools import SQL

from .common import LifecycleCommon

TODAY = date(2026, 6, 1)
FAR = datetime(8999, 12, 31, 12, 0)


@tagged("post_install", "-at_install")
@freeze_time("2026-06-01 12:00:00")
class TestOrderDatesAhead(LifecycleCommon):
    """A confirmed order is dated at most 365 days after the company's today."""

    def _ahead(self, days):
        return datetime.combine(TODAY + timedelta(days=days), time(12, 0))

    def test_confirmed_order_dated_8999_refused(self):
        """Dating a confirmed order 8999-12-31 is refused, naming the order and both dates."""
        client = self._client()
        order = self._order(client)
        with self.assertRaises(ValidationError) as caught:
            order.date_order = FAR
        self.assertEqual(
            str(caught.exception),
            f"The order date 12/31/8999 of {order.name} is too far ahead: a confirmed order may "
            "be dated at most 365 days after today, until 06/01/2027.",
        )
        self.assertEqual(order.date_order.date(), TODAY)
        self.assertEqual(client.lifecycle_last_order_date, TODAY)

    def test_date_in_the_readers_format(self):
        """A Russian reader sees the dates of the message as 31.12.8999 and 01.06.2027."""
        self.env["res.lang"]._activate_lang("ru_RU")
        order = self._order(self._client()).with_context(lang="ru_RU")
        with self.assertRaises(ValidationError) as caught:
            order.date_order = FAR
        self.assertIn("31.12.8999", str(caught.exception))
        self.assertIn("01.06.2027", str(caught.exception))

    def test_quotation_may_carry_a_far_date(self):
        """A quotation dated 8999-12-31 is kept; confirming it dates it today, and it counts."""
        client = self._client()
        quotation = self._order(client, confirm=False)
        quotation.date_order = FAR
        self.assertEqual((quotation.state, quotation.date_order), ("draft", FAR))
        quotation.action_confirm()
        self.assertEqual(quotation.state, "sale")
        self.assertEqual(quotation.date_order.date(), TODAY)
        self.assertEqual(client.lifecycle_last_order_date, TODAY)

    def test_order_364_and_365_days_ahead_accepted(self):
        """Confirmed orders 364 and 365 days ahead are accepted and counted on their day."""
        client = self._client()
        for days in (364, 365):
            with self.subTest(days=days):
                order = self._order(client)
                order.date_order = self._ahead(days)
                self.assertEqual(order.date_order, self._ahead(days))
                self.assertEqual(client.lifecycle_last_order_date, TODAY + timedelta(days=days))

    def test_order_366_days_ahead_refused(self):
        """A confirmed order dated 366 days ahead is refused."""
        order = self._order(self._client())
        with self.assertRaises(ValidationError) as caught:
            order.date_order = self._ahead(366)
        self.assertEqual(
            str(caught.exception),
            f"The order date 06/02/2027 of {order.name} is too far ahead: a confirmed order may "
            "be dated at most 365 days after today, until 06/01/2027.",
        )

    def test_company_day_decides(self):
        """In Moscow (UTC+3), 21:30 UTC of the 365th day is already the 366th: refused."""
        self.company.lifecycle_tz = "Europe/Moscow"
        order = self._order(self._client())
        with self.assertRaises(ValidationError):
            order.date_order = self._ahead(365).replace(hour=21, minute=30)
        order.date_order = self._ahead(365).replace(hour=20, minute=30)
        self.assertEqual(order.date_order, self._ahead(365).replace(hour=20, minute=30))

    def test_confirmed_order_created_with_a_far_date_refused(self):
        """An order created already confirmed (an import) with a far date is refused."""
        client = self._client()
        with self.assertRaises(ValidationError) as caught:
            self.env["sale.order"].create(
                {
                    "partner_id": client.id,
                    "state": "sale",
                    "date_order": FAR,
                    "order_line": [Command.create({"product_id": self.product.id})],
                }
            )
        self.assertIn("The order date 12/31/8999 of ", str(caught.exception))
        self.assertEqual(client.lifecycle_order_count, 0)

    def test_far_date_already_in_the_database_is_left_alone(self):
        """An order dated 8999-12-31 before the limit existed can still be edited otherwise."""
        client = self._client()
        order = self._order(client)
        self.env.flush_all()
        self.env.cr.execute(
            SQL("UPDATE sale_order SET date_order = %s WHERE id = %s", FAR, order.id)
        )
        self.env.invalidate_all()
        order.client_order_ref = "PO-17"
        self.assertEqual((order.client_order_ref, order.date_order), ("PO-17", FAR))
