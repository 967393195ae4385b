"""Deterministic demo and benchmark data of a water-delivery business.

``generate(env, clients=300, seed=1, years=2, today=None, company=None)``
loads ``clients`` commercial clients of ``company`` with ``years`` years of
sale orders up to the day before ``today``, the same for the same arguments.
Tests call it at a few hundred clients; ``bench/run_odoo.py ... generate``
runs it as a command (``--help`` there lists the options).

Client behaviours (their shares are ``KINDS``):

- ``regular``: a household ordering every 7 to 28 days (its own period), with jitter;
- ``office``: a company ordering weekly on its own weekday; orders are placed by one
  of its contact persons (sometimes by the company itself) and delivered to one
  of its delivery addresses; they count for the company;
- ``seasonal``: a regular client away most summers (no order from mid-June to August);
- ``drifting``: a regular client whose intervals grow until it stops ordering;
- ``sporadic``: irregular orders, one every one to four months on average;
- ``new``: created in the last two and a half months, one or two orders;
- ``prospect``: created, never ordered (a share was imported without any status);
- ``terminated``: a regular client whose contract ended after its last order
  (termination date and reason recorded, status still the one at creation);
- ``manual``: a regular client whose status a person set by hand to a status of
  their own ("Key account", created if missing), which automation keeps.

Any order may come with a second order on the same day (2 %) and with a
cancelled order within two days (3 %).

Who they are: the clients of a water-delivery business around Kazan. People
have Russian full names (surname, first name, patronymic) and mobile phones
(+7 9..); offices are companies (ООО, АО) or individual entrepreneurs (ИП)
with a landline of their town, contact persons with their function, and
delivery addresses. Addresses are in Kazan, Zelenodolsk and Vysokaya Gora,
with the zip code of their street. Every client takes the region and country
of the company's address, and the language and time zone of the company's
partner. The product "Drinking water 19 l" gets its Russian name when Russian
is active, and so does the manual status.

How it is written: bulk SQL, not the ORM, so that a million clients load in
minutes. Values always travel as COPY data or query parameters.

- ``res_partner``: commercial clients (``customer_rank`` 1, the company's
  "at creation" status dated at creation, no frequency facts yet), and for
  offices their contact persons and delivery addresses (children with
  ``commercial_partner_id`` = the office). Ids come from ``res_partner_id_seq``,
  reserved in blocks. The columns not set here take the values of a prototype
  partner created through the ORM inside a savepoint that is rolled back, so
  that defaults of every installed module are respected.
- ``sale_order`` and one ``sale_order_line`` per order (a 19 l water product at
  ``PRODUCT_PRICE`` in the company's currency, created if missing, without
  taxes, invoiced on ordered quantities): orders
  are staged in a temporary table, then inserted in date order, so that ids
  and names (the company's ``sale.order`` sequence, moved past them) grow with
  time as in a real database. Constant columns (company, currency, team,
  warehouse, pricelist, terms ...) come from a prototype order confirmed
  through the ORM inside a rolled-back savepoint. Confirmed orders are
  ``sale``/``to invoice``; cancelled ones ``cancel``/``no``.
- Deliveries: no ``stock.picking`` is created for history (that would be
  millions of pickings, moves and quants). An order counts as delivered on its
  day (offices) or the next day, when that day is before ``today``: its
  ``delivery_status`` is ``full``, ``effective_date`` the delivery time and the
  line's ``qty_delivered`` its quantity; later ones are ``pending``. A client's
  ``lifecycle_first_delivery_date`` is its first delivery, as the delivery
  hook would have recorded it; clients whose orders are not delivered yet have
  none and stay "new".
- Neither chatter messages nor followers nor invoices are created.

With ``lines=False`` orders have no line (and zero amounts): faster loads for
benchmarks at a million clients, where lines are not read.
"""

import argparse
import io
import json
import logging
import random
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from odoo import Command, fields
from odoo.tools import SQL

from ..models.lifecycle_context import NO_STATUS_KEY, internal

_logger = logging.getLogger(__name__)

#: Share of each client behaviour (see the module docstring).
KINDS = {
    "regular": 36,
    "office": 5,
    "seasonal": 10,
    "drifting": 14,
    "sporadic": 10,
    "new": 10,
    "prospect": 6,
    "terminated": 7,
    "manual": 2,
}

#: Kinds that order regularly from their creation (or from the start of history).
LONG_LIVED = ("regular", "office", "seasonal", "drifting", "sporadic", "terminated", "manual")

SAME_DAY_SHARE = 0.02
CANCELLED_SHARE = 0.03
#: Share of long-lived clients that already existed when the history starts.
EXISTING_SHARE = 0.3
#: Share of prospects imported without any status.
NO_STATUS_SHARE = 0.3
PRODUCT_CODE = "PL-WATER-19"
#: The product's name in each language (a language is used once it is active).
PRODUCT_NAME = {"en_US": "Drinking water 19 l", "ru_RU": "Вода питьевая 19 л"}
#: Price of a 19 l bottle, in the company's currency (roubles in the demo).
PRODUCT_PRICE = 250.0
#: The status a sales manager created and set by hand on some clients.
MANUAL_STATUS = {
    "name": {"en_US": "Key account", "ru_RU": "Ключевой клиент"},
    "description": {
        "en_US": "Set by hand by the sales manager; automation keeps it.",
        "ru_RU": "Назначен руководителем отдела продаж вручную; автоматика его не меняет.",
    },
}
#: Its colour (an index of the colour picker: violet, unlike the shipped statuses).
MANUAL_STATUS_COLOR = 11
CLIENTS_PER_CHUNK = 5000
#: Tables loaded in bulk (see :func:`without_checks`).
BULK_TABLES = ("res_partner", "sale_order", "sale_order_line")

