#!/usr/bin/env bash
# Supply-chain checks: `cargo deny check bans licenses sources advisories` (deny.toml), with the
# RustSec advisories read offline from the snapshot in $ADVISORY_DB, ../shared/advisory-db or
# /work/shared/advisory-db.
#
# cargo-deny reads a database from `<db-path>/advisory-db-<hash of its URL>` and takes its age
# from `.git/FETCH_HEAD`; the snapshot is a plain folder (read-only in CI), so it is copied
# there, dated with the date its SNAPSHOT file gives. An advisory that applies fails the run
# unless deny.toml lists it with a reason.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
# The snapshot sits beside the project's checkout (../shared) in the workplace; a clean clone
# elsewhere (CI's) finds it at the workplace's fixed path.
snapshot=""
for candidate in "${ADVISORY_DB:-}" "$root/../shared/advisory-db" /work/shared/advisory-db; do
  if [[ -n "$candidate" && -f "$candidate/SNAPSHOT" ]]; then
    snapshot="$candidate"
    break
  fi
done
if [[ -z "$snapshot" ]]; then
  echo "deny: no advisory snapshot in \$ADVISORY_DB, ../shared/advisory-db or /work/shared/advisory-db" >&2
  exit 1
fi
date=$(grep -o -E '[0-9]{4}-[0-9]{2}-[0-9]{2}' "$snapshot/SNAPSHOT" | head -n1)
if [[ -z "$date" ]]; then
  echo "deny: $snapshot/SNAPSHOT names no date" >&2
  exit 1
fi
export STUDIO_ADVISORY_DBS="$target/advisory-dbs"
# The folder cargo-deny 0.20 derives for https://github.com/rustsec/advisory-db (deny.toml).
db="$STUDIO_ADVISORY_DBS/advisory-db-3157b0e258782691"
rm -rf "$db"
mkdir -p "$STUDIO_ADVISORY_DBS"
cp -R "$snapshot" "$db"
chmod -R u+w "$db"
mkdir -p "$db/.git"
touch -d "$date" "$db/.git/FETCH_HEAD"
echo "deny: advisories from $(head -c 200 "$snapshot/SNAPSHOT" | tr -d '\n')"
# The crate graph covers every platform's dependencies; fetch them (crates.io only), then run
# offline, so the advisory database is never fetched.
cargo fetch --locked --quiet
cargo deny --offline --locked check bans licenses sources advisories
