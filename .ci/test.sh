#!/usr/bin/env bash
# Installs what is missing, then runs every check CI runs: formatting, clippy (server and WASM),
# the supply-chain checks (cargo deny, a scan for key shapes), the cargo tests on SQLite and on
# PostgreSQL (their output scanned for key shapes too), then schemathesis and the Playwright suite
# against a
# release build.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=setup.sh
source .ci/setup.sh
target="${CARGO_TARGET_DIR:-$root/target}"
pg_admin_url="${STUDIO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
host_crates=(-p app -p server -p fake-openrouter -p migration)

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

step "cargo fmt --check"
cargo fmt --all -- --check

step "clippy (server, warnings are errors)"
cargo clippy "${host_crates[@]}" --all-targets -- -D warnings
step "clippy (WASM front end, warnings are errors)"
cargo clippy -p frontend -p app --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "supply chain: cargo deny (bans, licences, sources, advisories offline)"
bash .ci/deny.sh
step "key-shape scan of the repository"
bash .ci/scan-keys.sh --self-test

# The cargo tests' output is kept, and scanned for key shapes once they are done.
test_log="$target/ci-test.log"
mkdir -p "$target"
: > "$test_log"

step "cargo tests on SQLite"
cargo test "${host_crates[@]}" 2>&1 | tee -a "$test_log"
step "crash harness on SQLite (kill -9 at random moments, 5 rounds)"
CRASH_ROUNDS=5 cargo test -p server --test crash -- --ignored --nocapture 2>&1 | tee -a "$test_log"

step "cargo tests on PostgreSQL"
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "PostgreSQL is down; starting it"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
STUDIO_TEST_POSTGRES_URL="$pg_admin_url" cargo test -p server 2>&1 | tee -a "$test_log"
step "crash harness on PostgreSQL (5 rounds)"
STUDIO_TEST_POSTGRES_URL="$pg_admin_url" CRASH_ROUNDS=5 \
  cargo test -p server --test crash -- --ignored --nocapture 2>&1 | tee -a "$test_log"
# Each test made its own database; drop them so runs do not pile up.
psql "$pg_admin_url" -Atqc "select datname from pg_database where datname like 'studio_test_%'" \
  | while read -r db; do psql "$pg_admin_url" -qc "drop database if exists \"$db\"" >/dev/null; done

step "key-shape scan of the test logs"
bash .ci/scan-keys.sh "$test_log"

step "release build (cargo leptos)"
cargo leptos build --release --split --precompress
cargo build --release -p fake-openrouter

step "WASM budget: the main file and the home page at most 300 KB gzip (issue 16)"
python3 server/benches/wasm-sizes.py target/site/pkg --budget 300000 --pages home

step "schemathesis against the release build (every operation of /api/openapi.json)"
STUDIO_BIN="$target/release/studio" FAKE_OPENROUTER_BIN="$target/release/fake-openrouter" \
  bash .ci/schemathesis.sh

step "Playwright in Chromium against the release build"
(cd end2end && STUDIO_BIN="$target/release/studio" FAKE_OPENROUTER_BIN="$target/release/fake-openrouter" npx playwright test)

echo
echo "all checks passed in $(( $(date +%s) - started )) s"