#: First names with their gender; a person's full name is "Surname First-name Patronymic".
FIRST_NAMES = (
    ("Анна", "f"), ("Иван", "m"), ("Ольга", "f"), ("Дмитрий", "m"), ("Елена", "f"),
    ("Сергей", "m"), ("Мария", "f"), ("Алексей", "m"), ("Наталья", "f"), ("Павел", "m"),
    ("Ирина", "f"), ("Михаил", "m"), ("Татьяна", "f"), ("Андрей", "m"), ("Светлана", "f"),
    ("Николай", "m"), ("Юлия", "f"), ("Артём", "m"), ("Екатерина", "f"), ("Роман", "m"),
    ("Гульнара", "f"), ("Рустам", "m"), ("Альбина", "f"), ("Ильдар", "m"), ("Лилия", "f"),
    ("Тимур", "m"),
)  # fmt: skip
#: Surnames in their masculine form; the feminine one adds "а" (all end in -ов, -ев, -ин).
LAST_NAMES = (
    "Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Васильев", "Соколов", "Михайлов",
    "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров",
    "Павлов", "Козлов", "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Захаров",
    "Хабибуллин", "Гарипов", "Сафин", "Галиев", "Зарипов", "Шарипов", "Нуриев", "Валиев",
)  # fmt: skip
#: Patronymics (masculine, feminine).
PATRONYMICS = (
    ("Иванович", "Ивановна"), ("Сергеевич", "Сергеевна"), ("Николаевич", "Николаевна"),
    ("Михайлович", "Михайловна"), ("Павлович", "Павловна"), ("Дмитриевич", "Дмитриевна"),
    ("Алексеевич", "Алексеевна"), ("Андреевич", "Андреевна"), ("Владимирович", "Владимировна"),
    ("Олегович", "Олеговна"), ("Викторович", "Викторовна"), ("Юрьевич", "Юрьевна"),
    ("Рустамович", "Рустамовна"), ("Ильдарович", "Ильдаровна"), ("Ринатович", "Ринатовна"),
)  # fmt: skip
#: Office clients: ``FORM «Brand-Line»`` (ООО, АО) or an individual entrepreneur (ИП).
COMPANY_WORDS = (
    ("Вектор", "Меридиан", "Каскад", "Гранит", "Сфера", "Импульс", "Волга", "Кама", "Идель",
     "Фортуна", "Прогресс", "Элемент", "Альфа", "Зенит"),
    ("Логистик", "Консалт", "Строй", "Сервис", "Трейд", "Медиа", "Принт", "Дент", "Авто",
     "Фарм", "Софт", "Групп"),
    ("ООО", "ООО", "ООО", "ООО", "ООО", "ООО", "ООО", "АО", "ИП", "ИП"),
)  # fmt: skip
#: Towns of the delivery area: name, share of clients, dialling code and digits of a landline
#: number, streets with their zip codes.
CITIES = (
    ("Казань", 6, ("843", 7), (
        ("ул. Баумана", "420111"), ("ул. Пушкина", "420015"), ("ул. Декабристов", "420034"),
        ("пр-т Ямашева", "420124"), ("ул. Чистопольская", "420132"),
        ("ул. Гвардейская", "420073"), ("ул. Маршала Чуйкова", "420103"),
        ("ул. Вишневского", "420043"), ("ул. Карла Маркса", "420015"), ("ул. Горького", "420015"),
        ("ул. Хади Такташа", "420054"), ("пр-т Победы", "420110"),
    )),
    ("Зеленодольск", 3, ("84371", 5), (
        ("ул. Ленина", "422540"), ("ул. Карла Маркса", "422540"),
        ("ул. Комсомольская", "422544"), ("ул. Паратская", "422550"), ("ул. Гоголя", "422541"),
        ("ул. Молодёжная", "422546"),
    )),
    ("Высокая Гора", 1, ("84365", 5), (
        ("ул. Школьная", "422700"), ("ул. Кооперативная", "422700"), ("ул. Садовая", "422701"),
        ("ул. Полевая", "422701"),
    )),
)  # fmt: skip
FUNCTIONS = ("Офис-менеджер", "Бухгалтер", "Директор", "Секретарь", "Администратор")
DELIVERY_SPOTS = ("Ресепшн", "Склад", "2-й этаж", "Кухня", "Служебный вход")
TERMINATION_REASONS = (
    "Переехал в другой город",
    "Установил фильтр для воды",
    "Перешёл к другому поставщику",
    "Офис закрыт",
    "Недоволен сроками доставки",
)
#: Latin letters of the Cyrillic ones, for e-mail addresses (hard and soft signs dropped).
TRANSLIT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu", "я": "ya", "-": "",
}  # fmt: skip


def latin(text):
    """``text`` in Latin letters (Russian transliteration), lower case, for e-mail addresses."""
    return "".join(TRANSLIT.get(c, c) for c in text.lower())


# ---------------------------------------------------------------------- plans (pure Python)
@dataclass
class OrderPlan:
    """One order: its time, quantity, whether it is confirmed, who placed it and where to."""

    moment: datetime
    qty: int
    confirmed: bool = True
    contact: int | None = None  # index in ClientPlan.contacts, None = the client itself
    address: int | None = None  # index in ClientPlan.addresses, None = the client itself
    delivered: datetime | None = None


