#!/usr/bin/env bash
# Scans for anything shaped like a real OpenRouter key (`sk-or-v1-` and 64 lowercase hex) and
# fails if it finds one. With no arguments it scans the repository (git ls-files); otherwise the
# files named (CI passes the test logs). `--self-test` first checks that the scanner finds a key
# planted in a temporary file and passes the test keys.
#
# The test keys are allowed: the fake OpenRouter's (server/fake-openrouter/src/keys.rs pads a
# key's hex with `0123456789abcdef` repeated by position, so 16 hex digits of a test key are
# that padding in place), and keys whose hex repeats a unit of at most 8 digits (`a1` x 32).
# A random key does either with a probability below 1e-17. A key found is never printed: only
# where it is.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

padding="0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

# Whether the 64 hex digits in $1 are a test key's.
is_test_key() {
  local hex=$1 i p unit repeated
  for ((i = 0; i + 16 <= 64; i++)); do
    [[ "${hex:i:16}" == "${padding:i:16}" ]] && return 0
  done
  for p in 1 2 4 8; do
    unit=${hex:0:p}
    repeated=""
    while ((${#repeated} < 64)); do repeated+=$unit; done
    [[ "$repeated" == "$hex" ]] && return 0
  done
  return 1
}

# Scans the files named in "$@"; prints each real-looking key's place; fails if there is one.
scan() {
  local found=0 place match hex
  while IFS= read -r line; do
    place=${line%%:sk-or-v1-*}
    match=${line#"$place":}
    hex=${match#sk-or-v1-}
    if ! is_test_key "$hex"; then
      echo "scan-keys: a real-looking OpenRouter key at $place (not shown)" >&2
      found=1
    fi
  done < <(grep -I -o -n -H -E 'sk-or-v1-[0-9a-f]{64}' -- "$@" 2>/dev/null || true)
  return "$found"
}

self_test() {
  local dir hex
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  hex=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  printf 'log line\nAuthorization: Bearer sk-or-v1-%s\n' "$hex" > "$dir/planted.log"
  printf 'sk-or-v1-%s\n' "dead${padding:4:60}" "${padding}" "$(printf 'a1%.0s' {1..32})" > "$dir/test-keys.txt"
  printf 'sk-or-v1-abc...def and sk-or-v1-%s\n' "${hex:0:40}" > "$dir/short.txt"
  if scan "$dir/planted.log" 2>"$dir/out"; then
    echo "scan-keys self-test: a planted key was not found" >&2
    return 1
  fi
  if ! grep -q "planted.log:2" "$dir/out" || grep -q "$hex" "$dir/out"; then
    echo "scan-keys self-test: the report does not name the place, or it shows the key" >&2
    return 1
  fi
  if ! scan "$dir/test-keys.txt" "$dir/short.txt"; then
    echo "scan-keys self-test: a test key or a non-key was reported" >&2
    return 1
  fi
  echo "scan-keys self-test: ok"
}

if [[ "${1:-}" == "--self-test" ]]; then
  self_test
  shift
fi

if [[ $# -eq 0 ]]; then
  cd "$root"
  mapfile -t files < <(git ls-files)
  scan "${files[@]}"
  echo "scan-keys: no real-looking key in the ${#files[@]} tracked files"
else
  for f in "$@"; do
    [[ -r "$f" ]] || { echo "scan-keys: cannot read $f" >&2; exit 1; }
  done
  scan "$@"
  echo "scan-keys: no real-looking key in $*"
fi
