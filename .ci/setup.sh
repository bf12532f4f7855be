#!/usr/bin/env bash
# Installs what building and testing AiAppsy Web Studio needs, and nothing that is already there.
# Idempotent; sourced by serve.sh and test.sh. Needs only the stock tools: rustup, Node/npm, apt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cargo_leptos_version="0.3.10"
cargo_deny_version="0.20.2"
# wasm-bindgen-cli must be exactly the wasm-bindgen crate's version (cargo-leptos does not check).
wasm_bindgen_version="$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/[^0-9.]/, ""); print; exit}' "$root/Cargo.lock")"

say() { printf '==> %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if ! cargo leptos --version 2>/dev/null | grep -q "$cargo_leptos_version"; then
  say "installing cargo-leptos $cargo_leptos_version (about 25 minutes, once per machine)"
  cargo install cargo-leptos --version "$cargo_leptos_version" --locked
fi

if ! cargo deny --version 2>/dev/null | grep -q " $cargo_deny_version\$"; then
  say "installing cargo-deny $cargo_deny_version (about 5 minutes, once per machine)"
  cargo install cargo-deny --version "$cargo_deny_version" --locked
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q " $wasm_bindgen_version\$"; then
  say "installing wasm-bindgen-cli $wasm_bindgen_version (about 3 minutes, once per machine)"
  # Not --locked: its lockfile wants a webpki-roots the registry no longer serves.
  cargo install wasm-bindgen-cli --version "$wasm_bindgen_version" --force
fi

if [ ! -x /usr/bin/chromium ]; then
  say "installing Debian's Chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

# Playwright and wasm-opt (npm binaryen; Debian's binaryen breaks hydration), pinned by the lockfile.
if [ ! -f "$root/end2end/node_modules/.package-lock.json" ] \
  || ! cmp -s "$root/end2end/package-lock.json" "$root/end2end/node_modules/.ci-lock"; then
  say "installing the end-to-end tools (npm ci)"
  (cd "$root/end2end" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$root/end2end/package-lock.json" "$root/end2end/node_modules/.ci-lock"
fi
export PATH="$root/end2end/node_modules/.bin:$PATH"

# The workspace page's code editor: CodeMirror from npm, pinned by its lockfile, bundled by esbuild
# into public/editor/, which `cargo leptos build` copies into the site. Bundling takes a second.
editor="$root/frontend/editor"
if [ ! -f "$editor/node_modules/.package-lock.json" ] \
  || ! cmp -s "$editor/package-lock.json" "$editor/node_modules/.ci-lock"; then
  say "installing the code editor's packages (npm ci)"
  (cd "$editor" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$editor/package-lock.json" "$editor/node_modules/.ci-lock"
fi
(cd "$editor" && npm run --silent build)

# schemathesis (PyPI), pinned, in a venv that persists between runs; .ci/schemathesis.sh uses it.
# Python 3.12 or later where the machine has one: CPython 3.11's parser sometimes fails inside
# Hypothesis ("AST constructor recursion depth mismatch").
schemathesis_version="4.32.5"
schemathesis_venv="$HOME/.cache/schemathesis-venv"
schemathesis_python=""
for py in "$HOME"/.pyenv/versions/3.1[2-9]*/bin/python3 python3.13 python3.12 python3; do
  if "$py" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    schemathesis_python="$py"
    break
  fi
done
if [ -z "$schemathesis_python" ]; then
  if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3-venv >/dev/null
  fi
  schemathesis_python=python3
fi
if ! "$schemathesis_venv/bin/schemathesis" --version 2>/dev/null | grep -q " $schemathesis_version\$" \
  || [ "$("$schemathesis_venv/bin/python" -c 'import sys; print(sys.version_info[:2])' 2>/dev/null)" \
    != "$("$schemathesis_python" -c 'import sys; print(sys.version_info[:2])')" ]; then
  say "installing schemathesis $schemathesis_version with $schemathesis_python (once per machine)"
  rm -rf "$schemathesis_venv"
  "$schemathesis_python" -m venv "$schemathesis_venv"
  "$schemathesis_venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$schemathesis_version"
fi
export SCHEMATHESIS="$schemathesis_venv/bin/schemathesis"
