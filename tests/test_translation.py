import re
from collections import Counter

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools import file_path

from ..models.partner_lifecycle_history import REASONS

#: Python-format placeholders: %(name)s, %s, %d, ... (a literal "%%" is not one).
PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[sdfr%]")


@tagged("post_install", "-at_install")
class TestTranslation(TransactionCase):
    """The Russian translation loads and reaches data records and Python messages."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["ir.module.module"]._load_module_terms(
            ["partner_lifecycle"], ["ru_RU"], overwrite=True
        )
        cls.env_ru = cls.env(context=dict(cls.env.context, lang="ru_RU"))

    def test_status_names(self):
        """The shipped statuses read in Russian with the Russian language."""
        names = {
            "status_new": "Новый",
            "status_working": "Рабочий",
            "status_permanent": "Постоянный",
            "status_sleeping": "Спящий",
            "status_former": "Бывший",
        }
        for xmlid, name in names.items():
            with self.subTest(xmlid=xmlid):
                status = self.env_ru.ref(f"partner_lifecycle.{xmlid}")
                self.assertEqual(status.name, name)
                self.assertNotEqual(status.with_context(lang="en_US").name, name)

    def test_reason_in_the_readers_language(self):
        """One stored reason reads in Russian and in English, its date in each format."""
        history = self.env["partner.lifecycle.history"]
        english = history.with_context(lang="en_US")
        self.assertEqual(
            self.env_ru["partner.lifecycle.history"]._reason_text(
                "sleeping", {"days": 195, "limit": 180}
            ),
            "Нет заказов 195 дн. (порог 180)",
        )
        self.assertEqual(
            english._reason_text("sleeping", {"days": 195, "limit": 180}),
            "No order for 195 days (limit 180)",
        )
        params = {"date": "2026-09-28"}
        self.assertEqual(
            english._reason_text("working_delivery", params), "First delivery on 09/28/2026"
        )
        self.assertEqual(
            self.env_ru["partner.lifecycle.history"]._reason_text("working_delivery", params),
            "Первая доставка 28.09.2026",
        )

    def test_every_reason_translated(self):
        """Each reason code has its Russian words."""
        history = self.env_ru["partner.lifecycle.history"]
        for code, text in REASONS.items():
            with self.subTest(code=code):
                self.assertNotEqual(history.env._(text), str(text))

    def test_wizard_messages_in_russian(self):
        """The recalculation wizard's summary: Russian text and Russian status names."""
        jobs = self.env_ru["partner.lifecycle.job"]
        sleeping = self.env.ref("partner_lifecycle.status_sleeping")
        self.assertEqual(
            jobs._format_counts(Counter({"clients": 5})),
            "Проверено клиентов: 5, изменено: 0.",
        )
        self.assertEqual(
            jobs._format_counts(Counter({"clients": 5, "changed": 2, f"status:{sleeping.id}": 2})),
            "Проверено клиентов: 5, изменено: 2.\nСпящий: 2",
        )

    def test_po_file_consistent(self):
        """ru.po: no fuzzy entry (Odoo would load it) and the same placeholders as the source."""
        po = polib.pofile(file_path("partner_lifecycle/i18n/ru.po"))
        self.assertFalse([entry.msgid for entry in po.fuzzy_entries()])
        for entry in po.translated_entries():
            with self.subTest(msgid=entry.msgid):
                self.assertEqual(
                    sorted(PLACEHOLDER.findall(entry.msgstr)),
                    sorted(PLACEHOLDER.findall(entry.msgid)),
                )
