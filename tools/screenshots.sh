#!/usr/bin/env bash
# Screenshots of the main screens of a running server, in English and in Russian, for the README.
#
#     tools/screenshots.sh [--url http://localhost:8069] [--login admin] [--password admin]
#                          [--out docs/screenshots]
#
# Logs in to a running server (tools/demo.sh serves one) with Debian's chromium driven by
# playwright (requirements/screenshots.txt, in a cached environment; chromium is installed with
# apt-get when missing and run as root) and saves 1280x800 PNGs (256 colours) of the client
# list (due tomorrow, grouped by status), a client card on its Lifecycle tab, the report of
# status changes, the settings block, the newest delivery plan with lines and its route
# sheet (900x1273), then that plan on a 390x844 phone (its clients as cards): in OUT/en/, then
# with the user's language switched to Russian by JSON-RPC (installed when missing) in
# OUT/ru/. The language is restored at the end.
set -uo pipefail
# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PL_ROOT" || exit 1

URL=http://localhost:8069 LOGIN=admin PASSWORD=admin OUT=docs/screenshots
while [ $# -gt 0 ]; do
    case $1 in
        --url) URL=${2:?--url needs a value} && shift ;;
        --login) LOGIN=${2:?--login needs a value} && shift ;;
        --password) PASSWORD=${2:?--password needs a value} && shift ;;
        --out) OUT=${2:?--out needs a folder} && shift ;;
        -h | --help) sed -n '2,13p' "$0" | cut -c3- && exit 0 ;;
        *) echo "unknown argument: $1 (see tools/screenshots.sh --help)" >&2 && exit 2 ;;
    esac
    shift
done

build_shots_venv() { "$1/bin/pip" install -q -r "$PL_ROOT/requirements/screenshots.txt"; }
VENV=$PL_CACHE/shots-$(pl_hash "$PL_ROOT/requirements/screenshots.txt" -- "recipe $PL_RECIPE")
pl_with_lock shots-venv pl_venv "$VENV" build_shots_venv || exit 1
pl_require_chromium || exit 1
CHROMIUM=$(command -v chromium || command -v chromium-browser || command -v google-chrome)
curl -sf -o /dev/null "$URL/web/login" || { echo "No Odoo answers on $URL (start tools/demo.sh)" >&2 && exit 1; }

"$VENV/bin/python" - "$URL" "$LOGIN" "$PASSWORD" "$OUT" "$CHROMIUM" <<'EOF'
import os
import sys
from pathlib import Path
from xml.etree import ElementTree

from PIL import Image
from playwright.sync_api import sync_playwright

url, login, password, out, chromium = sys.argv[1:]
TAB = "a.nav-link[name=partner_lifecycle]"


def rpc(page, model, method, *args, **kwargs):
    params = {"model": model, "method": method, "args": list(args), "kwargs": kwargs}
    reply = page.request.post(
        f"{url}/web/dataset/call_kw", data={"jsonrpc": "2.0", "method": "call", "params": params}
    ).json()
    if "error" in reply:
        sys.exit(f"{model}.{method}: {reply['error']['data']['message']}")
    return reply["result"]


def settle(page, selector):
    """Wait for ``selector``, then for the screen to finish drawing (the bus never idles)."""
    page.wait_for_selector(selector, state="visible", timeout=60000)
    page.wait_for_timeout(1500)


def shoot(page, folder, name):  # a PNG of 256 colours
    path = folder / f"{name}.png"
    page.screenshot(path=path)
    Image.open(path).convert("RGB").quantize(256).save(path, optimize=True)
    print(f"{path} ({path.stat().st_size // 1024} KiB)")


def search_label(page, name, lang):
    """The label of the client list's filter or group-by ``name`` in ``lang``."""
    views = rpc(page, "res.partner", "get_views", [[False, "search"]], context={"lang": lang})
    arch = views["views"]["search"]["arch"]
    return ElementTree.fromstring(arch).find(f".//filter[@name='{name}']").get("string")


def plan_screens(page, phone, folder, plan_id):
    """The plan on a desktop (its clients as a list) and on a phone (as cards)."""
    page.goto(f"{url}/odoo/action-partner_lifecycle.partner_lifecycle_planning_action/{plan_id}")
    settle(page, ".o_field_widget[name=line_ids] .o_data_row")
    page.mouse.move(0, 400)
    shoot(page, folder, "plan")
    phone.goto(f"{url}/odoo/action-partner_lifecycle.partner_lifecycle_planning_action/{plan_id}")
    settle(phone, ".o_field_widget[name=line_ids] .o_kanban_record")
    phone.locator(".o_field_widget[name=line_ids]").evaluate("lines => lines.scrollIntoView()")
    phone.wait_for_timeout(500)
    shoot(phone, folder, "plan_mobile")