@dataclass
class ClientPlan:
    """One commercial client with its children and its order history."""

    index: int
    kind: str
    name: str
    is_company: bool
    joined: date
    street: str
    city: tuple
    phone: str
    email: str
    contacts: list = field(default_factory=list)
    addresses: list = field(default_factory=list)
    orders: list = field(default_factory=list)
    status: str = "new"  # "new", "none" (no status) or "manual"
    terminated: date | None = None
    termination_reason: str | None = None

    @property
    def status_date(self):
        """The day its status was given: at creation, or (a status set by hand) the day a
        person set it, after its third confirmed order (else its first delivery)."""
        if self.status != "manual":
            return self.joined
        days = sorted(o.moment.date() for o in self.orders if o.confirmed)
        return days[2] if len(days) > 2 else self.first_delivery or self.joined

    @property
    def first_delivery(self):
        """Day of the first delivery of a confirmed order, as the delivery hook records it."""
        days = [o.delivered.date() for o in self.orders if o.confirmed and o.delivered]
        return min(days) if days else None


class Population:
    """The clients of a seed, planned one by one from a single random stream."""

    def __init__(self, seed, today, years):
        self.rng = random.Random(seed)
        self.today = today
        self.start = today - timedelta(days=round(365.25 * years))
        self.last_day = today - timedelta(days=1)
        self.kinds, self.weights = zip(*KINDS.items(), strict=True)

    def plans(self, count, offset=0):
        """Plans of clients ``offset`` to ``offset + count - 1``."""
        return [self.plan(index) for index in range(offset, offset + count)]

    def plan(self, index):
        rng = self.rng
        kind = rng.choices(self.kinds, self.weights)[0]
        plan = self._company(index, kind) if kind == "office" else self._person(index, kind)
        if kind == "manual":
            plan.status = "manual"
        getattr(self, f"_orders_{kind}")(plan)
        self._extras(plan)
        self._deliveries(plan)
        return plan

    # ------------------------------------------------------------ identities
    def _full_name(self):
        """A Russian full name, "Surname First-name Patronymic", and its parts."""
        rng = self.rng
        first, gender = rng.choice(FIRST_NAMES)
        female = gender == "f"
        last = rng.choice(LAST_NAMES) + ("а" if female else "")
        patronymic = rng.choice(PATRONYMICS)[female]
        return f"{last} {first} {patronymic}", last, first, patronymic

    def _person(self, index, kind):
        name, last, first, _patronymic = self._full_name()
        return self._client(index, kind, name, False, f"{latin(first)}.{latin(last)}")

    def _company(self, index, kind):
        rng = self.rng
        brand, line, form = (rng.choice(words) for words in COMPANY_WORDS)
        if form == "ИП":
            _name, last, first, patronymic = self._full_name()
            name, mailbox = f"ИП {last} {first[0]}. {patronymic[0]}.", f"ip.{latin(last)}"
        else:
            name, mailbox = f"{form} «{brand}-{line}»", f"{latin(brand)}-{latin(line)}"
        plan = self._client(index, kind, name, True, mailbox)
        for function in rng.sample(FUNCTIONS, rng.randint(2, 4)):
            plan.contacts.append((self._full_name()[0], function))
        for spot in rng.sample(DELIVERY_SPOTS, rng.randint(1, 3)):
            plan.addresses.append((spot, *self._street(plan.city[0], "офис")))
        return plan

    def _client(self, index, kind, name, is_company, mailbox):
        rng = self.rng
        city, _share, landline, _streets = rng.choices(CITIES, [c[1] for c in CITIES])[0]
        street, zip_code = self._street(city, "офис" if is_company else "кв.")
        if is_company:  # an office's landline, in the town's dialling code
            code, size = landline
            number = str(rng.randint(2 * 10 ** (size - 1), 10**size - 1))
            phone = f"+7 {code} {number[:-4]}-{number[-4:-2]}-{number[-2:]}"
        else:
            digits = (rng.randint(0, 99), rng.randint(0, 999), rng.randint(0, 99))
            phone = "+7 9{:02d} {:03d}-{:02d}-{:02d}".format(*digits, rng.randint(0, 99))
        return ClientPlan(
            index=index,
            kind=kind,
            name=name,
            is_company=is_company,
            joined=self._joined(kind),
            street=street,
            city=(city, zip_code),
            phone=phone,
            email=f"{mailbox}.{index}@example.com",
        )

    def _street(self, city, unit):
        """A street address in ``city``, a house or (two times out of three) a ``unit`` in
        one (a flat, an office), and its zip code."""
        rng = self.rng
        streets = next(c[3] for c in CITIES if c[0] == city)
        name, zip_code = rng.choice(streets)
        street = f"{name}, д. {rng.randint(1, 150)}"
        if rng.random() >= 0.3:
            street = f"{street}, {unit} {rng.randint(1, 200)}"
        return street, zip_code

    def _joined(self, kind):
        rng, start = self.rng, self.start
        if kind == "new":
            return self.today - timedelta(days=rng.randint(1, 75))
        if kind in LONG_LIVED and rng.random() < EXISTING_SHARE:
            return start - timedelta(days=rng.randint(1, 700))
        span = (self.today - start).days - 60 if kind in LONG_LIVED else (self.today - start).days
        return start + timedelta(days=rng.randrange(max(span, 1)))

    # ------------------------------------------------------------ order days
    def _days(self, plan, period, stop=None, growth=1.0, summer=False):
        """Order days from the client's start, every ``period`` days with jitter, until ``stop``."""
        rng = self.rng
        day = max(plan.joined, self.start) + timedelta(days=rng.randrange(round(period)))
        stop = min(stop or self.today, self.today)
        away = {year for year in range(self.start.year, self.today.year + 1) if rng.random() < 0.8}
        days = []
        while day < stop:
            if summer and day.year in away and (6, 15) <= (day.month, day.day) <= (8, 31):
                day = date(day.year, 9, 1) + timedelta(days=rng.randrange(10))
                continue
            days.append(day)
            day += timedelta(days=max(1, round(rng.gauss(period, period * 0.2))))
            period *= growth
        return days

    def _add(self, plan, days, qty_choices):
        rng = self.rng
        for day in days:
            plan.orders.append(OrderPlan(self._moment(day), rng.choice(qty_choices)))

    def _moment(self, day):
        """A time during the working day, in UTC, so that the day is the same in Europe and Asia."""
        return datetime.combine(day, datetime.min.time()) + timedelta(
            seconds=round(6 * 3600 + self.rng.random() * 8 * 3600)
        )

    HOUSEHOLD_QTY = (1, 1, 2, 2, 2, 3, 4)

    def _orders_regular(self, plan):
        self._add(plan, self._days(plan, round(self.rng.triangular(7, 28, 21))), self.HOUSEHOLD_QTY)

    _orders_manual = _orders_regular

    def _orders_seasonal(self, plan):
        self._add(plan, self._days(plan, self.rng.randint(10, 28), summer=True), self.HOUSEHOLD_QTY)

    def _orders_drifting(self, plan):
        rng = self.rng
        stop = self.today - timedelta(days=rng.randint(30, 540))
        days = self._days(plan, rng.randint(7, 21), stop=stop, growth=rng.uniform(1.02, 1.1))
        self._add(plan, days, self.HOUSEHOLD_QTY)

    def _orders_sporadic(self, plan):
        rng = self.rng
        mean = rng.randint(30, 120)
        day = max(plan.joined, self.start) + timedelta(days=rng.randrange(mean))
        days = []
        while day < self.today:
            days.append(day)
            day += timedelta(days=max(1, round(rng.expovariate(1 / mean))))
        self._add(plan, days, self.HOUSEHOLD_QTY)

    def _orders_office(self, plan):
        rng = self.rng
        first = max(plan.joined, self.start)
        weekday = rng.randrange(5)
        day = first + timedelta(days=(weekday - first.weekday()) % 7)
        while day < self.today:
            holiday = (day.month, day.day) >= (12, 30) or (day.month, day.day) <= (1, 8)
            if not holiday and rng.random() >= 0.05:
                shifted = day + timedelta(days=rng.choice((-1, 1)) if rng.random() < 0.1 else 0)
                if self.start <= shifted < self.today and shifted.weekday() < 5:
                    plan.orders.append(
                        OrderPlan(
                            self._moment(shifted),
                            rng.randint(4, 12),
                            contact=self._contact(plan),
                            address=rng.randrange(len(plan.addresses)),
                        )
                    )
            day += timedelta(days=7)

    def _contact(self, plan):
        """The contact person placing an office order (None: the company itself, one in five)."""
        rng = self.rng
        return rng.randrange(len(plan.contacts)) if rng.random() < 0.8 else None

    def _orders_new(self, plan):
        rng = self.rng
        first = min(plan.joined + timedelta(days=rng.randrange(6)), self.last_day)
        days = [first]
        second = first + timedelta(days=rng.randint(7, 21))
        if rng.random() < 0.4 and second < self.today:
            days.append(second)
        self._add(plan, days, self.HOUSEHOLD_QTY)

    def _orders_prospect(self, plan):
        if self.rng.random() < NO_STATUS_SHARE:
            plan.status = "none"

    def _orders_terminated(self, plan):
        rng = self.rng
        stop = self.today - timedelta(days=rng.randint(15, 600))
        self._add(plan, self._days(plan, rng.randint(7, 28), stop=stop), self.HOUSEHOLD_QTY)
        after = max([o.moment.date() for o in plan.orders], default=plan.joined)
        plan.terminated = min(after + timedelta(days=rng.randint(3, 40)), self.last_day)
        plan.termination_reason = rng.choice(TERMINATION_REASONS)

    # ------------------------------------------------------------ extras
    def _extras(self, plan):
        """Same-day second orders and cancelled orders next to the planned ones."""
        rng = self.rng
        extras = []
        for order in plan.orders:
            if rng.random() < SAME_DAY_SHARE:
                extras.append(
                    OrderPlan(
                        order.moment + timedelta(hours=1), 1, True, order.contact, order.address
                    )
                )
            if rng.random() < CANCELLED_SHARE:
                moment = min(
                    order.moment + timedelta(days=rng.randint(0, 2)), self._moment(self.last_day)
                )
                extras.append(OrderPlan(moment, order.qty, False, order.contact, order.address))
        plan.orders.extend(extras)

    def _deliveries(self, plan):
        """Deliver each confirmed order on its day (offices) or the next, if before today."""
        lag = 0 if plan.kind == "office" else 1
        for order in plan.orders:
            if not order.confirmed:
                continue
            delivered = order.moment.replace(hour=15, minute=0) + timedelta(days=lag)
            if delivered.date() < self.today:
                order.delivered = delivered


