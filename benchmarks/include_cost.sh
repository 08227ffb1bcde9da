#!/usr/bin/env bash
# Include cost in compiler instructions (issue #19): callgrind counts the instructions cc1plus runs to
# compile one translation unit at -std=c++17 -O2. Exact and repeatable (load does not matter), unlike
# compile times on a shared machine. Each translation unit is preprocessed first (g++ -E), so that
# only the compiler proper (cc1plus, found with `g++ -###`) is measured, not the driver.
#
# Translation units, all from ONE run:
#   baseline     the standard and POSIX headers envguard.hpp includes on POSIX (from the single header)
#   <header>     #include <envguard/<header>.hpp> alone, for every public header
#   envguard     #include <envguard/envguard.hpp> (the umbrella, header-only: the default)
#   separate     the umbrella with -DENVGUARD_SEPARATE_COMPILATION (declarations only)
#
# Usage: benchmarks/include_cost.sh [ROOT] [--json OUT.json] [--smoke] [--floors]
#   ROOT: the source tree whose include/ and single_include/ are measured (default: this one).
#   --smoke: compile the baseline, the separate-mode umbrella and the floors' translation units once
#            each, without callgrind (CI: the floors' edits of the header copy still apply).
#   --floors: instead of every header, the lower bounds under the goals that are missed (issue #19):
#     overlay_needs     snapshot.hpp + scoped_env.hpp, which overlay.hpp must include (render returns
#                       an EnvSnapshot, apply a ScopedEnv): overlay.hpp costs at least this
#     overlay_declared  overlay.hpp with its own bodies left out (in a copy of include/)
#     process_declared  process.hpp with its own bodies left out (it includes block.hpp: EnvBlock)
#     concepts          the six concept headers together: the umbrella includes them all
#   with overlay, process and envguard beside them for comparison.
# Prints a markdown table: instructions and the ratio to the baseline. CXX picks the compiler (g++).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
json=""
smoke=0
floors=0
while [ $# -gt 0 ]; do
  case $1 in
    --json) json=$2; shift 2 ;;
    --smoke) smoke=1; shift ;;
    --floors) floors=1; shift ;;
    *) root=$(cd "$1" && pwd); shift ;;
  esac
