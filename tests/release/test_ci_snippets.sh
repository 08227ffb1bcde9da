#!/usr/bin/env bash
# Runs the CI snippets of docs/command.md (section "In CI"): tests/release/ci_snippets.py turns each job of the
# GitHub Actions workflow and of the GitLab CI file into a bash script of its steps, in order, and this
# runs each in a scratch directory with its own HOME, as the hosted runner would, so that a snippet that
# cannot work fails here. What needs a hosted service is replaced, and only that:
#   - PyPI's envguard-cli: `pip`/`pipx` find it in build/release/ (PIP_FIND_LINKS), the wheel
#     tools/release.sh built; GitHub's preinstalled pipx is the pinned one of tools/release_tools.sh;
#   - actions/checkout: a copy of examples/sccache-project (its .cargo/config.toml sends builds through
#     sccache), also where GitLab checks out before the job; taiki-e/install-action: cargo-llvm-cov from
#     crates.io (`cargo install --locked`) into a cache, ~/.cache/envguard/cargo-llvm-cov (the GitLab
#     job's own `cargo install` installs there too, through CARGO_INSTALL_ROOT);
#   - actions/upload-artifact: the file must exist and be an LCOV report;
#   - rustup's llvm-tools-preview download, which cargo-llvm-cov does by itself in CI: Debian's llvm-22
#     through LLVM_COV and LLVM_PROFDATA (rustc 1.95 is LLVM 22).
# It checks that the workspace really goes through sccache (a plain `cargo build` of a second copy adds
# compile requests) and that the jobs' coverage runs added none (a private sccache server), that the
# GitLab image is this machine's (Debian 12, this rustc), that coverage.xml is a Cobertura report and
# that GitLab's reading of the `coverage` regex finds the TOTAL line's percentage.
# Needs root or sudo: the GitLab job runs `apt-get install pipx`, as in its container.
# Usage: tests/release/test_ci_snippets.sh   (after tools/release.sh)
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$PWD
work=$root/build/release-test/snippets
version=$(sed -n 's/^#define ENVGUARD_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' include/envguard/version.hpp | paste -sd.)
tools/install_deps.sh sccache llvm-22 python3-venv unzip >&2 || exit 1
venv=$(bash tools/release_tools.sh) || exit 1
failures=0
ok() { echo "ok   - $1"; }
fail() { failures=$((failures + 1)); echo "FAIL - $1"; [ $# -gt 1 ] && printf '       %s\n' "${@:2}"; return 0; }
ls "$root"/build/release/envguard_cli-"$version"-py3-none-manylinux_*.whl >/dev/null 2>&1 ||
  { echo "test_ci_snippets: no envguard-cli wheel in build/release (run tools/release.sh)" >&2; exit 1; }
rm -rf "$work" && mkdir -p "$work"
wheel_launcher=$(unzip -p "$root"/build/release/envguard_cli-"$version"-py3-none-manylinux_*.whl "envguard_cli-$version.data/scripts/envguard" | sha256sum)

# The machine the jobs run on: rustup's cargo, the real cargo and rustup homes (HOME changes per job).
command -v cargo >/dev/null || export PATH=$HOME/.cargo/bin:$PATH
export CARGO_HOME=${CARGO_HOME:-$HOME/.cargo} RUSTUP_HOME=${RUSTUP_HOME:-$HOME/.rustup}
export LLVM_COV=/usr/bin/llvm-cov-22 LLVM_PROFDATA=/usr/bin/llvm-profdata-22
# PyPI stand-in for envguard-cli: the release's wheels as pip's find-links (PyPI has no envguard-cli;
# pipx still updates its own pip from PyPI, as on a runner). The installed launcher is compared below.
export PIP_FIND_LINKS=$root/build/release PIP_DISABLE_PIP_VERSION_CHECK=1
export CI=true DEBIAN_FRONTEND=noninteractive
# apt-get waits for the dpkg lock (another install on this machine) instead of failing the GitLab job.
printf 'DPkg::Lock::Timeout "900";\n' >"$work/apt.conf"
export APT_CONFIG=$work/apt.conf
unset RUSTC_WRAPPER CARGO_TARGET_DIR CARGO_INCREMENTAL CARGO_BUILD_RUSTC_WRAPPER
llvm_cov_root=${ENVGUARD_CACHE:-$HOME/.cache/envguard}/cargo-llvm-cov
export PATH=$llvm_cov_root/bin:$PATH

# A private sccache server, so that other builds on this machine do not change its counts.
export SCCACHE_SERVER_PORT=42261 SCCACHE_DIR=$work/sccache-cache
sccache --stop-server >/dev/null 2>&1
sccache --start-server >/dev/null 2>&1 || { echo "test_ci_snippets: sccache --start-server failed" >&2; exit 1; }
trap 'sccache --stop-server >/dev/null 2>&1' EXIT
requests() { sccache --show-stats 2>/dev/null | awk '/^Compile requests / && !/executed/ {print $3; exit}'; }

# The workspace goes through sccache when nothing bypasses it (else "sccache compiled nothing" proves nothing).
cp -r examples/sccache-project "$work/plain" && rm -rf "$work/plain/target" "$work/plain/Cargo.lock"
before=$(requests)
(cd "$work/plain" && cargo build --quiet >"$work/plain.log" 2>&1) || fail "plain cargo build of the example" "$(tail -5 "$work/plain.log")"
after=$(requests)
[ "${after:-0}" -gt "${before:-0}" ] && ok "a plain cargo build goes through sccache (compile requests $before -> $after)" ||
  fail "a plain cargo build did not go through sccache ($before -> $after)"

# cargo-llvm-cov, as `cargo install --locked` from crates.io builds it, cached.
start=$SECONDS
if cargo install --locked cargo-llvm-cov --root "$llvm_cov_root" >"$work/cargo-install.log" 2>&1; then
  ok "cargo install --locked cargo-llvm-cov ($(cargo-llvm-cov llvm-cov --version 2>/dev/null), $((SECONDS - start)) s; cached in $llvm_cov_root)"
else
  fail "cargo install --locked cargo-llvm-cov" "$(tail -5 "$work/cargo-install.log")"
fi

# The stand-ins for hosted services, called by the jobs' scripts.
standin_checkout() { cp -r "$root/examples/sccache-project/." . && rm -rf target Cargo.lock; }
standin_install_action() { # taiki-e/install-action@TOOL or with: tool=TOOL
  local tool=${1#*@}
  for arg in "${@:2}"; do [[ $arg == tool=* ]] && tool=${arg#tool=}; done
  [ "$tool" = cargo-llvm-cov ] || { echo "standin_install_action: no stand-in for $tool" >&2; return 1; }
  command -v cargo-llvm-cov >/dev/null
}
standin_upload_artifact() { # actions/upload-artifact@v name=... path=FILE
  local path=""
  for arg in "${@:2}"; do [[ $arg == path=* ]] && path=${arg#path=}; done
  [ -s "$path" ] && grep -q '^SF:' "$path" && grep -q '^end_of_record' "$path" ||
    { echo "standin_upload_artifact: $path is not an LCOV report" >&2; return 1; }
  echo "standin_upload_artifact: $path is an LCOV report ($(grep -c '^SF:' "$path") source file(s))"
}
export root
export -f standin_checkout standin_install_action standin_upload_artifact

snippet() { "$venv/bin/python" tests/release/ci_snippets.py docs/command.md "$@"; }
jobs=$(snippet list) || { fail "ci_snippets.py could not read the snippets of docs/command.md"; jobs=""; }
[ "$(grep -c '^github ' <<<"$jobs")" -ge 2 ] && grep -q '^gitlab ' <<<"$jobs" &&
  ok "docs/command.md's In CI section has GitHub jobs ($(grep '^github' <<<"$jobs" | cut -d' ' -f2 | paste -sd' ')) and a GitLab job" ||
  fail "docs/command.md's CI snippets: expected at least 2 GitHub jobs and a GitLab job" "$jobs"

run_job() { # KIND JOB: in $work/KIND-JOB/workspace, HOME=$work/KIND-JOB/home; prints the log's path
  local kind=$1 job=$2 dir=$work/$1-$2
  mkdir -p "$dir/workspace" "$dir/home/.local/bin" "$dir/runner-bin"
  snippet script "$kind" "$job" >"$dir/job.sh" || return 1
  local path=$dir/home/.local/bin:$PATH
  if [ "$kind" = gitlab ]; then # GitLab checks the project out before the job's script
    (cd "$dir/workspace" && standin_checkout) || return 1
  else # the hosted runner's pipx, its bin directory on PATH
    ln -sf "$venv/bin/pipx" "$dir/runner-bin/pipx"
    path=$dir/runner-bin:$path
  fi
  local as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo --preserve-env=DEBIAN_FRONTEND,APT_CONFIG)
  (cd "$dir/workspace" &&
    if [ ${#as_root[@]} -gt 0 ]; then apt-get() { "${as_root[@]}" apt-get "$@"; }; export -f apt-get; fi &&
    env HOME="$dir/home" PATH="$path" PIPX_HOME="$dir/home/pipx" PIPX_BIN_DIR="$dir/home/.local/bin" CARGO_INSTALL_ROOT="$llvm_cov_root" \
      bash "$dir/job.sh") >"$dir/log" 2>&1
}

while read -r kind job; do
  [ -n "$kind" ] || continue
  echo "# $kind job '$job'"
  dir=$work/$kind-$job
  if [ "$kind" = gitlab ]; then
    meta=$(snippet gitlab-meta "$job")
    image=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["image"] or "")' "$meta")
    rustc_here=$(rustc --version | awk '{print $2}' | cut -d. -f1,2)
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    [ "$image" = "rust:$rustc_here-$codename" ] && ok "image $image is this machine (Debian $codename, rustc $rustc_here)" ||
      fail "image '$image' is not this machine (rust:$rustc_here-$codename): the job would not run as tested"
  fi
  before=$(requests)
  start=$SECONDS
  if run_job "$kind" "$job"; then
    ok "every step of $kind job '$job' ran ($((SECONDS - start)) s)"
  else
    fail "$kind job '$job' failed" "$(tail -25 "$dir/log")"
  fi
  after=$(requests)
  [ "$after" = "$before" ] && ok "sccache compiled nothing during the job (compile requests $before -> $after)" ||
    fail "the job's builds went through sccache (compile requests $before -> $after)"
  if [ "$kind" = github ]; then
    grep -q "standin_upload_artifact: lcov.info is an LCOV report" "$dir/log" && ok "lcov.info for the upload step" ||
      fail "no LCOV report for the upload step"
  fi
  [ -x "$dir/home/.local/bin/envguard" ] && [ "$(sha256sum <"$dir/home/.local/bin/envguard")" = "$wheel_launcher" ] &&
    ok "pipx put the release wheel's envguard in $([ "$kind" = github ] && echo "the runner's PIPX_BIN_DIR" || echo "~/.local/bin")" ||
    fail "pipx did not install the release wheel's envguard in ~/.local/bin"
  if [ "$kind" = gitlab ]; then
    report=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["path"])' "$meta")
    format=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["format"])' "$meta")
    out=$(python3 - "$dir/workspace/$report" <<'PY' 2>&1
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
files = [c.get("filename") for c in root.iter("class")]
assert root.tag == "coverage" and root.get("line-rate") is not None, "not a Cobertura report"
assert "src/lib.rs" in files, f"src/lib.rs not in the report: {files}"
print(f"line-rate {root.get('line-rate')}, {len(files)} file(s)")
PY
    )
    rc=$?
    [ "$format" = cobertura ] && [ $rc -eq 0 ] && [[ $out == line-rate* ]] && ok "$report is a Cobertura report ($out), coverage_format: $format" ||
      fail "$report (coverage_format: $format) is not a Cobertura report of the workspace" "$out"
    # GitLab: the regex over the log, the last match, its last group, the first number in it.
    out=$(python3 - "$meta" "$dir/log" <<'PY' 2>&1
import json, re, sys
regex = json.loads(sys.argv[1])["coverage"]
assert regex and regex.startswith("/") and regex.endswith("/"), f"coverage must be /regex/, not {regex!r}"
log = open(sys.argv[2], encoding="utf-8", errors="replace").read()
matches = re.findall(regex[1:-1], log)
assert matches, "the regex matches nothing in the job log"
last = matches[-1]
last = last[-1] if isinstance(last, tuple) else last
value = re.search(r"\d+(\.\d+)?", last).group(0)
totals = [line.split() for line in log.splitlines() if line.startswith("TOTAL ")]
assert totals, "no TOTAL line in the log"
expected = totals[-1][3].rstrip("%")
assert value == expected, f"the regex gives {value}, the TOTAL line's region cover is {expected}"
print(value)
PY
    )
    [ $? -eq 0 ] && ok "GitLab's coverage regex reads $out% from the job log (the TOTAL line's cover)" || fail "the coverage regex" "$out"
  fi
done <<<"$jobs"

echo
echo "test_ci_snippets: $([ "$failures" -eq 0 ] && echo passed || echo "$failures FAILED")"
[ "$failures" -eq 0 ]