# ---------------------------------------------------------------------- loading (SQL)
class _Rollback(Exception):
    """Raised to roll back the savepoint of the prototypes."""


def _copy_text(value):
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        value = json.dumps(value)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_rows(cr, table, columns, rows):
    """COPY ``rows`` (tuples in the order of ``columns``) into ``table``."""
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(map(_copy_text, row)))
        buffer.write("\n")
    buffer.seek(0)
    query = SQL(
        "COPY %s (%s) FROM STDIN",
        SQL.identifier(table),
        SQL(", ").join(SQL.identifier(column) for column in columns),
    )
    cr.copy_expert(query.code, buffer)


@contextmanager
def without_checks(cr, tables):
    """Drop the foreign keys and non-unique indexes of ``tables``; restore them on exit.

    Checking each inserted row against a dozen foreign keys and updating a
    dozen indexes row by row is what makes bulk inserts slow (about 20 times
    slower here); rebuilding an index or validating a foreign key once at the
    end is fast. Everything happens in the caller's transaction: a failure
    rolls the definitions back with the data. The tables stay locked until
    the transaction ends.
    """
    cr.execute(
        SQL(
            """SELECT c.relname, k.conname, pg_get_constraintdef(k.oid)
                 FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
                WHERE k.contype = 'f' AND c.relname = ANY(%s) AND c.relkind = 'r'
                  AND c.relnamespace = 'public'::regnamespace""",
            list(tables),
        )
    )
    foreign_keys = cr.fetchall()
    cr.execute(
        SQL(
            """SELECT i.relname, pg_get_indexdef(x.indexrelid)
                 FROM pg_index x
                 JOIN pg_class c ON c.oid = x.indrelid
                 JOIN pg_class i ON i.oid = x.indexrelid
                WHERE c.relname = ANY(%s) AND NOT x.indisunique
                  AND c.relnamespace = 'public'::regnamespace""",
            list(tables),
        )
    )
    indexes = cr.fetchall()
    for table, name, _definition in foreign_keys:
        cr.execute(
            SQL("ALTER TABLE %s DROP CONSTRAINT %s", SQL.identifier(table), SQL.identifier(name))
        )
    for name, _definition in indexes:
        cr.execute(SQL("DROP INDEX %s", SQL.identifier(name)))
    yield
    cr.execute(SQL("SET LOCAL maintenance_work_mem = '256MB'"))
    for _name, definition in indexes:
        cr.execute(definition)  # a definition read from the catalog, no parameter
    for table, name, definition in foreign_keys:
        prefix = SQL(
            "ALTER TABLE %s ADD CONSTRAINT %s ", SQL.identifier(table), SQL.identifier(name)
        )
        # the definition comes from pg_get_constraintdef(), not from input
        cr.execute(prefix.code + definition)  # pylint: disable=sql-injection


