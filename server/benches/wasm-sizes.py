#!/usr/bin/env python3
"""Sizes of the release build's WASM: the main file, then what each page fetches (the main file
and the page's chunks, from `__wasm_split_manifest.json`), each file compressed on its own with
gzip -9, and the brotli file the studio serves where the build precompressed the site.

    python3 server/benches/wasm-sizes.py target/site/pkg
    python3 server/benches/wasm-sizes.py target/site/pkg --budget 300000 --pages home

With --budget, exits 1 if the main file, or any page named by --pages, is larger than that many
bytes gzipped (the check CI runs after the release build). Sizes, not times: the same build
gives the same bytes on any machine.
"""
import argparse
import gzip
import json
import os
import sys


def size(pkg, name):
    path = os.path.join(pkg, name)
    with open(path, "rb") as f:
        data = f.read()
    brotli = path + ".br"
    return len(data), len(gzip.compress(data, 9)), os.path.getsize(brotli) if os.path.exists(brotli) else None


def served(br):
    return f", {br} bytes brotli as served" if br is not None else ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pkg")
    parser.add_argument("--budget", type=int)
    parser.add_argument("--pages", nargs="*", default=[])
    args = parser.parse_args()

    raw, gz, br = size(args.pkg, "studio.wasm")
    print(f"- WASM, main file: {raw} bytes raw, {gz} bytes gzip{served(br)}")
    over = [f"the main file ({gz} bytes gzip)"] if args.budget and gz > args.budget else []
    pages = {}
    manifest = os.path.join(args.pkg, "__wasm_split_manifest.json")
    if os.path.exists(manifest):
        with open(manifest) as f:
            for split, files in sorted(json.load(f).items()):
                page = split.strip("_").split("_route_view")[0]
                sizes = [size(args.pkg, name + ".wasm") for name in files]
                r, g = raw + sum(s[0] for s in sizes), gz + sum(s[1] for s in sizes)
                b = None if br is None or any(s[2] is None for s in sizes) else br + sum(s[2] for s in sizes)
                pages[page] = g
                print(f"  - page {page}: {len(files) + 1} files, {r} bytes raw, {g} bytes gzip{served(b)}")
    for page in args.pages:
        if page not in pages:
            over.append(f"page {page} (not in the split manifest: was the build run with --split?)")
        elif args.budget and pages[page] > args.budget:
            over.append(f"page {page} ({pages[page]} bytes gzip)")
    if over:
        print(f"over the budget of {args.budget} bytes gzip: {', '.join(over)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
