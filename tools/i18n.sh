#!/usr/bin/env bash
# Export i18n/partner_lifecycle.pot from Odoo 18 and merge it into each i18n/*.po (click-odoo-makepot).
#
#     tools/i18n.sh           install the add-on into a new database, export the .pot, merge
#                             the .po files (msgmerge; obsolete entries dropped), print each
#                             language's counts (msgfmt --statistics)
#     tools/i18n.sh --check   the same, then exit 1 when a .po file has fuzzy or untranslated entries
# Entries whose text changed come in "fuzzy" with the old translation: review them and delete
# the flag (Odoo loads fuzzy entries as they are). A new language starts from the template:
#     msginit --no-translator -l de -i i18n/partner_lifecycle.pot -o i18n/de.po
# Needs Odoo 18 and PostgreSQL, like the test command (tools/lib.sh).
# shellcheck disable=SC2317 # cleanup runs through trap
set -uo pipefail
# shellcheck source=tools/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$PL_ROOT" || exit 1
CHECK=0
case ${1:-} in
    "") ;;
    --check) CHECK=1 ;;
    *) sed -n '2,11p' "$0" | cut -c3- && exit 2 ;;
esac

pl_find_odoo || { pl_say "tools/i18n.sh: $PL_ODOO_SKIP" && exit 2; }
pl_odoo_env && pl_start_postgres && pl_require_gettext || exit 1
WORK=$(mktemp -d "${TMPDIR:-/tmp}/partner_lifecycle_i18n.XXXXXX") || exit 1
ADDONS=$(pl_addons_dir) || exit 1
DB=pl_i18n_$$
cleanup() {
    pl_drop_db "$WORK/odoo.cfg" "$DB"
    rm -rf "$WORK" "$ADDONS"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

pl_odoo_config "$WORK/odoo.cfg" "$ADDONS"
pl_say "Installing $PL_MODULE into the database $DB"
pl_new_db "$WORK/odoo.cfg" "$DB" &&
    pl_odoo "$PL_VENV/bin/python" "$WORK/odoo.cfg" -d "$DB" -i "$PL_MODULE" --stop-after-init \
        --log-level=warn || exit 1
pl_say "Exporting and merging the translations"
VERSION_CONTROL=none "$PL_VENV/bin/click-odoo-makepot" -c "$WORK/odoo.cfg" -d "$DB" \
    --addons-dir "$ADDONS" --modules "$PL_MODULE" --msgmerge --purge-old-translations || exit 1

incomplete=0
for po in i18n/*.po; do
    [ -f "$po" ] || continue
    stats=$(msgfmt -c --statistics -o /dev/null "$po" 2>&1) || incomplete=1
    pl_say "$po: $stats"
    grep -Eq 'fuzzy|untranslated' <<<"$stats" && incomplete=1
done
git status --short -- i18n >&2
[ "$CHECK" = 0 ] || [ "$incomplete" = 0 ]