def _translate(record, texts):
    """Give ``record`` the translations of ``texts`` ({field: {lang: text}}) in the active
    languages other than English."""
    active = {code for code, _name in record.env["res.lang"].get_installed()}
    for name, by_lang in texts.items():
        translations = {lang: text for lang, text in by_lang.items() if lang in active - {"en_US"}}
        if translations:
            record.update_field_translations(name, translations)


def _param(value):
    """A prototype column value as a query parameter (jsonb values as JSON)."""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


class Loader:
    """Writes planned clients and orders of one company with bulk SQL."""

    PARTNER_COLUMNS = (
        "id", "name", "complete_name", "parent_id", "commercial_partner_id",
        "commercial_company_name", "type", "is_company", "company_id", "user_id", "ref",
        "function", "street", "city", "zip", "state_id", "country_id", "phone", "phone_sanitized",
        "email", "email_normalized", "customer_rank", "create_date", "write_date",
        "lifecycle_status_id", "lifecycle_status_date", "lifecycle_first_delivery_date",
        "lifecycle_termination_date", "lifecycle_termination_reason",
    )  # fmt: skip
    STAGE_COLUMNS = (
        "seq", "partner_id", "invoice_id", "shipping_id", "user_id", "date_order", "qty", "state",
        "delivered_at",
    )  # fmt: skip
    #: Columns of sale_order / sale_order_line set per order (the others come from the prototype).
    ORDER_COLUMNS = (
        "id", "name", "partner_id", "partner_invoice_id", "partner_shipping_id", "user_id",
        "date_order", "create_date", "write_date", "validity_date", "state", "invoice_status",
        "amount_untaxed", "amount_tax", "amount_total", "delivery_status", "effective_date",
        "procurement_group_id", "access_token",
    )  # fmt: skip
    LINE_COLUMNS = (
        "id", "order_id", "order_partner_id", "salesman_id", "state", "invoice_status",
        "product_uom_qty", "price_subtotal", "price_total", "price_tax", "qty_delivered",
        "qty_to_invoice", "untaxed_amount_to_invoice", "product_packaging_qty", "create_date",
        "write_date",
    )  # fmt: skip

    def __init__(self, env, company, users, lines=True):
        self.env = env
        self.cr = env.cr
        self.company = company
        self.users = users
        self.lines = lines
        #: Clients live in the region and country of the company's address.
        self.region = (company.state_id.id or None, company.country_id.id or None)
        self.product = self._product()
        self.statuses = self._statuses()
        self.partner_proto, self.order_proto, self.line_proto = self._prototypes()
        self.stage_seq = 0
        self.cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE pl_gen_order (seq int, partner_id int, invoice_id int, "
                "shipping_id int, user_id int, date_order timestamp, qty int, state varchar, "
                "delivered_at timestamp) ON COMMIT DROP"
            )
        )

    # ------------------------------------------------------------ setup through the ORM
    def _product(self):
        products = self.env["product.product"].with_context(active_test=False, lang="en_US")
        product = products.search([("default_code", "=", PRODUCT_CODE)], limit=1)
        if not product:
            product = products.create(
                {
                    "name": PRODUCT_NAME["en_US"],
                    "default_code": PRODUCT_CODE,
                    "type": "consu",
                    "is_storable": True,
                    "list_price": PRODUCT_PRICE,
                    "invoice_policy": "order",
                    "taxes_id": [Command.clear()],
                }
            )
            _translate(product.product_tmpl_id, {"name": PRODUCT_NAME})
        return product

    def _statuses(self):
        """Status ids by plan status: the company's "at creation" one, none, and a manual one."""
        status_model = self.env["partner.lifecycle.status"].with_context(lang="en_US")
        manual = status_model.search([("name", "=", MANUAL_STATUS["name"]["en_US"])], limit=1)
        if not manual:
            manual = status_model.create(
                {
                    **{name: texts["en_US"] for name, texts in MANUAL_STATUS.items()},
                    "color": MANUAL_STATUS_COLOR,
                }
            )
            _translate(manual, MANUAL_STATUS)
        elif not manual.color:  # made by an older generator
            manual.color = MANUAL_STATUS_COLOR
        return {
            "new": self.company.lifecycle_status_on_create_id.id or None,
            "none": None,
            "manual": manual.id,
        }

    def _prototypes(self):
        """Column values of a partner, a confirmed order and its line made through the ORM.

        They are created in a savepoint that is rolled back: only their values remain.
        """
        env = self.env(context=dict(self.env.context, tracking_disable=True))
        rows = {}
        try:
            with self.cr.savepoint():
                # Clients speak the company's language and live in its time zone.
                company_partner = self.company.partner_id
                partner = (
                    env["res.partner"]
                    .with_context(**internal(NO_STATUS_KEY))
                    .create(
                        {
                            "name": "Prototype",
                            "customer_rank": 1,
                            "lang": company_partner.lang,
                            "tz": company_partner.tz,
                        }
                    )
                )
                order = (
                    env["sale.order"]
                    .with_company(self.company)
                    .create(
                        {
                            "partner_id": partner.id,
                            "company_id": self.company.id,
                            "user_id": self.users[0],
                            "order_line": [Command.create({"product_id": self.product.id})],
                        }
                    )
                )
                order.action_confirm()
                env.flush_all()
                for table, record_id in (
                    ("res_partner", partner.id),
                    ("sale_order", order.id),
                    ("sale_order_line", order.order_line.id),
                ):
                    self.cr.execute(
                        SQL("SELECT * FROM %s WHERE id = %s", SQL.identifier(table), record_id)
                    )
                    rows[table] = self.cr.dictfetchone()
                raise _Rollback
        except _Rollback:
            pass
        self.env.invalidate_all()
        return rows["res_partner"], rows["sale_order"], rows["sale_order_line"]

    # ------------------------------------------------------------ partners
    def reserve_ids(self, sequence, count):
        """Take ``count`` consecutive ids from a PostgreSQL sequence; return the first."""
        self.cr.execute(SQL("SELECT nextval(%s)", sequence))
        first = self.cr.fetchone()[0]
        if count > 1:
            self.cr.execute(SQL("SELECT setval(%s, %s)", sequence, first + count - 1))
        return first

    def load_chunk(self, plans):
        """Insert the partners of ``plans`` and stage their orders; return the partner ids."""
        count = sum(1 + len(p.contacts) + len(p.addresses) for p in plans)
        next_id = self.reserve_ids("res_partner_id_seq", count)
        partners, orders, ids = [], [], []
        for plan in plans:
            ids.append(next_id)
            next_id = self._plan_rows(plan, next_id, partners, orders)
        # Lifecycle columns are the add-on's own results: none is copied from the prototype
        # (whose confirmed order gave it figures), the recalculation computes them.
        constants = {
            k: v
            for k, v in self.partner_proto.items()
            if k not in self.PARTNER_COLUMNS and v is not None and not k.startswith("lifecycle_")
        }
        columns = (*self.PARTNER_COLUMNS, *constants)
        tail = tuple(map(_param, constants.values()))
        copy_rows(self.cr, "res_partner", columns, (row + tail for row in partners))
        copy_rows(self.cr, "pl_gen_order", self.STAGE_COLUMNS, orders)
        return ids

    def _plan_rows(self, plan, client_id, partners, orders):
        """Append the partner rows and staged order rows of one plan; return the next free id."""
        company = self.company
        created = datetime.combine(plan.joined, datetime.min.time()) + timedelta(hours=9)
        user_id = self.users[plan.index % len(self.users)]
        city, zip_code = plan.city
        status_id = self.statuses[plan.status]
        partners.append(
            (
                client_id, plan.name, plan.name, None, client_id,
                plan.name if plan.is_company else None, "contact", plan.is_company, company.id,
                user_id, f"C{plan.index + 1:07d}", None, plan.street, city, zip_code,
                *self.region, plan.phone, "+" + "".join(c for c in plan.phone if c.isdigit()),
                plan.email, plan.email, 1, created, created, status_id,
                plan.status_date if status_id else None, plan.first_delivery, plan.terminated,
                plan.termination_reason,
            )
        )  # fmt: skip
        child_id = client_id + 1
        contact_ids = []
        for name, function in plan.contacts:
            partners.append(
                self._child_row(plan, client_id, child_id, name, "contact", function, created)
            )
            contact_ids.append(child_id)
            child_id += 1
        address_ids = []
        for spot, street, zip_code in plan.addresses:
            partners.append(
                self._child_row(
                    plan, client_id, child_id, spot, "delivery", None, created, street, zip_code
                )
            )
            address_ids.append(child_id)
            child_id += 1
        for order in plan.orders:
            self.stage_seq += 1
            orders.append(
                (
                    self.stage_seq,
                    client_id if order.contact is None else contact_ids[order.contact],
                    client_id,
                    client_id if order.address is None else address_ids[order.address],
                    user_id,
                    order.moment,
                    order.qty,
                    "sale" if order.confirmed else "cancel",
                    order.delivered,
                )
            )
        return child_id

    def _child_row(
        self, plan, parent_id, child_id, name, kind, function, created, street=None, zip_code=None
    ):
        """A contact person (``function``) or a delivery address (``street``) of an office."""
        city, client_zip = plan.city
        return (
            child_id, name, f"{plan.name}, {name}", parent_id, parent_id, plan.name, kind, False,
            self.company.id, None, None, function, street or plan.street, city,
            zip_code or client_zip, *self.region, None, None, None, None, 0, created, created,
            None, None, None, None, None,
        )  # fmt: skip

    # ------------------------------------------------------------ orders
    def finish(self):
        """Move the staged orders into sale_order (and lines) in date order; return the count."""
        cr = self.cr
        cr.execute(
            SQL(
                "CREATE TEMPORARY TABLE pl_gen_ranked ON COMMIT DROP AS "
                "SELECT row_number() OVER (ORDER BY date_order, seq) AS rn, * FROM pl_gen_order"
            )
        )
        cr.execute(SQL("SELECT count(*) FROM pl_gen_ranked"))
        count = cr.fetchone()[0]
        if count:
            first_id = self.reserve_ids("sale_order_id_seq", count)
            sequence, first_number = self._reserve_names(count)
            self._insert_orders(first_id, sequence, first_number)
            if self.lines:
                self._insert_lines(first_id, count)
        cr.execute(SQL("DROP TABLE pl_gen_ranked; DROP TABLE pl_gen_order"))
        return count

    def _reserve_names(self, count):
        """The company's sale.order sequence and the first of ``count`` numbers taken from it."""
        sequence = (
            self.env["ir.sequence"]
            .sudo()
            .search(
                [("code", "=", "sale.order"), ("company_id", "in", [self.company.id, False])],
                order="company_id",
                limit=1,
            )
        )
        first = sequence.number_next_actual
        sequence.write({"number_next": first + count})
        return sequence, first

    def _constants(self, row, per_row):
        """Prototype columns not set per row, as (column SQL list, value SQL list)."""
        names = [k for k, v in row.items() if k not in per_row and v is not None]
        return (
            [SQL.identifier(name) for name in names],
            [SQL("%s", _param(row[name])) for name in names],
        )

    def _insert_orders(self, first_id, sequence, first_number):
        prefix, suffix = sequence._get_prefix_suffix()
        price = self.line_proto["price_unit"] if self.lines else 0
        names, values = self._constants(self.order_proto, self.ORDER_COLUMNS)
        self.cr.execute(
            SQL(
                """INSERT INTO sale_order (%(columns)s)
                   SELECT %(first_id)s + r.rn - 1,
                          %(prefix)s || lpad(n.number, greatest(%(padding)s, length(n.number)), '0')
                              || %(suffix)s,
                          r.partner_id, r.invoice_id, r.shipping_id, r.user_id,
                          r.date_order, r.date_order, r.date_order,
                          (r.date_order + interval '30 days')::date, r.state,
                          CASE WHEN r.state = 'sale' THEN 'to invoice' ELSE 'no' END,
                          r.qty * %(price)s, 0, r.qty * %(price)s,
                          CASE WHEN r.state <> 'sale' THEN NULL
                               WHEN r.delivered_at IS NULL THEN 'pending' ELSE 'full' END,
                          CASE WHEN r.state = 'sale' THEN r.delivered_at END,
                          NULL, NULL, %(values)s
                     FROM pl_gen_ranked r,
                          LATERAL (SELECT (%(first_number)s + r.rn - 1)::text AS number) n
                 ORDER BY r.rn""",
                columns=SQL(", ").join([SQL.identifier(c) for c in self.ORDER_COLUMNS] + names),
                first_id=first_id,
                prefix=prefix,
                suffix=suffix,
                padding=sequence.padding,
                price=price,
                first_number=first_number,
                values=SQL(", ").join(values),
            )
        )

    def _insert_lines(self, first_id, count):
        first_line = self.reserve_ids("sale_order_line_id_seq", count)
        price = self.line_proto["price_unit"]
        names, values = self._constants(self.line_proto, self.LINE_COLUMNS)
        self.cr.execute(
            SQL(
                """INSERT INTO sale_order_line (%(columns)s)
                   SELECT %(first_line)s + r.rn - 1, %(first_id)s + r.rn - 1, r.partner_id,
                          r.user_id, r.state,
                          CASE WHEN r.state = 'sale' THEN 'to invoice' ELSE 'no' END,
                          r.qty, r.qty * %(price)s, r.qty * %(price)s, 0,
                          CASE WHEN r.state = 'sale' AND r.delivered_at IS NOT NULL
                               THEN r.qty ELSE 0 END,
                          CASE WHEN r.state = 'sale' THEN r.qty ELSE 0 END,
                          CASE WHEN r.state = 'sale' THEN r.qty * %(price)s ELSE 0 END,
                          0, r.date_order, r.date_order, %(values)s
                     FROM pl_gen_ranked r
                 ORDER BY r.rn""",
                columns=SQL(", ").join([SQL.identifier(c) for c in self.LINE_COLUMNS] + names),
                first_line=first_line,
                first_id=first_id,
                price=price,
                values=SQL(", ").join(values),
            )
        )


