#!/usr/bin/env bash
# Regenerate i18n/partner_lifecycle.pot from a real Odoo 18 database and merge
# every i18n/<lang>.po with it (gettext's msgmerge), keeping the translations:
#
#     tools/i18n_export.sh            export the .pot, merge the .po files, report
#     tools/i18n_export.sh --check    the same, then exit 1 when a .po file has
#                                     untranslated or fuzzy entries
#     tools/i18n_export.sh --keep-db  keep the export database (its name is printed)
#
# How it works:
# 1. installs the add-on into a new database copied from a sale_stock template,
#    without demo data;
# 2. exports the add-on's terms with Odoo itself (odoo-bin --i18n-export
#    --modules=partner_lifecycle): fields, selections, views, menus, actions, data
#    records, constraints and the Python strings (self.env._ and _lt);
# 3. writes i18n/partner_lifecycle.pot, unless only its dates changed;
# 4. merges each i18n/*.po with msgmerge: existing translations are kept, new terms
#    come in untranslated, changed terms come in as "fuzzy" with the old text
#    (#| msgid ...) and the old translation as a suggestion, removed terms are
#    dropped. Odoo loads fuzzy entries like any other, so review them: fix the
#    translation and delete the "fuzzy" flag;
# 5. checks every .po with msgfmt -c and prints, per language, the translated,
#    fuzzy and untranslated counts and the entries that need work.
# A new language starts from the template, e.g. for German:
#     msginit --no-translator -l de -i i18n/partner_lifecycle.pot -o i18n/de.po
#
# Settings (environment):
#   ODOO_SRC            an Odoo 18 source tree (default /opt/odoo18), see tools/odoo_env.sh
#   ODOO_PYTHON         a Python with Odoo's requirements (default: the cached virtual
#                       environment of tools/odoo_env.sh, built when missing)
#   PL_I18N_TEMPLATE_DB a database with sale_stock installed and no demo data to copy
#                       (default: the cached template of tools/odoo_env.sh, built when missing)
#   PL_I18N_DB          the name of the export database (default partner_lifecycle_i18n_<pid>)
# Needs gettext (msgmerge, msgfmt, msgattrib): apt-get install gettext.

# shellcheck disable=SC2317 # cleanup runs through trap
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT" || exit 1
PL_ROOT=$ROOT
# shellcheck source=tools/odoo_env.sh
source "$ROOT/tools/odoo_env.sh"

CHECK=0
KEEP_DB=0
for arg in "$@"; do
    case $arg in
        --check) CHECK=1 ;;
        --keep-db) KEEP_DB=1 ;;
        -h | --help)
            sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "unknown argument: $arg (see tools/i18n_export.sh --help)" >&2
            exit 2
            ;;
    esac
done

die() {
    pl_say "i18n_export: $*"
    exit 1
}

for tool in msgmerge msgfmt msgattrib; do
    command -v "$tool" >/dev/null || die "$tool not found: install gettext (apt-get install gettext)"
done

I18N=$ROOT/i18n
POT=$I18N/$PL_MODULE.pot
DB=${PL_I18N_DB:-${PL_MODULE}_i18n_$$}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/partner_lifecycle_i18n.XXXXXX") || exit 1
PL_ADDONS_DIR=
DB_CREATED=0

