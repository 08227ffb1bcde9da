#!/usr/bin/env bash
# Instruction counts (callgrind: noise-free on a shared machine) of ScopedEnv against the libc floor,
# from ONE run of envguard_bench_scoped_env under callgrind: each case is zeroed, run CYCLES times at
# N = 10 (CYCLES * 10 / N, at least 20, at larger N) and dumped; prints a markdown table of
# instructions per cycle and the ratio envguard / floor.
# Usage: benchmarks/callgrind_scoped_env.sh BUILD_DIR [CYCLES]     (default CYCLES: 2000)
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [CYCLES]}
cycles=${2:-2000}
program="$build/benchmarks/bench_scoped_env"
[ -x "$program" ] || { echo "$0: $program not built (cmake -DENVGUARD_BUILD_BENCHMARKS=ON)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
valgrind --tool=callgrind --callgrind-out-file="$out/cg.%p" "$program" --callgrind "$cycles" \
  >/dev/null 2>"$out/valgrind.log" || { cat "$out/valgrind.log" >&2; exit 1; }
# Each dump: "desc: Trigger: Client Request: <label>" and "summary: <instructions in this part>".
for f in "$out"/cg.*; do
  label=$(sed -n 's/^desc: Trigger: Client Request: //p' "$f")
  [ -n "$label" ] || continue
  echo "$label|$(sed -n 's/^summary: //p' "$f")"
done | python3 -c '
import re, sys
ir = {}
for line in sys.stdin:
    label, total = line.rstrip("\n").split("|")
    m = re.fullmatch(r"(\w+) k=(\d+) N=(\d+) cycles=(\d+)", label)
    ir[(m.group(1), int(m.group(2)), int(m.group(3)))] = int(total.split()[0]) / int(m.group(4))
print("| N | k | floor (instructions/cycle) | envguard (instructions/cycle) | envguard / floor | goal <= 1.3 |")
print("|---:|---:|---:|---:|---:|:---:|")
worst = 0
for k in (1, 3):
    for n in (10, 100, 1000, 10000):
        f, e = ir[("floor", k, n)], ir[("envguard", k, n)]
        worst = max(worst, e / f)
        print("| %d | %d | %.0f | %.0f | %.2f | %s |" % (n, k, f, e, e / f, "yes" if e / f <= 1.3 else "NO"))
print()
print("worst ratio: %.2f (callgrind instruction counts, one run, %s cycles per case at N = 10)" % (worst, sys.argv[1]))
' "$cycles"
