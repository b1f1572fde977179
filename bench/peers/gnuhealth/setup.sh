#!/usr/bin/env bash
# Install GNU Health 5.0 (pinned, from PyPI) into its own virtual environment beside this
# script and create its SQLite database with the health module activated.
#
#   bash bench/peers/gnuhealth/setup.sh            # .venv + data/gnuhealth.sqlite
#   bash bench/peers/gnuhealth/setup.sh --postgres postgresql://USER@127.0.0.1:PORT/
#                                                  # also database "gnuhealth" there
#
# Nothing of GNU Health is committed: requirements.txt pins what is installed (gnuhealth
# 5.0.6 with the trytond 7.0 series it needs and proteus, its client library).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
data="$here/data"
if [ ! -x "$venv/bin/python" ]; then
    uv venv --quiet --python 3.11 "$venv"
fi
uv pip install --quiet --python "$venv/bin/python" -r "$here/requirements.txt"
mkdir -p "$data"
printf 'admin\n' > "$data/admin.pass"

init() {  # $1: config file, $2: database name
    TRYTONPASSFILE="$data/admin.pass" "$venv/bin/trytond-admin" -c "$1" -d "$2" \
        --all --email admin@example.org -u health --activate-dependencies -vv \
        > "$data/$2.admin.log" 2>&1 || { tail -40 "$data/$2.admin.log"; exit 1; }
}

# SQLite: trytond keeps SQLite's defaults (rollback journal, synchronous=FULL).
cat > "$data/sqlite.conf" <<CONF
[database]
uri = sqlite://
path = $data
[web]
listen = 127.0.0.1:8000
CONF
if [ ! -s "$data/gnuhealth.sqlite" ] || [ "${FRESH:-}" = 1 ]; then  # FRESH=1 remakes it
    rm -f "$data/gnuhealth.sqlite"
    : > "$data/gnuhealth.sqlite"   # trytond opens only an existing file
    init "$data/sqlite.conf" gnuhealth
fi
echo "GNU Health 5.0 on SQLite: $data/gnuhealth.sqlite (config $data/sqlite.conf)"

if [ "${1:-}" = "--postgres" ]; then
    uri="${2:?a PostgreSQL URI without the database name, e.g. postgresql://postgres@127.0.0.1:5432/}"
    cat > "$data/postgres.conf" <<CONF
[database]
uri = $uri
[web]
listen = 127.0.0.1:8000
CONF
    "$venv/bin/python" - "$uri" <<'PY'
import sys
import psycopg2
conn = psycopg2.connect(sys.argv[1].rstrip("/") + "/postgres")
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("DROP DATABASE IF EXISTS gnuhealth")
    cur.execute("CREATE DATABASE gnuhealth ENCODING 'UTF8' TEMPLATE template0")
PY
    init "$data/postgres.conf" gnuhealth
    echo "GNU Health 5.0 on PostgreSQL: database gnuhealth (config $data/postgres.conf)"
fi
