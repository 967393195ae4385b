"""(i) Screens: the server time of the calls the web client makes when a screen opens.

Each screen is opened as a sales manager (a user created for the measure, with the
rights of ``sales_team.group_sale_manager``: record rules apply), with an empty cache:

- a pivot view: one ``read_group`` (``lazy=False``) per combination of the prefixes of
  its row and column group-bys, with its measures, as Odoo 18's pivot asks them;
- a graph view: one ``web_read_group`` (``lazy=False``) with its group-bys and measure;
- a list: ``web_search_read`` with the fields of the list view, ``limit`` 80 and the
  count (``count_limit`` 10,001), as the list loads; grouped, one ``web_read_group``
  (``lazy=True``, 80 groups).

The domain is the action's domain and the search view's default filters, evaluated
with the benchmark's today. The screens are the lifecycle reports of Contacts >
Reporting, the contacts list with each dispatcher filter of the partner search view
that the add-on adds, and the contacts grouped by client status. Nothing is written:
the user is rolled back at the end.

The screens are opened on tables as autovacuum leaves them after the runs measured
before (``TABLES`` vacuumed and analysed first): a full pass rewrites every client,
and an index-only scan read right after it would fetch each heap page again.
"""

import time
from datetime import date

from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import Command
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_datetime
from odoo.tools.safe_eval import safe_eval

#: Tables the screens read, vacuumed and analysed before they are opened.
TABLES = (
    "res_partner",
    "sale_order",
    "partner_lifecycle_history",
    "partner_lifecycle_funnel_stage",
    "partner_lifecycle_cohort_cell",
    "partner_lifecycle_cohort_client_month",
)

#: Target of every screen, up to 100,000 clients and above.
TARGET_SECONDS = 1.0
TARGET_SECONDS_1M = 3.0
LIST_LIMIT = 80
COUNT_LIMIT = 10001
#: The partner search view of the add-on, whose ``lifecycle_*`` filters are measured.
PARTNER_SEARCH = "partner_lifecycle.view_res_partner_filter"
CONTACTS_LIST = "base.view_partner_tree"

#: (screen, action, view type, extra filter names of the search view)
REPORTS = (
    ("funnel", "partner_lifecycle.partner_lifecycle_report_funnel_action", "pivot"),
    ("sleeping flow", "partner_lifecycle.partner_lifecycle_report_flow_action", "pivot"),
    ("cohorts", "partner_lifecycle.partner_lifecycle_report_cohort_action", "pivot"),
    ("status history", "partner_lifecycle.action_partner_lifecycle_history_report", "pivot"),
    ("revenue by client status", "partner_lifecycle.sale_report_action_lifecycle_status", "pivot"),
    ("clients by status", "partner_lifecycle.partner_lifecycle_report_action", "pivot"),
)


def target(clients):
    """The target in seconds of a screen at this many clients."""
    return TARGET_SECONDS if clients <= 100_000 else TARGET_SECONDS_1M


def sales_manager(env):
    """A user with the rights of a sales manager (and an internal user's), in the company."""
    groups = env.ref("sales_team.group_sale_manager") | env.ref("base.group_user")
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Screens Benchmark Manager",
                "login": "screens.benchmark.manager",
                "company_id": env.company.id,
                "company_ids": [Command.set(env.company.ids)],
                "groups_id": [Command.set(groups.ids)],
            }
        )
    )


def eval_context(env, today):
    return {
        "context_today": lambda: today,
        "relativedelta": relativedelta,
        "datetime": safe_datetime,
        "uid": env.uid,
    }


def search_filters(env, model, search_view_id, today):
    """Filter name -> (domain, group_by) of the search view (its full, inherited arch)."""
    view = env[model].get_views([(search_view_id, "search")])["views"]["search"]
    filters = {}
    for node in etree.fromstring(view["arch"]).iter("filter"):
        if not node.get("name"):
            continue
        context = safe_eval(node.get("context") or "{}", eval_context(env, today))
        domain = safe_eval(node.get("domain") or "[]", eval_context(env, today))
        filters[node.get("name")] = (domain, context.get("group_by"))
    return filters


def action_domain(env, action, today):
    """The action's domain and the default filters of its context (search_default_*)."""
    context = safe_eval(action.context or "{}", eval_context(env, today))
    domain = safe_eval(action.domain or "[]", eval_context(env, today))
    search_view = action.search_view_id.id or False
    filters = search_filters(env, action.res_model, search_view, today)
    for key, value in context.items():
        name = key.removeprefix("search_default_")
        if key.startswith("search_default_") and value and name in filters:
            domain = [*domain, *filters[name][0]] if filters[name][0] else domain
    return domain