done
cxx=${CXX:-g++}
[ "$smoke" -eq 1 ] || command -v valgrind >/dev/null || { echo "$0: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
trap 'echo "$0: line $LINENO: \`$BASH_COMMAND\` failed" >&2' ERR

# The standard and POSIX headers of the umbrella, as the single header lists them (POSIX only).
mapfile -t std_headers < <(sed -n 's/^#[[:space:]]*include <\([^>]*\)>.*/\1/p' \
  "$root/single_include/envguard/envguard.hpp" | grep -v -x -e 'windows.h' -e 'crt_externs.h' | awk '!seen[$0]++')

# Every public header in include/envguard/, found rather than listed (a new header is measured without
# an edit here), except: envguard.hpp (the umbrella, its own rows below), impl.hpp (the bodies for
# separate compilation: an error without ENVGUARD_SEPARATE_COMPILATION) and fmt.hpp (needs {fmt}).
mapfile -t headers < <(cd "$root/include/envguard" && ls -- *.hpp | sed 's/\.hpp$//' |
  grep -v -x -e envguard -e impl -e fmt)
cases=(baseline)
{ for h in "${std_headers[@]}"; do echo "#include <$h>"; done; echo 'int main() { return 0; }'; } >"$out/baseline.cpp"
for h in "${headers[@]}"; do
  [ -f "$root/include/envguard/$h.hpp" ] || continue
  printf '#include <envguard/%s.hpp>\nint main() { return 0; }\n' "$h" >"$out/$h.cpp"
  cases+=("$h")
done
printf '#include <envguard/envguard.hpp>\nint main() { return 0; }\n' >"$out/envguard.cpp"
printf '#define ENVGUARD_SEPARATE_COMPILATION 1\n#include <envguard/envguard.hpp>\nint main() { return 0; }\n' \
  >"$out/separate.cpp"
cases+=(envguard separate)

# overlay_declared and process_declared compile against a copy of include/ in which overlay.hpp and
# process.hpp have their own bodies switched off (its first `#if ENVGUARD_BODIES`, which the check
# below insists on finding: the measurement must not quietly measure the whole header).
floor_cases=(overlay_needs overlay_declared process_declared concepts)
if [ "$smoke" -eq 1 ] || [ "$floors" -eq 1 ]; then # (not needed for the normal run)
  mkdir -p "$out/floors"
  cp -R "$root/include" "$out/floors/include"
  for h in overlay process; do
    header="$out/floors/include/envguard/$h.hpp"
    grep -q -x '#if ENVGUARD_BODIES' "$header" ||
      { echo "$0: --floors: no '#if ENVGUARD_BODIES' line in $h.hpp to switch off" >&2; exit 1; }
    sed -i '0,/^#if ENVGUARD_BODIES$/s//#if 0 \/\/ include_cost.sh --floors: this header'"'"'s own bodies left out/' "$header"
    printf '#include <envguard/%s.hpp>\nint main() { return 0; }\n' "$h" >"$out/${h}_declared.cpp"
  done
  printf '#include <envguard/snapshot.hpp>\n#include <envguard/scoped_env.hpp>\nint main() { return 0; }\n' \
    >"$out/overlay_needs.cpp"
  { for h in env scoped_env snapshot overlay block process; do echo "#include <envguard/$h.hpp>"; done
    echo 'int main() { return 0; }'; } >"$out/concepts.cpp"
fi

if [ "$smoke" -eq 1 ]; then cases=(baseline separate "${floor_cases[@]}")
elif [ "$floors" -eq 1 ]; then cases=(baseline overlay process envguard "${floor_cases[@]}"); fi

for c in "${cases[@]}"; do
  include="$root/include" quiet=()
  # -w: the declarations of the bodies left out are "used but never defined" (a warning, no error).
  case $c in *_declared) include="$out/floors/include" quiet=(-w) ;; esac
  "$cxx" -std=c++17 -O2 -E -I "$include" "$out/$c.cpp" -o "$out/$c.ii"
  # The cc1plus command the driver would run for the preprocessed file (-### prints it, quoted).
  # Captured whole before grep reads it: `-### | grep -m1` lost a race under pipefail (grep left
  # early, the driver got SIGPIPE, and set -e ended the script without a word, in a CI run).
  # TMPDIR: the driver names the cc1plus output in it, so the .s files go away with $out.
  driver=$(TMPDIR="$out" "$cxx" -### -std=c++17 -O2 "${quiet[@]}" -c "$out/$c.ii" -o "$out/$c.s.o" 2>&1)
  cmd=$(grep -m1 'cc1plus' <<<"$driver") || { echo "$0: no cc1plus in \`$cxx -###\` (g++ only):" >&2; echo "$driver" >&2; exit 1; }
  eval "set -- $cmd"
  if [ "$smoke" -eq 1 ]; then "$@" >/dev/null; echo "include_cost: $c compiles"; continue; fi
  valgrind --tool=callgrind --callgrind-out-file="$out/$c.cg" "$@" >/dev/null 2>"$out/$c.log" ||
    { cat "$out/$c.log" >&2; exit 1; }
  echo "$c $(sed -n 's/^summary: //p; s/^totals: //p' "$out/$c.cg" | head -1 | awk '{print $1}')" >>"$out/counts"
done

[ "$smoke" -eq 0 ] || exit 0
python3 - "$out/counts" "$json" "$("$cxx" --version | head -1)" "${std_headers[*]}" <<'EOF'
import json, sys
counts = dict((line.split()[0], int(line.split()[1])) for line in open(sys.argv[1]))
base = counts["baseline"]
goals = {"envguard": 1.5, "separate": 1.10}
labels = {"baseline": "the standard and POSIX headers envguard.hpp includes",
          "envguard": "`#include <envguard/envguard.hpp>` (header-only, the default)",
          "separate": "`#include <envguard/envguard.hpp>` with `ENVGUARD_SEPARATE_COMPILATION`"}
concept = {"env", "scoped_env", "snapshot", "overlay", "block", "process"}
# --floors: lower bounds, each under the goal of the header it bounds.
floors = {"overlay_needs": ("`overlay.hpp`'s floor: `snapshot.hpp` + `scoped_env.hpp`, which it includes", 1.3),
          "overlay_declared": ("`overlay.hpp` without its own bodies", 1.3),
          "process_declared": ("`process.hpp` without its own bodies (it includes `block.hpp`)", 1.3),
          "concepts": ("the umbrella's floor: the six concept headers together", 1.5)}
print("| translation unit | instructions | vs baseline | goal | |")
print("|---|---:|---:|---:|:---:|")
rows = []
for name, ir in counts.items():
    label = labels.get(name, f"`#include <envguard/{name}.hpp>`")
    goal = goals.get(name, 1.3 if name in concept else None)
    ratio = ir / base
    verdict = "" if goal is None else ("met" if ratio <= goal + 1e-9 else "**missed**")
    if name in floors:
        label, goal = floors[name]
        verdict = "bound below the goal" if ratio <= goal + 1e-9 else "**bound above the goal**"
    print(f"| {label} | {ir / 1e9:.3f} G | {ratio:.2f}x | {'≤ %.2fx' % goal if goal else ''} | {verdict} |")
    rows.append({"name": name, "label": label, "floor": name in floors, "instructions": ir, "ratio": ratio,
                 "goal": goal})
print()
print(f"Compiler: `{sys.argv[3]}`, `-std=c++17 -O2 -c` on the preprocessed file; instructions of cc1plus "
      "under `valgrind --tool=callgrind`.")
if sys.argv[2]:
    json.dump({"rows": rows, "compiler": sys.argv[3], "headers": sys.argv[4].split()},
              open(sys.argv[2], "w"), indent=1)
EOF
