#!/usr/bin/env bash
# Runs the whole test suite, streams Deno's output, then prints one line
# "tests: N passed, N failed[, N skipped]". Exits with `deno test`'s status.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Without arguments: every test module, every JSDoc example, and the README's code blocks.
[ "$#" -gt 0 ] || set -- . README.md
NO_COLOR=1 deno test --allow-all --doc "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
deno run --allow-read="$log" "$here/test_summary.ts" "$log"
exit "$status"
