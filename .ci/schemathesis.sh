#!/usr/bin/env bash
# Runs schemathesis over every operation of the studio's OpenAPI document, against a running
# studio signed in as a fresh user with a saved (fake) key, sending the headers a browser sends
# (Origin, Sec-Fetch-Site: same-origin). It fails on a 5xx, on a response the document does not
# allow (status, content type, headers, body schema), and on a crash of the server.
#
#   STUDIO_BIN=target/debug/studio FAKE_OPENROUTER_BIN=target/debug/fake-openrouter \
#     bash .ci/schemathesis.sh
#
# The binaries may also be given as the first two arguments. Optional: SCHEMATHESIS (the
# executable; default the venv .ci/setup.sh makes), ST_MAX_EXAMPLES (cases per operation and
# phase, default 40), ST_PORT and ST_FAKE_PORT (default 3200 and 3299), ST_SEED, ST_KEEP=1 (keep
# the servers' logs and the HAR of the signed-in run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
studio="${1:-${STUDIO_BIN:-}}"
fake="${2:-${FAKE_OPENROUTER_BIN:-}}"
st="${SCHEMATHESIS:-$HOME/.cache/schemathesis-venv/bin/schemathesis}"
max_examples="${ST_MAX_EXAMPLES:-40}"
port="${ST_PORT:-3200}"
fake_port="${ST_FAKE_PORT:-3299}"
base="http://127.0.0.1:$port"

for bin in "$studio" "$fake" "$st"; do
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "schemathesis.sh: missing executable '${bin}' (set STUDIO_BIN, FAKE_OPENROUTER_BIN, SCHEMATHESIS)" >&2
    exit 2
  fi
done

work="$(mktemp -d "${TMPDIR:-/tmp}/studio-schemathesis-XXXXXX")"
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
if [ -n "${ST_KEEP:-}" ]; then
  trap 'stop; echo "logs and reports kept in $work"' EXIT
else
  trap 'stop; rm -rf "$work"' EXIT
fi

# Waits until URL answers 200, or fails once PID has exited or 60 s passed.
wait_for() {
  local url="$1" pid="$2" log="$3"
  for _ in $(seq 1 120); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "schemathesis.sh: the server behind $url exited; its log:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.5
  done
  echo "schemathesis.sh: $url did not answer in 60 s" >&2
  return 1
}

"$fake" --addr "127.0.0.1:$fake_port" >"$work/fake.log" 2>&1 &
pids+=("$!")
wait_for "http://127.0.0.1:$fake_port/api/v1/models" "${pids[0]}" "$work/fake.log"

# The key-check and sign-up limits are raised so that schemathesis reaches the code past them
# (their 429s are documented, and proven by the cargo tests).
(
  cd "$work"
  exec env LEPTOS_SITE_ADDR="127.0.0.1:$port" \
    DATABASE_URL="sqlite://$work/studio.db" \
    OPENROUTER_BASE_URL="http://127.0.0.1:$fake_port/api/v1" \
    OPENROUTER_AUTH_URL="http://127.0.0.1:$fake_port/auth" \
    LEPTOS_SITE_ROOT="$root/target/site" \
    LIMIT_SIGNUPS_PER_ADDRESS_HOUR=100000 \
    LIMIT_KEY_CHECKS_PER_USER_HOUR=100000 \
    LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR=100000 \
    RUST_LOG="${RUST_LOG:-warn}" \
    "$studio"
) >"$work/studio.log" 2>&1 &
pids+=("$!")
studio_pid="${pids[1]}"
wait_for "$base/health" "$studio_pid" "$work/studio.log"

# Sign up, keeping the session cookie, and save a key the fake OpenRouter accepts.
browser=(-H "Origin: $base" -H "Sec-Fetch-Site: same-origin" -H "Content-Type: application/json")
curl -fsS -c "$work/jar" "${browser[@]}" -o /dev/null \
  -d '{"email":"schemathesis@example.com","password":"correct horse battery staple"}' \
  "$base/api/auth/signup"
cookie="$(awk '$6 == "studio_sid" { print $6 "=" $7 }' "$work/jar")"
[ -n "$cookie" ] || { echo "schemathesis.sh: sign-up set no session cookie" >&2; exit 1; }
key="sk-or-v1-a123456789abcdef$(printf '0123456789abcdef%.0s' 1 2 3)"
curl -fsS -b "$work/jar" "${browser[@]}" -o /dev/null -d "{\"apiKey\":\"$key\"}" "$base/api/user/api-key"

checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance
common=(
  --checks "$checks"
  --max-examples "$max_examples"
  --workers 2
  --request-timeout 30
  --suppress-health-check all
  --warnings off
  -H "Cookie: $cookie"
  -H "Origin: $base"
  -H "Sec-Fetch-Site: same-origin"
)
[ -n "${ST_SEED:-}" ] && common+=(--seed "$ST_SEED")
status=0
# schemathesis keeps a cache in its working directory: keep it out of the repository.
cd "$work"
# Runs schemathesis with ARGS, teeing its output to LOG. CPython 3.11's parser sometimes fails
# inside Hypothesis ("AST constructor recursion depth mismatch", an error of the tool, not a
# finding about the server); a pass that failed with that alone and no finding is run once more.
run_pass() {
  local log="$1"; shift
  local rc=0
  "$st" run "$base/api/openapi.json" "${common[@]}" "$@" 2>&1 | tee "$log" || rc=$?
  if [ "$rc" -ne 0 ] && grep -q "AST constructor recursion depth mismatch" "$log" \
    && ! grep -q "= FAILURES =" "$log"; then
    echo "schemathesis.sh: schemathesis itself failed (CPython's parser); running the pass again" >&2
    rc=0
    "$st" run "$base/api/openapi.json" "${common[@]}" "$@" 2>&1 | tee "$log" || rc=$?
  fi
  return "$rc"
}
# Sign-up, sign-in, sign-out and ending a session (schemathesis follows the link from the session
# list to it, and ends its own) replace or end the session the other operations use, and removing
# the key leaves the AI calls nothing to run with: these run second, on their own.
undoing='^(sign_up|sign_in|sign_out|end_session|api_key_remove)$'
echo "==> schemathesis: every operation but those that undo the sign-in or the key, signed in"
run_pass "$work/signed-in.log" --exclude-operation-id-regex "$undoing" \
  --report har --report-har-path "$work/signed-in.har" || status=$?
# What the signed-in run got, per operation: proof that it ran signed in and reached the handlers.
python3 - "$work/signed-in.har" <<'PY' || true
import collections, json, sys, re
counts = collections.defaultdict(collections.Counter)
for entry in json.load(open(sys.argv[1]))["log"]["entries"]:
    path = re.sub(r"^https?://[^/]+", "", entry["request"]["url"]).split("?")[0]
    counts[f'{entry["request"]["method"]} {path}'][entry["response"]["status"]] += 1
for op in sorted(counts):
    if set(counts[op]) != {405}:
        print(f"  {op:40} " + " ".join(f"{s}:{n}" for s, n in sorted(counts[op].items())))
PY
echo "==> schemathesis: sign-up, sign-in, sign-out, ending a session, removing the key"
run_pass "$work/undoing.log" --include-operation-id-regex "$undoing" || status=$?

if ! kill -0 "$studio_pid" 2>/dev/null; then
  echo "schemathesis.sh: the studio crashed; its log:" >&2
  cat "$work/studio.log" >&2
  exit 1
fi
if grep -q "panicked" "$work/studio.log"; then
  echo "schemathesis.sh: a handler panicked; the studio's log:" >&2
  cat "$work/studio.log" >&2
  status=1
fi
exit "$status"