cleanup() {
    if [ "$DB_CREATED" = 1 ]; then
        if [ "$KEEP_DB" = 1 ]; then
            pl_say "Kept the export database $DB"
        else
            pl_drop_db "$DB"
        fi
    fi
    [ -n "$PL_ADDONS_DIR" ] && rm -rf "$PL_ADDONS_DIR"
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- 1. Odoo, PostgreSQL and the export database ------------------------------

pl_find_odoo || die "$PL_ODOO_SKIP"
if [ -n "${ODOO_PYTHON:-}" ]; then
    PL_ODOO_PYTHON=$ODOO_PYTHON
else
    pl_odoo_venv || die "no Python environment for Odoo"
fi
pl_start_postgres || die "PostgreSQL is not available"
if [ -n "${PL_I18N_TEMPLATE_DB:-}" ]; then
    PL_TEMPLATE_DB=$PL_I18N_TEMPLATE_DB
    pl_db_exists "$PL_TEMPLATE_DB" || die "template database $PL_TEMPLATE_DB does not exist"
else
    pl_template_db || die "could not build the template database"
fi
pl_make_addons_dir || die "could not create the addons folder"

odoo_step() {
    # odoo_step LOG ARGS...: run Odoo into LOG; fail on a non-zero exit or an error line.
    local log=$1
    shift
    if ! pl_odoo "$@" --log-level=warn >"$log" 2>&1 ||
        grep -Eq '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log"; then
        tail -n 40 "$log" >&2
        return 1
    fi
}

pl_drop_db "$DB"
pl_say "Creating the database $DB from $PL_TEMPLATE_DB"
pl_new_db "$DB" || die "could not create the database $DB"
DB_CREATED=1
pl_say "Installing $PL_MODULE"
odoo_step "$WORK/install.log" -d "$DB" -i "$PL_MODULE" --stop-after-init ||
    die "installing $PL_MODULE failed"

# --- 2. export the template ---------------------------------------------------

pl_say "Exporting the terms of $PL_MODULE"
odoo_step "$WORK/export.log" -d "$DB" --i18n-export="$WORK/$PL_MODULE.pot" \
    --modules="$PL_MODULE" --stop-after-init || die "the export failed"
[ -s "$WORK/$PL_MODULE.pot" ] || die "the export wrote no file"
msgfmt -c -o /dev/null "$WORK/$PL_MODULE.pot" 2>"$WORK/pot.err" || {
    cat "$WORK/pot.err" >&2
    die "the exported template is not valid"
}

# --- 3. write the .pot when its terms changed ---------------------------------

without_dates() {
    grep -Ev '^"(POT-Creation-Date|PO-Revision-Date): ' "$1"
}

count_entries() {
    # count_entries FILE MSGATTRIB-OPTION...: how many entries msgattrib selects (header excluded).
    local file=$1
    shift
    msgattrib "$@" --no-obsolete "$file" 2>/dev/null | grep -c '^msgid ' |
        awk '{ print ($1 > 0 ? $1 - 1 : 0) }'
}

list_msgids() {
    # list_msgids FILE MSGATTRIB-OPTION...: print the msgid of each selected entry, one a line.
    local file=$1
    shift
    msgattrib "$@" --no-obsolete --no-wrap "$file" 2>/dev/null | awk '
        function flush() { if (collecting && text != "") print "    " text; collecting = 0 }
        /^msgid / { flush(); collecting = 1; text = substr($0, 8); gsub(/^"|"$/, "", text); next }
        collecting && /^"/ { line = $0; gsub(/^"|"$/, "", line); text = text line; next }
        { flush() }
        END { flush() }' >&2
}

mkdir -p "$I18N"
if [ -f "$POT" ] && cmp -s <(without_dates "$POT") <(without_dates "$WORK/$PL_MODULE.pot"); then
    pl_say "i18n/$PL_MODULE.pot: unchanged"
else
    cp "$WORK/$PL_MODULE.pot" "$POT"
    pl_say "i18n/$PL_MODULE.pot: written"
fi
pl_say "i18n/$PL_MODULE.pot: $(count_entries "$POT") terms"

# --- 4. and 5. merge and check the translations --------------------------------

PROBLEMS=0
shopt -s nullglob
for po in "$I18N"/*.po; do
    name=i18n/$(basename "$po")
    if ! msgmerge --quiet --previous -o "$WORK/merged.po" "$po" "$POT" ||
        ! msgattrib --no-obsolete -o "$po.new" "$WORK/merged.po"; then
        rm -f "$po.new"
        die "$name: msgmerge failed"
    fi
    if cmp -s "$po" "$po.new"; then
        rm -f "$po.new"
        pl_say "$name: unchanged"
    else
        mv "$po.new" "$po"
        pl_say "$name: merged"
    fi
    msgfmt -c -o /dev/null "$po" || {
        pl_say "$name: msgfmt -c reports errors"
        PROBLEMS=$((PROBLEMS + 1))
    }
    translated=$(count_entries "$po" --translated --no-fuzzy)
    fuzzy=$(count_entries "$po" --only-fuzzy)
    untranslated=$(count_entries "$po" --untranslated)
    pl_say "$name: $translated translated, $fuzzy fuzzy, $untranslated untranslated"
    if [ "$fuzzy" -gt 0 ]; then
        pl_say "  fuzzy (check the translation, then delete the fuzzy flag):"
        list_msgids "$po" --only-fuzzy
    fi
    if [ "$untranslated" -gt 0 ]; then
        pl_say "  untranslated:"
        list_msgids "$po" --untranslated
    fi
    [ $((fuzzy + untranslated)) -gt 0 ] && PROBLEMS=$((PROBLEMS + 1))
done
shopt -u nullglob

if [ "$CHECK" = 1 ] && [ "$PROBLEMS" -gt 0 ]; then
    pl_say "i18n_export: $PROBLEMS translation file(s) need work"
    exit 1
fi
exit 0
