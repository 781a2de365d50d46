#!/usr/bin/env bash
# The contract test: schemathesis, with every one of its checks, against the real
# server (debug build, fresh SQLite file, the demo organisation) and the committed
# openapi/openapi.json. It signs in with an administrator's API key, not a session
# token: the fuzzer calls POST /auth/logout, which would end a session under it.
#
#   contract/run.sh <tidings binary> <schemathesis binary> [extra schemathesis args…]
#
# CONTRACT_SEED picks the generated cases (fixed by default, so a failure reproduces);
# CONTRACT_MAX_EXAMPLES bounds the cases per operation and phase.
set -euo pipefail

bin=$(realpath "$1")
schemathesis=$(realpath "$2")
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
scratch=$(mktemp -d)
artifacts="$root/contract/artifacts"
mkdir -p "$artifacts"
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    rm -rf "$scratch"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
password="contract-$(date +%s%N)"
export DATABASE_URL="sqlite://$scratch/contract.db" TIDINGS_BIND="127.0.0.1:$port" TIDINGS_PUBLIC_URL="$base" \
    TIDINGS_DEMO_PASSWORD="$password" TIDINGS_DATA_DIR="$scratch" TIDINGS_SIMULATOR_FAILURE_RATE=0 \
    RUST_LOG="${RUST_LOG:-warn}"
"$bin" migrate >/dev/null
"$bin" seed-demo >/dev/null
"$bin" serve >"$artifacts/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
    curl -fsS "$base/readyz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { echo "contract: the server exited; see $artifacts/server.log"; exit 1; }
    sleep 0.5
done

token=$(curl -fsS -H 'Content-Type: application/json' \
    -d "{\"email\":\"admin@demo.test\",\"password\":\"$password\"}" "$base/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
api_key=$(curl -fsS -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d '{"name":"contract test"}' "$base/api/v1/api-keys" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')

cd "$here"
# Every check runs but two, which `--checks all` would otherwise name (so the config
# file cannot turn them off):
# - ensure_resource_availability ("Created resource not found"): a stateful scenario
#   that Hypothesis runs again sends the very same create with the very same
#   Idempotency-Key, and the API answers it as it must, with the first answer again
#   (`Idempotent-Replayed: true`), naming a record an earlier run may have deleted.
# - use_after_free ("Deleted resource still available"): several DELETEs end a record
#   without erasing it, as their descriptions say: DELETE /users/{id} deactivates the
#   user (read back with `active: false`), DELETE /opt-outs/{id} lifts the opt-out, and
#   DELETE /api-keys/{id} revokes the key.
run() {
    "$schemathesis" run "$root/openapi/openapi.json" --url "$base" \
        --header "Authorization: Bearer $api_key" \
        --checks all \
        --exclude-checks ensure_resource_availability,use_after_free \
        --seed "${CONTRACT_SEED:-20261207}" \
        --max-examples "${CONTRACT_MAX_EXAMPLES:-15}" \
        "$@"
}
# Revoking API keys goes last, on its own: the fuzzer soon revokes the key it runs
# with (ids are small), and every operation after that would only see 401.
status=0
run --exclude-operation-id delete_api_key --report junit --report-junit-path "$artifacts/junit.xml" "$@" || status=$?
# Alone, its links lead to operations outside the run, so the stateful phase is left out.
run --include-operation-id delete_api_key --phases examples,coverage,fuzzing \
    --report junit --report-junit-path "$artifacts/junit-revoke.xml" "$@" || status=$?
exit $status
