#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL cluster: initdb in a temp folder, started as the
# unprivileged `postgres` user on 127.0.0.1 only, TEST_DATABASE_URL exported, always torn down.
# Needs Debian's postgresql package (.ci/run installs it).
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2
  exit 1
fi

port=${PGTEST_PORT:-55432}
work=$(mktemp -d /tmp/mci-pg.XXXXXX)
runas=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  runas=(runuser -u postgres --)
fi

cleanup() {
  "${runas[@]}" "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

"${runas[@]}" "$bindir/initdb" -D "$work/data" -A trust -U postgres --no-sync >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log" >&2; exit 1; }
"${runas[@]}" "$bindir/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $work -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
