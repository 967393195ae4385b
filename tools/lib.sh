# shellcheck shell=bash
# Shared helpers of the tools/ scripts: cached environments, PostgreSQL, Odoo runs, databases.
# Sourced, it defines functions only. Settings (environment):
#   ODOO_SRC                 an Odoo 18 Community source tree (default /opt/odoo18);
#                            ODOO_SRC=none or PARTNER_LIFECYCLE_NO_ODOO=1: no Odoo
#   PARTNER_LIFECYCLE_CACHE  cache folder (default ${XDG_CACHE_HOME:-~/.cache}/partner_lifecycle)
#   PYTHON                   the Python that creates the environments (default python3)
#   PARTNER_LIFECYCLE_PG_CLUSTER  the Debian cluster started when none answers (default "15 main")
# shellcheck disable=SC2034 # PL_* variables are read by the sourcing scripts

PL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PL_MODULE=partner_lifecycle
PL_CACHE=${PARTNER_LIFECYCLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/partner_lifecycle}
PL_PYTHON=${PYTHON:-python3}
PL_RECIPE=2 # bump when the way an environment is built changes
export HYPOTHESIS_STORAGE_DIRECTORY=$PL_CACHE/hypothesis

pl_say() { printf '%s\n' "$*" >&2; }

pl_hash() { # pl_hash FILE... -- WORD...: a short hash of the files, the words and the Python
    local files=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do files+=("$1") && shift; done
    [ $# -gt 0 ] && shift
    { cat "${files[@]}" && printf '%s\n' "$@" && "$PL_PYTHON" -VV; } | sha256sum | cut -c1-12
}

pl_with_lock() { # pl_with_lock NAME COMMAND...: run COMMAND holding the lock NAME
    mkdir -p "$PL_CACHE"
    (flock 9 && "${@:2}") 9>"$PL_CACHE/$1.lock"
}

pl_venv() { # pl_venv DIR BUILD_FUNCTION: create the virtual environment DIR once
    local venv=$1
    [ -f "$venv/.complete" ] && return 0
    pl_say "Building $venv (log: $venv.log)"
    rm -rf "$venv"
    if ! { "$PL_PYTHON" -m venv "$venv" && "$2" "$venv"; } >"$venv.log" 2>&1; then
        tail -n 30 "$venv.log" >&2
        return 1
    fi
    touch "$venv/.complete"
}

build_dev_venv() { "$1/bin/pip" install -q -r "$PL_ROOT/requirements/dev.txt"; }

pl_dev_env() { # set PL_DEV to the bin folder of the tools environment (requirements/dev.txt)
    local venv
    venv=$PL_CACHE/dev-$(pl_hash "$PL_ROOT/requirements/dev.txt" -- "recipe $PL_RECIPE")
    pl_with_lock dev-venv pl_venv "$venv" build_dev_venv || return 1
    PL_DEV=$venv/bin
}

pl_find_odoo() { # set PL_ODOO_SRC to the Odoo 18 source tree, or PL_ODOO_SKIP to why not
    PL_ODOO_SRC='' PL_ODOO_SKIP=''
    if [ "${PARTNER_LIFECYCLE_NO_ODOO:-0}" = 1 ] || [ "${ODOO_SRC:-}" = none ]; then
        PL_ODOO_SKIP="disabled (ODOO_SRC=none or PARTNER_LIFECYCLE_NO_ODOO=1)" && return 1
    fi
    local src=${ODOO_SRC:-/opt/odoo18}
    if [ -f "$src/odoo-bin" ] && [ -f "$src/setup.py" ] && grep -Eqs '^version_info = \(18, 0,' "$src/odoo/release.py"; then
        PL_ODOO_SRC=$(cd "$src" && pwd) && return 0
    fi
    PL_ODOO_SKIP="no Odoo 18 source found (set ODOO_SRC or put it in /opt/odoo18)" && return 1
}

build_odoo_venv() {
    # Odoo's requirements (cbor2 5.4.2 does not build on Python 3.11, python-ldap needs system
    # headers and only auth_ldap uses it), Odoo itself installed with pip from a folder whose
    # odoo/ is a link to the source tree (pip writes nothing there), then requirements/odoo.txt.
    local venv=$1 stub=$1/odoo-src file
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.6.2/' -e '/^python-ldap/d' \
        "$PL_ODOO_SRC/requirements.txt" >"$venv/odoo-requirements.txt"
    mkdir -p "$stub/setup"
    for file in setup.py setup.cfg MANIFEST.in README.md LICENSE requirements.txt setup/odoo; do
        cp "$PL_ODOO_SRC/$file" "$stub/$file"
    done
    ln -s "$PL_ODOO_SRC/odoo" "$stub/odoo"
    "$venv/bin/pip" install -q 'setuptools<70' wheel &&
        "$venv/bin/pip" install -q --no-build-isolation -r "$venv/odoo-requirements.txt" &&
        "$venv/bin/pip" install -q --no-deps --no-build-isolation -e "$stub" &&
        "$venv/bin/pip" install -q --no-deps -r "$PL_ROOT/requirements/odoo.txt"
}

pl_odoo_env() { # set PL_VENV to an environment with Odoo 18 installed (pip) and the tools
    local venv
    venv=$PL_CACHE/odoo-venv-$(pl_hash "$PL_ODOO_SRC/requirements.txt" \
        "$PL_ODOO_SRC/odoo/release.py" "$PL_ROOT/requirements/odoo.txt" -- \
        "$PL_ODOO_SRC" "recipe $PL_RECIPE")
    pl_with_lock odoo-venv pl_venv "$venv" build_odoo_venv || return 1
    PL_VENV=$venv
}

pl_apt_require() { # pl_apt_require PACKAGE COMMAND...: apt-get PACKAGE, as root, unless a COMMAND exists
    local log=$PL_CACHE/apt-$1.log cmd
    for cmd in "${@:2}"; do command -v "$cmd" >/dev/null && return 0; done
    [ "$(id -u)" = 0 ] || { pl_say "$1 missing and not root: apt-get install $1" && return 1; }
    pl_say "Installing $1 (apt-get)" && mkdir -p "$PL_CACHE"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1"; } >"$log" 2>&1 ||
        { pl_say "apt-get install $1 failed: $(tail -n 1 "$log") (log: $log)" && return 1; }
}
pl_require_gettext() { pl_apt_require gettext msgfmt; } # GNU gettext: msgfmt, msgmerge
pl_require_chromium() { pl_apt_require chromium google-chrome chromium chromium-browser; } # tours
pl_require_wkhtmltopdf() { pl_apt_require wkhtmltopdf wkhtmltopdf; } # PDF reports (route sheet)

pl_start_postgres() { # a PostgreSQL server that answers, a superuser role for this user
    local cluster=${PARTNER_LIFECYCLE_PG_CLUSTER:-15 main}
    if ! pg_isready -q; then
        pl_say "Starting PostgreSQL (pg_ctlcluster $cluster start)"
        # shellcheck disable=SC2086 # "15 main" is two arguments
        pg_ctlcluster $cluster start || return 1
        for _ in $(seq 30); do pg_isready -q && break; sleep 1; done
    fi
    psql -X -d postgres -Atc 'select 1' >/dev/null 2>&1 && return 0
    [ "$(id -u)" = 0 ] || { pl_say "run: sudo -u postgres createuser -s $(id -un)" && return 1; }
    runuser -u postgres -- createuser -s "$(id -un)"
}

pl_odoo_config() { # pl_odoo_config FILE [ADDONS_PATH [CRON_THREADS]]: write an Odoo configuration
    # file; scheduled actions run only with CRON_THREADS > 0 (the demo), never in tests (0)
    local port
    port=$("$PL_VENV/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    printf '%s\n' "[options]" "data_dir = $PL_CACHE/odoo-data" "http_interface = 127.0.0.1" \
        "http_port = $port" "max_cron_threads = ${3:-0}" "without_demo = all" \
        ${2:+"addons_path = $2"} >"$1"
}

pl_odoo() { "$1" "$PL_ODOO_SRC/odoo-bin" -c "$2" "${@:3}"; } # pl_odoo PYTHON CONFIG ODOO_ARGS...

pl_wheel_layer() { # pl_wheel_layer DIR WHEEL: an environment over PL_VENV, WHEEL installed by pip
    local site
    "$PL_PYTHON" -m venv "$1" || return 1
    site=$("$1/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
    "$PL_VENV/bin/python" -c 'import sysconfig; print("import site; site.addsitedir(%r)" % sysconfig.get_path("purelib"))' >"$site/odoo-environment.pth"
    "$1/bin/pip" install -q --no-index "$2" || return 1
    (cd / && "$1/bin/python" -c 'import odoo.addons.partner_lifecycle as m; print("installed:", m.__path__[0])')
}

pl_addons_dir() { # print a new folder holding the link partner_lifecycle -> this checkout
    local dir
    dir=$(mktemp -d "${TMPDIR:-/tmp}/partner_lifecycle_addons.XXXXXX") || return 1
    ln -s "$PL_ROOT" "$dir/$PL_MODULE" && echo "$dir"
}

pl_new_db() { # pl_new_db CONFIG DB: create DB with sale_stock (click-odoo-initdb keeps a template)
    "$PL_VENV/bin/click-odoo-initdb" -c "$1" -n "$2" -m sale_stock,mail --no-demo \
        --cache-prefix pltmpl --log-level=warn
}

pl_drop_db() { # pl_drop_db CONFIG DB: drop DB and its filestore, if they exist
    "$PL_VENV/bin/click-odoo-dropdb" -c "$1" --if-exists "$2" >/dev/null
}
