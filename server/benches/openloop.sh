#!/usr/bin/env bash
# Open-loop benchmark of the studio's proxy: a fixed arrival rate with `oha -q RATE
# --latency-correction`, against the fake OpenRouter directly and then through the release
# `studio` (session, key decryption, limits and the usage ledger all on), side by side.
#
#   bash server/benches/openloop.sh                 # SQLite, rates 500 1000 2000 4000
#   DATABASES="sqlite postgres" RATES="500 2000" DURATION=10s STREAMS="1000 5000" \
#     USERS_MANY=20 UPSTREAM_DELAY_MS=50 bash server/benches/openloop.sh
#   ONLY=streams STREAM_UPSTREAMS="1.1 2" bash server/benches/openloop.sh   # held streams only
#
# Needs the release binaries (`cargo leptos build --release --split --precompress && cargo build
# --release -p fake-openrouter`), `oha` (`cargo install oha --locked`) and, for PostgreSQL, an empty
# database at $BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test; the
# script creates and drops its own database there). Prints a table; the raw oha output is kept
# in $OUT (default target/bench/openloop-<date>).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
studio_bin="${STUDIO_BIN:-$target/release/studio}"
fake_bin="${FAKE_OPENROUTER_BIN:-$target/release/fake-openrouter}"
rates="${RATES:-500 1000 2000 4000}"
duration="${DURATION:-10s}"
databases="${DATABASES:-sqlite}"
users_many="${USERS_MANY:-20}"
streams="${STREAMS:-1000 5000}"
# The upstream HTTP versions the held streams are measured with (OPENROUTER_HTTP_VERSION):
# OpenRouter itself negotiates HTTP/2 over TLS; the fake speaks both over plain HTTP.
stream_upstreams="${STREAM_UPSTREAMS:-1.1 2}"
only="${ONLY:-}"
pg_admin="${BENCH_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
out="${OUT:-$target/bench/openloop-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
for tool in oha curl python3; do
  command -v "$tool" >/dev/null || { echo "openloop: $tool is missing" >&2; exit 2; }
done
[ -x "$studio_bin" ] && [ -x "$fake_bin" ] || {
  echo "openloop: build the release binaries first ($studio_bin, $fake_bin)" >&2
  exit 2
}
ulimit -n 65536 2>/dev/null || true

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  case " $databases " in
    *" postgres "*) psql "$pg_admin" -qc 'drop database if exists studio_openloop' >/dev/null 2>&1 || true ;;
  esac
}
trap cleanup EXIT

fake_port=3901
studio_port=3902
fake="http://127.0.0.1:$fake_port/api/v1"
base="http://127.0.0.1:$studio_port"
key_of() { printf 'sk-or-v1-%s' "$(printf '%064x' "$1")"; }
chat_body='{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello in Rust"}]}'

wait_for() { # url, pid
  for _ in $(seq 1 600); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

start_fake() { # extra args
  "$fake_bin" --addr "127.0.0.1:$fake_port" "$@" >"$out/fake.log" 2>&1 &
  fake_pid=$!
  pids+=("$fake_pid")
  wait_for "$fake/models" "$fake_pid"
}

start_studio() { # database [upstream HTTP version]; sets studio_pid and startup_ms (start to
  # the first 200 on /health)
  local data="$out/data-$1"
  rm -rf "$data" && mkdir -p "$data"
  local url
  case "$1" in
    sqlite) url="sqlite://$data/studio.db" ;;
    postgres)
      psql "$pg_admin" -qc 'drop database if exists studio_openloop' >/dev/null
      psql "$pg_admin" -qc 'create database studio_openloop' >/dev/null
      url="${pg_admin%/*}/studio_openloop" ;;
  esac
  local t0
  t0=$(date +%s%N)
  env -i PATH="$PATH" HOME="$HOME" DATABASE_URL="$url" \
    STUDIO_KEYRING_FILE="$data/keyring.json" \
    LEPTOS_SITE_ADDR="127.0.0.1:$studio_port" LEPTOS_SITE_ROOT="$target/site" \
    OPENROUTER_BASE_URL="$fake" OPENROUTER_HTTP_VERSION="${2:-auto}" RUST_LOG=warn \
    AI_MAX_IN_FLIGHT_PER_USER=100000 MAX_CONNECTIONS=20000 \
    LIMIT_SIGNUPS_PER_ADDRESS_HOUR=100000 LIMIT_KEY_CHECKS_PER_USER_HOUR=100000 \
    LIMIT_KEY_CHECKS_PER_ADDRESS_HOUR=100000 \
    "$studio_bin" >"$out/studio-$1.log" 2>&1 &
  studio_pid=$!
  pids+=("$studio_pid")
  wait_for "$base/health" "$studio_pid"
  startup_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