def pivot_calls(env, model, view_id, domain):
    """The read_group calls of a pivot view: every prefix of the rows x of the columns."""
    arch = env[model].get_views([(view_id, "pivot")])["views"]["pivot"]["arch"]
    root = etree.fromstring(arch)
    fields = env[model]._fields
    rows, cols, measures = [], [], []
    for node in root.iter("field"):
        name, kind = node.get("name"), node.get("type")
        spec = (
            f"{name}:{node.get('interval') or 'month'}"
            if fields[name].type
            in (
                "date",
                "datetime",
            )
            else name
        )
        if kind == "row":
            rows.append(spec)
        elif kind == "col":
            cols.append(spec)
        elif kind == "measure":
            measures.append(f"{name}:{fields[name].aggregator}")
    if root.get("display_quantity") or not measures:
        measures.insert(0, "__count")
    calls = []
    for i in range(len(rows) + 1):
        for j in range(len(cols) + 1):
            groupby = rows[:i] + cols[:j]
            calls.append(("read_group", (domain, measures, groupby), {"lazy": False}))
    return calls


def list_spec(env, model, view_id):
    """The web_read specification of the list view's fields."""
    arch = env[model].get_views([(view_id, "list")])["views"]["list"]["arch"]
    fields = env[model]._fields
    spec = {}
    for node in etree.fromstring(arch).iterchildren("field"):
        field = fields[node.get("name")]
        relational = field.type in ("many2one", "many2many", "one2many")
        spec[field.name] = {"fields": {"display_name": {}}} if relational else {}
    return spec


def list_calls(env, domain):
    """The contacts list: web_search_read of the list's fields, 80 rows, with the count."""
    spec = list_spec(env, "res.partner", env.ref(CONTACTS_LIST).id)
    kwargs = {"specification": spec, "limit": LIST_LIMIT, "count_limit": COUNT_LIMIT}
    return [("web_search_read", (domain,), kwargs)]


def grouped_list_calls(domain, groupby):
    """The contacts list grouped by one field: web_read_group, 80 groups."""
    kwargs = {"lazy": True, "limit": LIST_LIMIT, "offset": 0}
    return [("web_read_group", (domain, [], [groupby]), kwargs)]


def screens(env, today):
    """(name, model, calls) of every screen measured."""
    found = []
    for name, xmlid, view_type in REPORTS:
        action = env.ref(xmlid).sudo()
        view = next((v.view_id.id for v in action.view_ids if v.view_mode == view_type), False)
        view = view or (action.view_id.id if action.view_id.type == view_type else False)
        domain = action_domain(env, action, today)
        found.append((name, action.res_model, pivot_calls(env, action.res_model, view, domain)))
    filters = search_filters(env, "res.partner", env.ref(PARTNER_SEARCH).id, today)
    for name, (domain, _groupby) in filters.items():
        if name.startswith("lifecycle_") and domain:
            found.append((f"contacts: {name}", "res.partner", list_calls(env, domain)))
    domain, groupby = filters["group_lifecycle_status"]
    found.append(
        ("contacts grouped by client status", "res.partner", grouped_list_calls(domain, groupby))
    )
    return found


def open_screen(env, model, calls):
    """Seconds and rows (records or groups) of one opening with an empty cache."""
    env.invalidate_all()
    rows = 0
    started = time.perf_counter()
    for method, args, kwargs in calls:
        answer = getattr(env[model], method)(*args, **kwargs)
        if isinstance(answer, dict):
            rows += len(answer.get("records") or answer.get("groups") or [])
        else:
            rows += len(answer)
    return time.perf_counter() - started, rows


def measure(env, today, runs, clients):
    """(i): each screen opened ``runs`` times as a sales manager; rolled back."""
    user = sales_manager(env)
    uenv = env(user=user.id, context={**env.context, "uid": user.id})
    bound = target(clients)
    found = []
    for name, model, calls in screens(uenv, today or date.today()):
        seconds = []
        for _run in range(runs):
            elapsed, rows = open_screen(uenv, model, calls)
            seconds.append(elapsed)
        found.append(
            {
                "screen": name,
                "model": model,
                "calls": len(calls),
                "rows": rows,
                "seconds": sorted(seconds)[len(seconds) // 2],
                "min": min(seconds),
                "bound": bound,
            }
        )
        print(f"(i) {name}: {found[-1]['seconds']:.3f} s, {len(calls)} calls", flush=True)
    env.cr.rollback()
    env.invalidate_all()
    return found


def lines(result):
    """The table's lines of (i)."""
    out = [f"{'(i) screens, as a sales manager':<44}{'calls':>6}{'rows':>8}{'median s':>10}"]
    for row in result.get("screens", []):
        out.append(
            f"    {row['screen']:<40}{row['calls']:>6}{row['rows']:>8}{row['seconds']:>10.3f}"
        )
    return out if len(out) > 1 else []


def checks(result):
    """The targets of (i), one per screen."""
    return [
        {
            "target": f"(i) {row['screen']} < {row['bound']:g} s",
            "value": round(row["seconds"], 4),
            "bound": row["bound"],
            "unit": "s",
            "met": row["seconds"] <= row["bound"],
        }
        for row in result.get("screens", [])
    ]


def computed(env):
    """Whether the clients were computed (a recalculation ran on the generated data)."""
    env.cr.execute(
        SQL("SELECT EXISTS(SELECT 1 FROM res_partner WHERE lifecycle_last_order_date IS NOT NULL)")
    )
    return env.cr.fetchone()[0]
