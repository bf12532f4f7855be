#!/usr/bin/env bash
# Installs what is missing, builds the release site and serves the app on the SQLite default.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# shellcheck source=setup.sh
source .ci/setup.sh
cargo leptos build --release --split --precompress
target="${CARGO_TARGET_DIR:-$root/target}"
exec "$target/release/studio" "$@"