def screens(page, folder, client_id, lang, user):
    folder.mkdir(parents=True, exist_ok=True)
    page.goto(f"{url}/odoo/contacts?view_type=list")
    settle(page, ".o_list_view")
    while page.locator(".o_searchview_facet .o_facet_remove").count():  # the favourite too
        page.locator(".o_searchview_facet .o_facet_remove").first.click()
        page.wait_for_timeout(500)
    page.click(".o_searchview_dropdown_toggler")
    for name in ("lifecycle_due_tomorrow", "group_lifecycle_status"):
        page.get_by_role("menuitemcheckbox", name=search_label(page, name, lang), exact=True).click()
    page.keyboard.press("Escape")
    settle(page, ".o_list_view .o_group_header")
    for header in page.locator(".o_group_header").all()[:4]:  # open the first groups
        header.click()
        page.wait_for_timeout(1000)
    settle(page, ".o_list_view .o_data_row")
    page.locator(".o_content").evaluate("content => content.scrollTo(0, 0)")
    shoot(page, folder, "clients")
    page.goto(f"{url}/odoo/contacts/{client_id}")
    settle(page, TAB)
    page.locator(TAB).click()
    page.mouse.move(0, 400)  # no tooltip in the picture
    settle(page, ".o_field_widget[name=lifecycle_history_ids] .o_data_row")
    shoot(page, folder, "card")
    page.goto(f"{url}/odoo/action-partner_lifecycle.action_partner_lifecycle_history_report")
    settle(page, ".o_pivot_view .o_pivot table")
    shoot(page, folder, "history")
    page.goto(f"{url}/odoo/settings")
    settle(page, "#partner_lifecycle_settings")
    page.locator("#partner_lifecycle_settings").evaluate("block => block.scrollIntoView()")
    page.wait_for_timeout(500)
    shoot(page, folder, "settings")
    plans = rpc(page, "partner.lifecycle.planning", "search", [("line_ids", "!=", False)],
                order="date_from desc, id desc", limit=1)
    if plans:  # the route sheet as its PDF shows it, on a page of A4 proportions, in the
        # language of the plan's responsible: the user taking the screenshots
        rpc(page, "partner.lifecycle.planning", "write", plans, {"user_id": user["id"]})
        page.set_viewport_size({"width": 900, "height": 1273})
        page.goto(f"{url}/report/html/partner_lifecycle.report_route_sheet/{plans[0]}")
        settle(page, ".o_lifecycle_route_sheet")
        shoot(page, folder, "route_sheet")
        page.set_viewport_size({"width": 1280, "height": 800})


with sync_playwright() as playwright:
    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    browser = playwright.chromium.launch(executable_path=chromium, args=args)
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(f"{url}/web/login")
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/odoo**", timeout=60000)
    phone = browser.new_context(
        storage_state=page.context.storage_state(),
        viewport={"width": 390, "height": 844},
        is_mobile=True,
        has_touch=True,
    ).new_page()
    plan = rpc(page, "partner.lifecycle.planning", "search",
               [("state", "=", "draft"), ("line_ids", "!=", False)], order="id desc", limit=1)
    user = rpc(page, "res.users", "search_read", [("login", "=", login)], ["lang"])[0]
    clients = [("is_company", "=", True), ("lifecycle_status_id", "!=", False)]
    client = rpc(page, "res.partner", "search", clients, order="lifecycle_order_count desc", limit=1)
    if not client:
        sys.exit("No client with a status: is partner_lifecycle installed with data?")
    ru = rpc(page, "res.lang", "search_read", [("code", "=", "ru_RU")], ["active"],
             context={"active_test": False})[0]
    try:
        rpc(page, "res.users", "write", [user["id"]], {"lang": "en_US"})
        screens(page, Path(out, "en"), client[0], "en_US", user)
        if plan:
            plan_screens(page, phone, Path(out, "en"), plan[0])
        if not ru["active"]:
            print("Installing Russian")
            wizard = rpc(page, "base.language.install", "create", {"lang_ids": [(6, 0, [ru["id"]])]})
            rpc(page, "base.language.install", "lang_install", [wizard])
        rpc(page, "res.users", "write", [user["id"]], {"lang": "ru_RU"})
        screens(page, Path(out, "ru"), client[0], "ru_RU", user)
        if plan:
            plan_screens(page, phone, Path(out, "ru"), plan[0])
    finally:
        rpc(page, "res.users", "write", [user["id"]], {"lang": user["lang"]})
    browser.close()
EOF