sign_up() { # n -> prints the session cookie of a new user with a stored key
  local jar="$out/jar-$1"
  curl -fs -c "$jar" -H 'content-type: application/json' -H 'sec-fetch-site: same-origin' \
    -d "{\"email\":\"bench$1@example.com\",\"password\":\"a benchmark password\"}" \
    "$base/api/auth/signup" >/dev/null
  curl -fs -b "$jar" -H 'content-type: application/json' -H 'sec-fetch-site: same-origin' \
    -d "{\"apiKey\":\"$(key_of "$1")\"}" "$base/api/user/api-key" >/dev/null
  awk '$6 ~ /sid$/ {print $6"="$7}' "$jar"
}

# oha's JSON, reduced to "rate p50_ms p99_ms errors".
summarise() {
  python3 - "$1" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s, p = d["summary"], d["latencyPercentiles"]
codes = d.get("statusCodeDistribution", {})
bad = sum(v for k, v in codes.items() if not k.startswith("2")) + sum(d.get("errorDistribution", {}).values())
print(f'{s["requestsPerSec"]:.0f} {p["p50"]*1000:.2f} {p["p99"]*1000:.2f} {bad}')
PY
}

load() { # name rate url [oha args...] -> summary line
  local name="$1" rate="$2" url="$3"
  shift 3
  oha --no-tui -w --output-format json -z "$duration" -q "$rate" --latency-correction \
    -c "$(( rate / 10 > 50 ? rate / 10 : 50 ))" "$@" "$url" >"$out/$name.json" 2>"$out/$name.err" || true
  summarise "$out/$name.json"
}

# Each of `cookies`' users gets rate/N of the load, in parallel oha processes.
load_users() { # name rate cookie...
  local name="$1" rate="$2"
  shift 2
  local n=$# i=0
  for cookie in "$@"; do
    i=$((i + 1))
    oha --no-tui -w --output-format json -z "$duration" -q "$(( rate / n ))" --latency-correction \
      -c "$(( rate / n / 10 > 10 ? rate / n / 10 : 10 ))" -m POST -d "$chat_body" \
      -H 'content-type: application/json' -H 'sec-fetch-site: same-origin' -H "cookie: $cookie" \
      "$base/api/ai/chat" >"$out/$name-$i.json" 2>/dev/null &
  done
  wait
  python3 - "$out" "$name" "$n" <<'PY'
import json, sys
out, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
rates, p50s, p99s, bad = 0.0, [], [], 0
for i in range(1, n + 1):
    d = json.load(open(f"{out}/{name}-{i}.json"))
    rates += d["summary"]["requestsPerSec"]
    p50s.append(d["latencyPercentiles"]["p50"]); p99s.append(d["latencyPercentiles"]["p99"])
    bad += sum(v for k, v in d.get("statusCodeDistribution", {}).items() if not k.startswith("2"))
# The users' own percentiles: the median of their p50s, the worst of their p99s.
p50s.sort()
print(f"{rates:.0f} {p50s[len(p50s)//2]*1000:.2f} {max(p99s)*1000:.2f} {bad}")
PY
}

ttfb() { # url cookie -> "p50 p99" of time to the first byte over 200 sequential streams, ms
  local url="$1" cookie="$2" body
  body='{"messages":[{"role":"user","content":"Say hello in Rust"}],"stream":true}'
  for _ in $(seq 1 200); do
    curl -s -o /dev/null -w '%{time_starttransfer}\n' -H 'content-type: application/json' \
      -H 'sec-fetch-site: same-origin' ${cookie:+-H "cookie: $cookie"} \
      ${3:+-H "authorization: Bearer $(key_of 1)"} -d "${4:-$body}" "$url"
  done | python3 -c '
import sys
v = sorted(float(x) * 1000 for x in sys.stdin)
print(f"{v[len(v)//2]:.2f} {v[int(len(v)*0.99)-1]:.2f}")'
}

hold_streams() { # n cookie -> "held rss_mb"
  python3 - "$studio_port" "$1" "$2" "$studio_pid" <<'PY'
import asyncio, sys
port, n, cookie, pid = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
body = b'{"messages":[{"role":"user","content":"one two three four five six"}],"stream":true}'
head = (f"POST /api/ai/chat HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n"
        f"sec-fetch-site: same-origin\r\ncookie: {cookie}\r\ncontent-length: {len(body)}\r\n\r\n").encode()
async def one(started):
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(head + body); await w.drain()
    line = await r.readline()
    if b" 200 " in line:
        started.append(w)
async def main():
    started = []
    for chunk in range(0, n, 500):
        await asyncio.gather(*(one(started) for _ in range(min(500, n - chunk))), return_exceptions=True)
    await asyncio.sleep(2)
    rss = 0
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmRSS:"):
            rss = int(l.split()[1]) // 1024
    print(len(started), rss)
    for w in started:
        w.close()
asyncio.run(main())
PY
}

