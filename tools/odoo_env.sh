# shellcheck shell=bash
# Shared helpers to run partner_lifecycle inside a real Odoo 18.
# Sourced by tools/check.sh (and by the demo script); it defines functions
# and variables only and runs nothing by itself.
#
# Where Odoo 18 comes from:
#   ODOO_SRC             an Odoo 18 Community source tree (the folder holding
#                        odoo-bin and odoo/release.py). When set, only this one
#                        is used.
#   /opt/odoo18          the default looked at when ODOO_SRC is not set.
#   ODOO_SRC=none or PARTNER_LIFECYCLE_NO_ODOO=1
#                        do not look for Odoo at all.
# Other settings:
#   PARTNER_LIFECYCLE_CACHE  where virtual environments, Odoo's data folder and
#                        logs are kept (default ${XDG_CACHE_HOME:-$HOME/.cache}/partner_lifecycle)
#   PYTHON               the Python used to create virtual environments (default python3)
#   PARTNER_LIFECYCLE_PG_CLUSTER  the Debian PostgreSQL cluster started when no
#                        server answers (default "15 main")
#
# Every function prints its progress on stderr and returns non-zero on failure.

# shellcheck disable=SC2034 # PL_ODOO_SKIP and PL_TEMPLATE_DB are read by the sourcing scripts
PL_DEFAULT_ODOO_SRC=/opt/odoo18
PL_MODULE=partner_lifecycle
# Bump when the way the Odoo environment or the template database is built changes.
PL_RECIPE=1

