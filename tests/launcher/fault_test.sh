#!/usr/bin/env bash
# The launcher under faults: stop signals while `envguard coverage` runs a sequence (clean, then the
# report) and while `envguard run` runs a command; 50 MB of stdout, stderr and stdin passing through.
# A stand-in `cargo` on PATH records each call and, for `llvm-cov clean`, waits until it is stopped.
# It stays: the real cargo-llvm-cov cannot be made to wait in `clean` until a signal arrives (and this
# test runs in every suite, where the real tools are not installed).
# No timing is asserted: waits poll for an event, with a generous limit.
source "$(dirname "$0")/lib.sh"
set -m # each background job in its own process group, as a terminal's job would be (and SIGINT not ignored)

bin=$scratch/bin
log=$scratch/calls.log
mkdir -p "$bin"
cat > "$bin/cargo" <<'EOF'
#!/bin/sh
# stand-in cargo: `cargo llvm-cov clean ...` waits until a signal arrives; anything else records and ends
echo "start $* pid=$$" >> "$CALL_LOG"
if [ "$2" = clean ]; then
  trap 'echo "clean got INT" >> "$CALL_LOG"; exit 130' INT
  trap 'echo "clean got TERM" >> "$CALL_LOG"; exit 143' TERM
  while :; do sleep 0.05; done
fi
if [ -n "${PASS_THROUGH:-}" ]; then cat > "$PASS_THROUGH"; cat "$PASS_THROUGH"; cat "$PASS_THROUGH" >&2; fi
echo "end $*" >> "$CALL_LOG"
EOF
printf '#!/bin/sh\nexit 0\n' > "$bin/cargo-llvm-cov"
chmod +x "$bin/cargo" "$bin/cargo-llvm-cov"
export CALL_LOG=$log
# envguard coverage works in a cargo project: a minimal one (the stand-in cargo builds nothing)
mkdir -p "$scratch/project"
printf '[package]\nname = "p"\nversion = "0.1.0"\n' > "$scratch/project/Cargo.toml"
cd "$scratch/project"