# ---------------------------------------------------------------------- entry point
def generate(
    env,
    clients=300,
    seed=1,
    years=2,
    today=None,
    company=None,
    lines=True,
    salespeople=(),
    analyze=True,
    details=False,
):
    """Load ``clients`` planned clients and their orders; return a summary dict.

    ``salespeople`` are user ids the clients are spread over (default: the
    current user). With ``details``, the summary maps each behaviour to the
    ids of its clients (``client_ids``). The caller commits. Nothing is
    recalculated: every client starts without frequency facts.
    """
    started = time.monotonic()
    today = today or fields.Date.context_today(env.user)
    company = (company or env.company).sudo()
    users = list(salespeople) or [env.uid]
    env = env(context=dict(env.context, tracking_disable=True))
    env.flush_all()
    loader = Loader(env, company, users, lines=lines)
    population = Population(seed, today, years)
    kinds, orders_confirmed, orders_cancelled, partners = Counter(), 0, 0, 0
    first_id = last_id = None
    client_ids = {}
    with without_checks(env.cr, BULK_TABLES):
        for offset in range(0, clients, CLIENTS_PER_CHUNK):
            plans = population.plans(min(CLIENTS_PER_CHUNK, clients - offset), offset)
            ids = loader.load_chunk(plans)
            first_id = first_id or ids[0]
            last_id = ids[-1]
            for plan, client_id in zip(plans, ids, strict=True):
                if details:
                    client_ids.setdefault(plan.kind, []).append(client_id)
                kinds[plan.kind] += 1
                partners += 1 + len(plan.contacts) + len(plan.addresses)
                confirmed = sum(o.confirmed for o in plan.orders)
                orders_confirmed += confirmed
                orders_cancelled += len(plan.orders) - confirmed
            _logger.info("planned and copied %s of %s clients", offset + len(plans), clients)
        loader.finish()
        _logger.info("orders inserted; rebuilding indexes and foreign keys")
    # The clients were written in SQL, without the New history row a creation writes:
    # their rows of the funnel's stages, as a creation gives them.
    env["partner.lifecycle.funnel.stage"]._add_missing()
    if analyze:
        env.cr.execute(SQL("ANALYZE res_partner, sale_order, sale_order_line"))
    env.invalidate_all()
    summary = {
        "clients": clients,
        "partners": partners,
        "orders_confirmed": orders_confirmed,
        "orders_cancelled": orders_cancelled,
        "kinds": dict(sorted(kinds.items())),
        "first_client_id": first_id,
        "last_client_id": last_id,
        "company_id": company.id,
        "today": today.isoformat(),
        "seed": seed,
        "years": years,
        "lines": lines,
        "seconds": round(time.monotonic() - started, 1),
    }
    if details:
        summary["client_ids"] = client_ids
    return summary


