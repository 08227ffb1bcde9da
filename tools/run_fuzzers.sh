#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++, ENVGUARD_BUILD_FUZZERS) and runs each for a bounded time,
# starting from the committed seed corpus in tests/fuzz/corpus/<target>/ (new inputs go to
# build/fuzz/corpus/<target>/, the committed corpus is not changed). Any crash, sanitizer report or
# broken promise fails the run; the input is saved as build/fuzz/artifacts/crash-*.
# Usage: tools/run_fuzzers.sh [SECONDS-PER-TARGET]      (default 30; CI uses the default)
#   replay one input:  build/fuzz/tests/fuzz/envguard_fuzz_<target> build/fuzz/artifacts/crash-...
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=$PWD/build/fuzz # absolute: the launcher target works in a directory of its own
targets=(overlay launcher_args cargo_config)

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DENVGUARD_BUILD_FUZZERS=ON -DENVGUARD_BUILD_TESTS=OFF -DENVGUARD_BUILD_EXAMPLES=OFF \
      -DENVGUARD_WARNINGS_AS_ERRORS=ON >/dev/null || exit 1
cmake --build "$build" -j2 --target "${targets[@]/#/envguard_fuzz_}" || exit 1

mkdir -p "$build/artifacts"
: > "$build/reliability.log" # the RELIABILITY: lines, for tools/reliability_report.py
failed=0
for target in "${targets[@]}"; do
  corpus=$build/corpus/$target
  mkdir -p "$corpus"
  seeds=$(find "tests/fuzz/corpus/$target" -type f | wc -l)
  log=$build/$target.log
  # -close_fd_mask=3: the target's own output (the launcher's messages) is dropped; libFuzzer's and the
  # sanitizers' reports are kept. -rss_limit_mb: well under the machine's memory.
  "$build/tests/fuzz/envguard_fuzz_$target" -max_total_time="$seconds" -print_final_stats=1 \
    -close_fd_mask=3 -rss_limit_mb=2048 -timeout=20 -artifact_prefix="$build/artifacts/" \
    "$corpus" "$PWD/tests/fuzz/corpus/$target" > "$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  units=$(find "$corpus" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    echo "fuzz $target: ${runs:-?} inputs in ${seconds} s, no crash (seed corpus $seeds, corpus now $((seeds + units)))"
    echo "RELIABILITY: fuzz.$target cases=${runs:-0} seeds=$seeds seconds=$seconds result=pass" | tee -a "$build/reliability.log"
  else
    failed=$((failed + 1))
    echo "fuzz $target: FAILED (exit $status); the input is in $build/artifacts/:"
    grep -E "broken promise|ERROR:|SUMMARY:|Test unit written" "$log" | head -20
    echo "RELIABILITY: fuzz.$target cases=${runs:-0} seeds=$seeds seconds=$seconds result=fail" | tee -a "$build/reliability.log"
  fi
done
echo "run_fuzzers: $((${#targets[@]} - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