# wait_for PATTERN FILE: polls (up to 60 s) until a line of FILE matches
wait_for() {
  local i
  for ((i = 0; i < 1200; i++)); do
    grep -q -- "$1" "$2" 2>/dev/null && return 0
    sleep 0.05
  done
  return 1
}
# wait_bounded PID: waits for the background job PID (up to 60 s, then kills it) and returns its status
wait_bounded() {
  local i
  for ((i = 0; i < 1200; i++)); do kill -0 "$1" 2>/dev/null || break; sleep 0.05; done
  kill -0 "$1" 2>/dev/null && { echo "(pid $1 still running after 60 s: killed)"; kill -KILL "$1"; }
  wait "$1"
}
# The launcher is started with SIGINT and SIGTERM at their defaults even when this script inherited
# them ignored (as a background job of a non-interactive shell does): an ignored signal stays ignored.
start=(env --default-signal=INT,TERM)
# alive PID: true while the process exists (and is not a zombie)
alive() { [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }

cases=0
# stop_during_clean DESCRIPTION SIGNAL TARGET: TARGET is "launcher" (kill the launcher's pid) or
# "group" (the whole process group, as a terminal's Ctrl+C does)
stop_during_clean() {
  local description=$1 signal=$2 target=$3 expected=$4 signal_word=$5
  : > "$log"
  PATH="$bin:$PATH" "${start[@]}" "$ENVGUARD" coverage --clean --mode lcov > "$scratch/out" 2> "$scratch/err" &
  local pid=$!
  if ! wait_for "^start llvm-cov clean" "$log"; then
    fail "$description: the clean command never started" "$(cat "$log" "$scratch/err")"
    kill -KILL "$pid"; return
  fi
  local child_pid
  child_pid=$(sed -n 's/^start llvm-cov clean.* pid=\([0-9]*\)$/\1/p' "$log")
  if [ "$target" = group ]; then kill "-$signal" -- "-$pid"; else kill "-$signal" "$pid"; fi
  wait_bounded "$pid"
  local status=$?
  cases=$((cases + 1))
  expect_eq "$description: the launcher exits 128+signal" "$expected" "$status"
  expect_contains "$description: the running command received it" "clean got $signal_word" "$(cat "$log")"
  expect_eq "$description: nothing ran after it" "1" "$(grep -c '^start' "$log")"
  if alive "$child_pid"; then fail "$description: the command is gone"; kill -KILL "$child_pid"; else ok "$description: the command is gone"; fi
  expect_contains "$description: the launcher says why it stopped" "stopped by SIG$signal_word" "$(cat "$scratch/err")"
}

echo "# coverage --clean: a stop signal during the clean step"
stop_during_clean "SIGTERM to the launcher" TERM launcher 143 TERM
stop_during_clean "SIGINT to the launcher" INT launcher 130 INT
stop_during_clean "SIGINT to the process group (Ctrl+C)" INT group 130 INT

echo "# a SIGINT that was ignored when envguard started stays ignored (a background job's), SIGTERM still stops"
: > "$log"
PATH="$bin:$PATH" env --ignore-signal=INT --default-signal=TERM "$ENVGUARD" coverage --clean --mode lcov > "$scratch/out" 2> "$scratch/err" &
pid=$!
if wait_for "^start llvm-cov clean" "$log"; then
  kill -INT "$pid"
  sleep 0.5 # (not a timing assertion: only gives a wrongly forwarded SIGINT time to show in the log)
  kill -TERM "$pid"
  wait_bounded "$pid"
  status=$?
  cases=$((cases + 1))
  expect_eq "ignored SIGINT: envguard does not take it, only the SIGTERM stops it (143, not 130)" 143 "$status"
else
  fail "ignored SIGINT: the clean command never started"; kill -KILL "$pid"
fi

echo "# control: without a signal, clean and then the report both run"
: > "$log"
sed 's/if \[ "$2" = clean \]; then/if false; then/' "$bin/cargo" > "$scratch/cargo-no-wait"
mkdir -p "$scratch/bin2" && cp "$scratch/cargo-no-wait" "$scratch/bin2/cargo" && cp "$bin/cargo-llvm-cov" "$scratch/bin2/" && chmod +x "$scratch/bin2/cargo"
expect_status "coverage --clean runs both commands" 0 env PATH="$scratch/bin2:$PATH" "$ENVGUARD" coverage --clean --mode lcov
expect_eq "  ...clean, then the report" "start llvm-cov clean --workspace|start llvm-cov --workspace --all-features --lcov --output-path lcov.info" \
  "$(sed -n 's/^\(start .*\) pid=.*/\1/p' "$log" | paste -sd '|')"

echo "# run: the launcher becomes the command (execve), so a signal to it reaches the command"
cat > "$bin/wait-for-term" <<'EOF'
#!/bin/sh
echo "pid=$$" >> "$CALL_LOG"
trap 'echo "command got TERM" >> "$CALL_LOG"; exit 7' TERM
while :; do sleep 0.05; done
EOF
chmod +x "$bin/wait-for-term"
: > "$log"
"${start[@]}" "$ENVGUARD" run --prepend-path "PATH=$bin" -- wait-for-term &
pid=$!
if wait_for "^pid=" "$log"; then
  expect_eq "run: the command has the launcher's pid" "pid=$pid" "$(head -n 1 "$log")"
  kill -TERM "$pid"
  wait_bounded "$pid"
  status=$?
  cases=$((cases + 1))
  expect_eq "run: SIGTERM to the launcher reaches the command, whose own status comes back" 7 "$status"
  expect_contains "  ...it ran its handler" "command got TERM" "$(cat "$log")"
else
  fail "run: the command never started"; kill -KILL "$pid"
fi
echo "RELIABILITY: launcher.signals cases=$cases"

echo "# 50 MB through stdin, stdout and stderr, untouched"
big=$scratch/big
head -c 50000000 /dev/urandom > "$big"
want=$(sha256sum < "$big" | cut -d' ' -f1)
: > "$log"
PASS_THROUGH=$scratch/copy PATH="$bin:$PATH" "$ENVGUARD" coverage --mode text < "$big" > "$scratch/out" 2> "$scratch/err"
expect_eq "coverage: the command's exit status" 0 "$?"
expect_eq "coverage: stdin reached the command untouched" "$want" "$(sha256sum < "$scratch/copy" | cut -d' ' -f1)"
expect_eq "coverage: its stdout came through untouched" "$want" "$(sha256sum < "$scratch/out" | cut -d' ' -f1)"
expect_eq "coverage: its stderr came through untouched" "$want" "$(sha256sum < "$scratch/err" | cut -d' ' -f1)"
"$ENVGUARD" run -- sh -c 'cat; cat "$0" >&2' "$big" < "$big" > "$scratch/out" 2> "$scratch/err"
expect_eq "run: stdin and stdout untouched" "$want" "$(sha256sum < "$scratch/out" | cut -d' ' -f1)"
expect_eq "run: stderr untouched" "$want" "$(sha256sum < "$scratch/err" | cut -d' ' -f1)"
echo "RELIABILITY: launcher.pass_through cases=5 bytes=50000000"

finish