def parse_args(argv, prog="generate", clients=2000):
    """The options of the ``generate`` command (also those of ``demo``)."""
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=clients)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--years", type=float, default=2)
    parser.add_argument("--today", type=date.fromisoformat, default=None)
    parser.add_argument("--company-id", type=int, default=None)
    parser.add_argument("--no-lines", dest="lines", action="store_false")
    parser.add_argument("--salespeople", type=int, default=0, help="create N salespeople")
    return parser.parse_args(argv)


def main(env, argv):
    """``run_odoo.py -d DB -- generate [--clients N] ...``: load, commit, print a summary."""
    args = parse_args(argv)
    company = env["res.company"].browse(args.company_id) if args.company_id else env.company
    summary = generate(
        env,
        clients=args.clients,
        seed=args.seed,
        years=args.years,
        today=args.today,
        company=company,
        lines=args.lines,
        salespeople=create_salespeople(env, company, args.salespeople),
    )
    env.cr.commit()
    print(json.dumps(summary, indent=1))
    return summary


#: Salespeople: name and login.
SALESPEOPLE = (
    ("Анна Белова", "anna.belova"),
    ("Олег Крылов", "oleg.krylov"),
    ("Марина Титова", "marina.titova"),
    ("Виктор Громов", "viktor.gromov"),
    ("Дарья Лапина", "daria.lapina"),
)


def create_salespeople(env, company, count):
    """Ids of ``count`` salespeople of ``company`` (created when missing), who work in the
    language and time zone of the company's address."""
    users = env["res.users"].with_context(no_reset_password=True)
    group = env.ref("sales_team.group_sale_salesman")
    ids = []
    for name, login in SALESPEOPLE[:count]:
        user = users.search([("login", "=", login)], limit=1) or users.create(
            {
                "name": name,
                "login": login,
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set([group.id])],
                "lang": company.partner_id.lang or "en_US",
                "tz": company.partner_id.tz,
            }
        )
        ids.append(user.id)
    return ids
