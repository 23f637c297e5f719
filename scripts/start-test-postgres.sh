#!/usr/bin/env bash
# Install (if needed) and start a PostgreSQL cluster on 127.0.0.1 for the test suite, then print
# `PERMIS2D_TEST_POSTGRES_URL=...` on stdout for the caller to eval. Needs root (Debian packages).
set -euo pipefail
if ! command -v pg_lsclusters >/dev/null 2>&1; then
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if [ -z "$cluster" ]; then
    version=$(ls /usr/lib/postgresql | sort -n | tail -1)
    pg_createcluster "$version" main >&2
    cluster="$version main"
fi
# shellcheck disable=SC2086
pg_ctlcluster $cluster start >&2 || true
port=$(pg_lsclusters -h | awk 'NR==1 {print $3}')
for _ in $(seq 1 30); do
    if su postgres -c "psql -p $port -tAc 'select 1'" >/dev/null 2>&1; then break; fi
    sleep 1
done
su postgres -c "psql -p $port -v ON_ERROR_STOP=1 -tAc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='permis2d') THEN CREATE ROLE permis2d LOGIN SUPERUSER PASSWORD 'permis2d'; END IF; END\\\$\\\$;\"" >&2
if ! su postgres -c "psql -p $port -tAc \"SELECT 1 FROM pg_database WHERE datname='permis2d_test'\"" | grep -q 1; then
    su postgres -c "createdb -p $port -O permis2d permis2d_test" >&2
fi
echo "PERMIS2D_TEST_POSTGRES_URL=postgresql+psycopg://permis2d:permis2d@127.0.0.1:$port/permis2d_test"