report="$out/report.md"
{
  echo "# Open-loop benchmark, $(date -u +%Y-%m-%d), $(nproc) cores, $(uname -m)"
  echo
  echo "oha -q RATE --latency-correction for $duration per point; fake and generator on the same cores."
} >"$report"

for db in $databases; do
  delays="0 ${UPSTREAM_DELAY_MS:-50}"
  [ "$only" = streams ] && delays=""
  for delay in $delays; do
    start_fake --first-byte-delay-ms "$delay"
    start_studio "$db"
    one=$(sign_up 1)
    many=()
    for i in $(seq 2 $((users_many + 1))); do many+=("$(sign_up "$i")"); done
    {
      echo
      echo "## $db, upstream delay $delay ms (start to first 200 on /health: $startup_ms ms)"
      echo
      echo "| rate/s | fake directly: rate, p50 / p99 ms | studio, one user: rate, p50 / p99 ms (errors) | studio, $users_many users: rate, p50 / p99 ms (errors) | added p50 / p99 ms (one user) |"
      echo "|---|---|---|---|---|"
    } >>"$report"
    for rate in $rates; do
      read -r fr f50 f99 _ <<<"$(load "fake-$db-$delay-$rate" "$rate" "$fake/chat/completions" -m POST \
        -d "$chat_body" -H 'content-type: application/json' -H "authorization: Bearer $(key_of 1)")"
      read -r sr s50 s99 se <<<"$(load "studio-$db-$delay-$rate" "$rate" "$base/api/ai/chat" -m POST \
        -d "$chat_body" -H 'content-type: application/json' -H 'sec-fetch-site: same-origin' -H "cookie: $one")"
      read -r mr m50 m99 me <<<"$(load_users "many-$db-$delay-$rate" "$rate" "${many[@]}")"
      added=$(python3 -c "print(f'{$s50-$f50:.2f} / {$s99-$f99:.2f}')")
      echo "| $rate | $fr, $f50 / $f99 | $sr, $s50 / $s99 ($se) | $mr, $m50 / $m99 ($me) | $added |" >>"$report"
    done
    read -r d50 d99 <<<"$(ttfb "$fake/chat/completions" "" auth '{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Say hello in Rust"}],"stream":true}')"
    read -r t50 t99 <<<"$(ttfb "$base/api/ai/chat" "$one")"
    read -r pr p50 p99 pe <<<"$(oha --no-tui -w --output-format json -z "$duration" -c 32 -H "cookie: $one" \
      "$base/settings" >"$out/settings-$db-$delay.json" 2>/dev/null; summarise "$out/settings-$db-$delay.json")"
    {
      echo
      echo "- time to the first streamed byte, 200 streams one after another: fake p50 $d50 / p99 $d99 ms, studio p50 $t50 / p99 $t99 ms"
      echo "- settings page (SSR), 32 connections, closed loop: $pr pages/s, p50 $p50 / p99 $p99 ms ($pe errors)"
    } >>"$report"
    kill "$studio_pid" "$fake_pid" 2>/dev/null || true
    wait "$studio_pid" "$fake_pid" 2>/dev/null || true
  done
  # Open streams held: a fake that sends a chunk every 30 s, so every stream stays open. Each
  # upstream version gets a fresh studio.
  for version in $stream_upstreams; do
    start_fake --chunk-delay-ms 30000
    start_studio "$db" "$version"
    holder=$(sign_up 1)
    for n in $streams; do
      read -r held rss <<<"$(hold_streams "$n" "$holder")"
      echo "- $n streams asked for on $db, upstream over HTTP/$version: $held held open at once, studio resident memory $rss MB" >>"$report"
    done
    kill "$studio_pid" "$fake_pid" 2>/dev/null || true
    wait "$studio_pid" "$fake_pid" 2>/dev/null || true
  done
done

# cargo-leptos writes the site under the workspace (site-root), whatever CARGO_TARGET_DIR says.
# Built with --split: the main file, then what each page fetches (wasm-sizes.py).
pkg="$root/target/site/pkg"
if [ -f "$pkg/studio.wasm" ]; then
  python3 "$root/server/benches/wasm-sizes.py" "$pkg" >>"$report"
fi
cat "$report"
echo "raw output: $out" >&2
