#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite on a machine without one set up:
# Debian's server (installed when missing), a fresh cluster in a temporary directory on
# a free port, trust authentication on 127.0.0.1 only. `make test-postgres` uses it when
# TEST_DATABASE_URL is unset; CI points TEST_DATABASE_URL at its own server instead.
#
#   scripts/throwaway-postgres.sh start <dir>   print the cluster's URL on stdout
#   scripts/throwaway-postgres.sh stop <dir>    stop the cluster and remove <dir>
#
# The server refuses to run as root, so as root the cluster belongs to the `postgres`
# user that Debian's package creates.
set -euo pipefail

command=${1:?start or stop}
dir=${2:?a directory for the cluster}
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)

bin_dir() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$found" ] && [ -x "$found/initdb" ] && echo "$found"
}

as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$command" in
start)
    if ! bin_dir >/dev/null; then
        echo "Installing PostgreSQL (Debian's postgresql package) for the test suite" >&2
        $SUDO apt-get install -y postgresql >&2 || { $SUDO apt-get update >&2 && $SUDO apt-get install -y postgresql >&2; }
        # The package starts its own cluster on 5432; the suite does not use it.
    fi
    bin=$(bin_dir) || { echo "no PostgreSQL server binaries under /usr/lib/postgresql" >&2; exit 1; }
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres: "$dir"
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    # Tests only: nothing needs to survive a crash, and each test makes its own schema.
    as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >&2 || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
stop)
    if [ -d "$dir/data" ] && bin=$(bin_dir); then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop <dir>" >&2
    exit 2
    ;;
esac
