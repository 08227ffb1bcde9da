#!/usr/bin/env bash
# envguard's benchmarks (issue #8), the one command: builds them (Release, build/benchmarks), runs them
# all in one go and writes the measured ratios into BENCHMARKS.md (between its GENERATED markers),
# computed by tools/benchmark_report.py from this run's JSON output, never typed by hand.
#
#   tools/run_benchmarks.sh              full run (about 16 minutes on 2 cores)
#   MIN_TIME=0.01 RUNS=5 tools/run_benchmarks.sh --smoke
#                                        build and run everything briefly, check each exits 0, and
#                                        leave BENCHMARKS.md alone (what CI runs)
#
# Adding a Google Benchmark program: one envguard_add_benchmark(NAME file.cpp) line in
# benchmarks/CMakeLists.txt and one NAME in the `programs` list below; its JSON lands in
# build/benchmarks/results/NAME.json, and tools/benchmark_report.py reads every file there (add the
# ratios to show to its RATIOS table).
#
# Needs: libbenchmark-dev, hyperfine, valgrind (for the callgrind helper), python3; plus the
# launcher's libraries (tools/install_deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

smoke=0
[ "${1:-}" = "--smoke" ] && smoke=1

programs=(
  snapshot   # item 2: restore, cycle, capture
  process    # item 3: render + EnvBlock, run
  scoped_env # item 1: ScopedEnv against getenv/setenv/unsetenv by hand
  whole_env  # issue #16 item 7: whole-environment operations at 1,000 to 100,000 variables
)
# Item 6 is not a Google Benchmark program (it measures memory, not time): bench_memory, run below.

build=build/benchmarks
results=$build/results
min_time=${MIN_TIME:-0.5}  # seconds per benchmark (Google Benchmark 1.7: a plain number)
runs=${RUNS:-200}          # hyperfine runs per command

if [ "$smoke" -eq 1 ]; then
  tools/install_deps.sh libbenchmark-dev hyperfine
else
  tools/install_deps.sh libbenchmark-dev hyperfine valgrind
fi

# ENVGUARD_LAUNCHER=path/to/envguard: time that launcher instead of building one here (CI passes the
# one its test suite built, to save the build).
launcher_build=ON
targets=(envguard_launcher)
if [ -n "${ENVGUARD_LAUNCHER:-}" ]; then
  launcher_build=OFF
  targets=()
fi
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DENVGUARD_BUILD_BENCHMARKS=ON \
      -DENVGUARD_BUILD_TESTS=OFF -DENVGUARD_BUILD_EXAMPLES=OFF -DENVGUARD_BUILD_LAUNCHER="$launcher_build" \
      -DENVGUARD_WARNINGS_AS_ERRORS=ON >/dev/null
for program in "${programs[@]}"; do targets+=("envguard_bench_${program}"); done
targets+=(envguard_bench_memory)
cmake --build "$build" -j2 --target "${targets[@]}"

rm -rf "$results"
mkdir -p "$results"

# Google Benchmark programs: JSON per program.
for program in "${programs[@]}"; do
  echo "== benchmark: ${program}"
  "$build/benchmarks/bench_${program}" --benchmark_min_time="$min_time" \
    --benchmark_out="$results/${program}.json" --benchmark_out_format=json
done

# callgrind: instruction counts of one benchmark, noise-free (this machine is shared).
#   callgrind_count PROGRAM FILTER ITERATIONS-HINT -> prints "FILTER Ir" (whole-program count of a
#   run of just that benchmark; subtract a baseline run to get the per-benchmark part).
callgrind_count() {
  local program=$1 filter=$2 out
  out=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null \
        "$build/benchmarks/bench_${program}" --benchmark_filter="^${filter}\$" \
        --benchmark_min_time="${3:-0.01}" 2>&1 | sed -n 's/.*I *refs: *//p' | tr -d ,)
  echo "${filter} ${out}"
}

# Item 4: the launcher as whole processes, against GNU env doing the same.
echo "== launcher (hyperfine)"
envguard=${ENVGUARD_LAUNCHER:-$build/launcher/envguard}
# The coverage profile's changes, as env arguments: the difference between what a child of
# `envguard run` sees without and with the profile.
"$envguard" run -- /usr/bin/env -0 >"$results/env-base.txt"
"$envguard" run --profile coverage -- /usr/bin/env -0 >"$results/env-coverage.txt"
mapfile -t coverage_env < <(python3 tools/benchmark_report.py --env-diff "$results/env-base.txt" \
                            "$results/env-coverage.txt")
echo "coverage profile as env arguments: ${coverage_env[*]}"
hyperfine -N --warmup 20 --runs "$runs" --export-json "$results/launcher.json" \
  -n "envguard run X=1" "$envguard run X=1 -- /bin/true" \
  -n "env X=1" "env X=1 /bin/true" \
  -n "envguard run --profile coverage" "$envguard run --profile coverage -- /bin/true" \
  -n "env (coverage changes)" "env ${coverage_env[*]} /bin/true"

# Item 5 (issue #19): the include cost in compiler instructions (callgrind on cc1plus: exact, so one
# run), for the baseline, each public header, the umbrella and the umbrella in separate mode; then
# the lower bounds under the goals that are missed (--floors).
echo "== include cost"
if [ "$smoke" -eq 1 ]; then
  bash benchmarks/include_cost.sh --smoke
else
  bash benchmarks/include_cost.sh --json "$results/include_cost.json"
  bash benchmarks/include_cost.sh --floors --json "$results/include_floors.json"
fi

# Item 6: RSS growth over many guard cycles with distinct values (setenv, keep, reclaim).
if [ "$smoke" -eq 1 ]; then
  for mode in setenv keep reclaim; do "$build/benchmarks/bench_memory" "$mode" 10000; done
fi

# A benchmark that reported an error (SkipWithError: a wrong result) fails the run, even in --smoke.
python3 tools/benchmark_report.py --check "$results"
if [ "$smoke" -eq 1 ]; then
  echo "run_benchmarks: smoke run passed (BENCHMARKS.md not touched)"
  exit 0
fi
# Items 1 and 6 as markdown tables, from this build: ScopedEnv's wall time and callgrind
# instruction counts against the floor, and the memory table (benchmarks/bench_mem_tables.sh).
echo "== ScopedEnv against the floor (wall time, callgrind) and memory over long runs"
benchmarks/bench_mem_tables.sh "$build" | tee "$results/bench_mem.md"
python3 tools/benchmark_report.py --write BENCHMARKS.md "$results"
echo "run_benchmarks: BENCHMARKS.md updated from $results"