PL_ROOT=${PL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
PL_CACHE=${PARTNER_LIFECYCLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/partner_lifecycle}
PL_PYTHON=${PYTHON:-python3}

pl_say() {
    # Print a progress message on stderr.
    printf '%s\n' "$*" >&2
}

pl_hash() {
    # Print a short hash of the given files' contents and the extra words after "--".
    local files=() words=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do files+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    words=("$@")
    { cat "${files[@]}"; printf '%s\n' "${words[@]}"; } | sha256sum | cut -c1-12
}

pl_python_tag() {
    # Print the version of $PL_PYTHON (part of every virtual environment's cache key).
    "$PL_PYTHON" -c 'import sys; print("py%d.%d.%d" % sys.version_info[:3])'
}

pl_with_lock() {
    # Run "$@" holding an exclusive lock on $PL_CACHE/<name>.lock (first argument: name),
    # so that two runs never build the same environment or database at once.
    local name=$1
    shift
    mkdir -p "$PL_CACHE"
    (
        flock 9 || exit 1
        "$@"
    ) 9>"$PL_CACHE/$name.lock"
}

pl_is_odoo18() {
    # Succeed when $1 is an Odoo 18 source tree.
    local src=$1
    [ -f "$src/odoo-bin" ] && [ -f "$src/odoo/release.py" ] || return 1
    grep -Eq '^version_info = \(18, 0,' "$src/odoo/release.py"
}

pl_find_odoo() {
    # Set PL_ODOO_SRC to the Odoo 18 tree to use, or PL_ODOO_SKIP to the reason there is none.
    PL_ODOO_SRC=
    PL_ODOO_SKIP=
    if [ "${PARTNER_LIFECYCLE_NO_ODOO:-0}" = 1 ] || [ "${ODOO_SRC:-}" = none ]; then
        PL_ODOO_SKIP="disabled (ODOO_SRC=none or PARTNER_LIFECYCLE_NO_ODOO=1)"
        return 1
    fi
    local candidate=${ODOO_SRC:-$PL_DEFAULT_ODOO_SRC}
    if pl_is_odoo18 "$candidate"; then
        PL_ODOO_SRC=$(cd "$candidate" && pwd)
        return 0
    fi
    PL_ODOO_SKIP="no Odoo 18 source found (set ODOO_SRC or put it in $PL_DEFAULT_ODOO_SRC)"
    return 1
}

pl_requirement_pin() {
    # Print the pin of package $1 from requirements-dev.txt, without its marker.
    grep -iE "^$1==" "$PL_ROOT/requirements-dev.txt" | sed 's/[[:space:]]*;.*//' | head -n1
}

pl_odoo_requirements() {
    # Print Odoo's requirements.txt adapted to Python 3.11 on Debian 12: cbor2 5.4.2 has no
    # wheel and its sdist does not build (5.6.2 does); python-ldap needs system headers
    # and only the auth_ldap add-on uses it.
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.6.2/' -e '/^python-ldap/d' "$PL_ODOO_SRC/requirements.txt"
}

pl_odoo_venv_key() {
    # Print the cache key of the Odoo virtual environment.
    pl_hash "$PL_ODOO_SRC/requirements.txt" -- "$(pl_python_tag)" "recipe $PL_RECIPE" \
        "$(pl_requirement_pin pytest)" "$(pl_requirement_pin pytest-odoo)"
}

pl_build_odoo_venv() {
    # Create the virtual environment $1 with Odoo's requirements and pytest-odoo.
    local venv=$1 log=$1.log reqs
    [ -f "$venv/.complete" ] && return 0
    pl_say "Building the Odoo environment $venv (about a minute; log: $log)"
    rm -rf "$venv"
    reqs=$(mktemp)
    pl_odoo_requirements >"$reqs"
    {
        "$PL_PYTHON" -m venv "$venv" &&
            "$venv/bin/pip" install --quiet 'setuptools<70' wheel &&
            "$venv/bin/pip" install --quiet --no-build-isolation -r "$reqs" &&
            "$venv/bin/pip" install --quiet "$(pl_requirement_pin pytest)" \
                "$(pl_requirement_pin pytest-odoo)"
    } >"$log" 2>&1
    local rc=$?
    rm -f "$reqs"
    if [ $rc -ne 0 ]; then
        tail -n 30 "$log" >&2
        pl_say "Building the Odoo environment failed (log: $log)"
        return 1
    fi
    touch "$venv/.complete"
}

pl_odoo_venv() {
    # Set PL_ODOO_PYTHON to the Python of a ready Odoo environment, building it when missing.
    local venv
    venv="$PL_CACHE/odoo-venv-$(pl_odoo_venv_key)"
    pl_with_lock odoo-venv pl_build_odoo_venv "$venv" || return 1
    PL_ODOO_PYTHON=$venv/bin/python
}

pl_pg_user() {
    # Print the database role Odoo connects as (the current system user).
    id -un
}

pl_start_postgres() {
    # Make sure a PostgreSQL server answers and the current user has a superuser role in it.
    local cluster=${PARTNER_LIFECYCLE_PG_CLUSTER:-15 main} user i
    user=$(pl_pg_user)
    if ! pg_isready -q; then
        pl_say "Starting PostgreSQL (pg_ctlcluster $cluster start)"
        # shellcheck disable=SC2086 # "15 main" is two arguments
        pg_ctlcluster $cluster start || { pl_say "Could not start PostgreSQL"; return 1; }
        for _ in $(seq 1 30); do
            pg_isready -q && break
            sleep 1
        done
        pg_isready -q || { pl_say "PostgreSQL does not answer after 30 s"; return 1; }
    fi
    if ! psql -X -d postgres -Atc 'select 1' >/dev/null 2>&1; then
        if [ "$(id -u)" != 0 ]; then
            pl_say "PostgreSQL has no role for '$user': run  sudo -u postgres createuser -s $user"
            return 1
        fi
        pl_say "Creating the PostgreSQL superuser role '$user'"
        runuser -u postgres -- createuser -s "$user" || return 1
    fi
}

pl_db_exists() {
    # Succeed when database $1 exists.
    [ "$(psql -X -d postgres -Atc "select 1 from pg_database where datname = '$1'")" = 1 ]
}

pl_data_dir() {
    # Print Odoo's data folder (filestores) used by these scripts, one per PostgreSQL port.
    printf '%s\n' "$PL_CACHE/odoo-data${PGPORT:+-$PGPORT}"
}

pl_free_port() {
    # Print a free TCP port on the loopback interface.
    "$PL_ODOO_PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pl_odoo() {
    # Run odoo-bin, with this add-on on the addons path once PL_ADDONS_DIR is set
    # (pl_make_addons_dir); extra arguments follow. Needs PL_ODOO_SRC and PL_ODOO_PYTHON.
    local addons="$PL_ODOO_SRC/addons,$PL_ODOO_SRC/odoo/addons"
    [ -n "${PL_ADDONS_DIR:-}" ] && addons="$PL_ADDONS_DIR,$addons"
    "$PL_ODOO_PYTHON" "$PL_ODOO_SRC/odoo-bin" --addons-path="$addons" \
        --data-dir="$(pl_data_dir)" --http-interface=127.0.0.1 --http-port="$(pl_free_port)" \
        --without-demo=all --max-cron-threads=0 "$@"
}

pl_template_name() {
    # Print the name of the template database for this Odoo version.
    printf 'pl_tmpl_%s\n' "$(pl_hash "$PL_ODOO_SRC/odoo/release.py" -- "recipe $PL_RECIPE" sale_stock mail)"
}

pl_build_template() {
    # Create template database $1 with sale_stock and mail installed, without demo data.
    local name=$1 building=$1_building log="$PL_CACHE/logs/$1.log"
    pl_db_exists "$name" && return 0
    mkdir -p "$PL_CACHE/logs"
    pl_say "Creating the template database $name with sale_stock (1-2 minutes; log: $log)"
    pl_drop_db "$building"
    if ! pl_odoo -d "$building" -i sale_stock,mail --stop-after-init --log-level=warn >"$log" 2>&1 ||
        grep -Eq '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$log"; then
        tail -n 30 "$log" >&2
        pl_say "Creating the template database failed (log: $log)"
        pl_drop_db "$building"
        return 1
    fi
    psql -X -q -d postgres -c "ALTER DATABASE \"$building\" RENAME TO \"$name\"" || return 1
    local store
    store="$(pl_data_dir)/filestore"
    [ -d "$store/$building" ] && mv "$store/$building" "$store/$name"
    return 0
}

pl_template_db() {
    # Set PL_TEMPLATE_DB to a template database with sale_stock, building it when missing.
    PL_TEMPLATE_DB=$(pl_template_name)
    pl_with_lock template-db pl_build_template "$PL_TEMPLATE_DB"
}

pl_new_db() {
    # Create database $1 as a copy of $PL_TEMPLATE_DB, with a copy of its filestore.
    local store
    store="$(pl_data_dir)/filestore"
    createdb -T "$PL_TEMPLATE_DB" "$1" || return 1
    if [ -d "$store/$PL_TEMPLATE_DB" ]; then
        mkdir -p "$store"
        cp -a "$store/$PL_TEMPLATE_DB" "$store/$1"
    fi
}

pl_drop_db() {
    # Drop database $1 and its filestore, if they exist.
    dropdb --if-exists "$1" 2>/dev/null
    rm -rf "$(pl_data_dir)/filestore/$1"
}

pl_make_addons_dir() {
    # Set PL_ADDONS_DIR to a new temporary folder holding the symlink partner_lifecycle -> checkout.
    PL_ADDONS_DIR=$(mktemp -d "${TMPDIR:-/tmp}/partner_lifecycle_addons.XXXXXX") || return 1
    ln -s "$PL_ROOT" "$PL_ADDONS_DIR/$PL_MODULE"
}
