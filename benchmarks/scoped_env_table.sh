#!/usr/bin/env bash
# Wall time of ScopedEnv against the libc floor, from ONE run of envguard_bench_scoped_env (Google
# Benchmark, cases interleaved at random, REPS repetitions, medians); prints a markdown table of the
# ratio envguard / floor per N and k. The machine may be noisy: the ratios, measured in one run, are
# what to read; the callgrind table (callgrind_scoped_env.sh) is the noise-free one.
# Usage: benchmarks/scoped_env_table.sh BUILD_DIR [MIN_TIME_SECONDS] [REPS]   (defaults: 0.2, 5)
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [MIN_TIME_SECONDS] [REPS]}
min_time=${2:-0.2}
reps=${3:-5}
program="$build/benchmarks/bench_scoped_env"
[ -x "$program" ] || { echo "$0: $program not built (cmake -DENVGUARD_BUILD_BENCHMARKS=ON)" >&2; exit 1; }
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$program" --benchmark_min_time="$min_time" --benchmark_repetitions="$reps" \
  --benchmark_enable_random_interleaving=true --benchmark_report_aggregates_only=true \
  --benchmark_format=json >"$out"
python3 - "$out" "$reps" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
median = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") != "median":
        continue
    name, n = b["run_name"].split("/")
    median[(name, int(n))] = b["real_time"]  # ns per cycle (time_unit ns)
print("| N | k | floor (ns/cycle) | envguard (ns/cycle) | envguard / floor | goal <= 1.3 |")
print("|---:|---:|---:|---:|---:|:---:|")
worst = 0
for k in (1, 3):
    for n in (10, 100, 1000, 10000):
        f, e = median[("BM_floor_k%d" % k, n)], median[("BM_envguard_k%d" % k, n)]
        worst = max(worst, e / f)
        print("| %d | %d | %.0f | %.0f | %.2f | %s |" % (n, k, f, e, e / f, "yes" if e / f <= 1.3 else "NO"))
print()
print("worst ratio: %.2f (wall time, medians of %s repetitions, one run, cases interleaved)"
      % (worst, sys.argv[2]))
PY
