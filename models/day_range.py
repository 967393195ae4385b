"""The one way a range of days is written for a reader: "12–15 Dec" in his language."""

from babel.dates import format_interval

from odoo.tools.misc import babel_locale_parse, get_lang


def format_day_range(env, first, last):
    """``first`` to ``last`` in the reader's language, month once when it is the same
    ("12–15 Dec", "12–15 дек."); one day when both are the same; "" without a range."""
    if not first or not last:
        return ""
    locale = babel_locale_parse(get_lang(env).code)
    return format_interval(first, last, skeleton="MMMd", locale=locale)
