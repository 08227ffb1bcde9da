#!/usr/bin/env bash
# RSS growth over CYCLES guard cycles with distinct values: raw setenv/unsetenv, envguard's default
# MemoryMode::keep and the opt-in MemoryMode::reclaim, one process each; prints a markdown table.
# Usage: benchmarks/memory_table.sh BUILD_DIR [CYCLES]     (default CYCLES: 1000000)
set -euo pipefail
build=${1:?usage: $0 BUILD_DIR [CYCLES]}
cycles=${2:-1000000}
program="$build/benchmarks/bench_memory"
[ -x "$program" ] || { echo "$0: $program not built (cmake -DENVGUARD_BUILD_BENCHMARKS=ON)" >&2; exit 1; }
echo "| what | cycles | RSS growth | bytes per cycle | goal |"
echo "|---|---:|---:|---:|---|"
for mode in setenv keep reclaim; do
  read -r _ n _ _ growth per < <("$program" "$mode" "$cycles")
  case $mode in
    setenv) what="raw setenv + unsetenv"; goal="(the floor: glibc keeps every string)" ;;
    keep) what="envguard, MemoryMode::keep (default)"; goal="no worse than setenv" ;;
    reclaim) what="envguard, MemoryMode::reclaim"; goal="< 1 MB per million cycles" ;;
  esac
  awk -v what="$what" -v n="$n" -v kb="$growth" -v per="$per" -v goal="$goal" \
    'BEGIN { printf "| %s | %d | %.2f MB | %s | %s |\n", what, n, kb / 1024, per, goal }'
done
