#!/usr/bin/env bash
# What the browser's WASM is made of: builds the front end as one unsplit module with its
# function names kept (the release profile the site uses, `wasm-release`, before wasm-bindgen
# and wasm-opt, which strip the names), then sums the code by what produced each function:
# Leptos' per-view code (synchronous and asynchronous hydration, build and rebuild), the reactive
# graph, resources, serde, the app's own functions, and so on. Sizes are of the code section
# before wasm-opt, so they are shares, not the bytes served; the data section is printed too.
#
#   bash server/benches/wasm-breakdown.sh        # the table
#   LARGEST=40 bash server/benches/wasm-breakdown.sh  # and the 40 largest functions
#
# Needs the wasm32-unknown-unknown target and python3. Takes a few minutes (LTO).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
cargo rustc --quiet -p frontend --lib --crate-type cdylib --target wasm32-unknown-unknown \
  --profile wasm-release
wasm="$target/wasm32-unknown-unknown/wasm-release/frontend.wasm"
python3 - "$wasm" "${LARGEST:-0}" <<'PY'
import re, sys
from collections import Counter

def leb(b, i):
    value = shift = 0
    while True:
        byte = b[i]; i += 1
        value |= (byte & 0x7f) << shift; shift += 7
        if byte < 0x80:
            return value, i

def skip_limits(b, j):
    flags = b[j]; j += 1
    _, j = leb(b, j)
    return leb(b, j)[1] if flags & 1 else j

def functions(path):
    """(name, code size) of every defined function, and the data section's size."""
    b = open(path, "rb").read()
    i, imported, sizes, names, data = 8, 0, [], {}, 0
    while i < len(b):
        section = b[i]; i += 1
        length, i = leb(b, i); end = i + length
        if section == 2:  # imports: function indices start after the imported functions
            count, j = leb(b, i)
            for _ in range(count):
                for _ in range(2):
                    n, j = leb(b, j); j += n
                kind = b[j]; j += 1
                if kind == 0:
                    _, j = leb(b, j); imported += 1
                elif kind == 1:
                    j = skip_limits(b, j + 1)
                elif kind == 2:
                    j = skip_limits(b, j)
                else:
                    j += 2
        elif section == 10:
            count, j = leb(b, i)
            for _ in range(count):
                n, j = leb(b, j); sizes.append(n); j += n
        elif section == 11:
            data = length
        elif section == 0:
            n, j = leb(b, i)
            if b[j:j + n] == b"name":
                j += n
                while j < end:
                    sub = b[j]; j += 1
                    n, j = leb(b, j)
                    if sub == 1:
                        count, k = leb(b, j)
                        for _ in range(count):
                            index, k = leb(b, k); m, k = leb(b, k)
                            names[index] = b[k:k + m].decode("utf-8", "replace"); k += m
                    j += n
        i = end
    return [(names.get(imported + k, "?"), s) for k, s in enumerate(sizes)], data

def demangle(name):
    """Enough of Rust's legacy mangling to read paths: `_ZN3app5pages...E` -> `app::pages::...`."""
    m = re.match(r"_ZN(.*)E$", name)
    if not m:
        return name
    s, parts, i = m.group(1), [], 0
    while i < len(s) and s[i].isdigit():
        j = i
        while s[j].isdigit():
            j += 1
        parts.append(s[j:j + int(s[i:j])]); i = j + int(s[i:j])
    out = "::".join(parts)
    for code, char in [("$LT$", "<"), ("$GT$", ">"), ("$u20$", " "), ("$RF$", "&"), ("$C$", ","),
                       ("$BP$", "*"), ("$LP$", "("), ("$RP$", ")"), ("$u7b$", "{"), ("$u7d$", "}"),
                       ("..", "::")]:
        out = out.replace(code, char)
    return re.sub(r"::h[0-9a-f]{16}$", "", out)

# First match wins; the order puts Leptos' per-view code before the crates it lives in.
KINDS = [
    ("asynchronous hydration (hydrate_async)", r"hydrate_async"),
    ("synchronous hydration (hydrate)", r"hydrate_from_server|::hydrate$|::hydrate::"),
    ("views built and rebuilt after hydration", r"::build$|::build::|rebuild"),
    ("resources and async-derived futures", r"ScopedFuture|async_derived"),
    ("reactive graph (signals, effects, memos)", r"reactive_graph"),
    ("serde: derives, JSON, form encoding", r"serde|Deserial|Serial"),
    ("wasm-bindgen descriptors (removed by wasm-bindgen)", r"WasmDescribe|describe::"),
    ("drop glue", r"drop_in_place"),
    ("the app's own functions (component bodies, rules)", r"^app::"),
    ("Markdown parser (pulldown-cmark, unicase)", r"pulldown_cmark|unicase"),
    ("Leptos' renderer, router and components, other", r"tachys|leptos"),
    ("formatting (core::fmt)", r"fmt"),
    ("core, alloc, std, collections, allocator", r"^_?<?(core|alloc|std|hashbrown|dlmalloc|indexmap)"),
]

funcs, data = functions(sys.argv[1])
total = sum(s for _, s in funcs)
by_kind, count = Counter(), Counter()
readable = [(demangle(n), s) for n, s in funcs]
for name, size in readable:
    kind = next((k for k, p in KINDS if re.search(p, name)), "other")
    by_kind[kind] += size; count[kind] += 1
print(f"code section before wasm-opt: {total:,} bytes in {len(funcs):,} functions; "
      f"data section: {data:,} bytes\n")
print("| what produced the code | bytes | share | functions |\n|---|---|---|---|")
for kind, size in by_kind.most_common():
    print(f"| {kind} | {size:,} | {100 * size / total:.1f} % | {count[kind]:,} |")
largest = int(sys.argv[2])
if largest:
    print()
    for name, size in sorted(readable, key=lambda f: -f[1])[:largest]:
        print(f"{size:8,} {name[:200]}")
PY
