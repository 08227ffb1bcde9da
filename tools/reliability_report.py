#!/usr/bin/env python3
"""Writes RELIABILITY.md from the logs of test runs, never from numbers typed by hand.

Tests print machine-readable lines, `RELIABILITY: <area> cases=<n> [key=value ...] [result=pass|fail]`
(the doctest suite, tests/launcher/*.sh, tools/run_fuzzers.sh, tests/launcher/valgrind_test.sh). This
script reads
  - every ctest log, build/*/Testing/Temporary/LastTest.log (ctest keeps each test's whole output
    there, with "Test Passed."/"Test Failed."; a line's result is its test's, unless it says one),
    and doctest's own summary of each suite run ("[doctest] test cases: ...");
  - plain logs given with --log (the fuzzers' and valgrind's, which CI writes under build/).
Usage:
  python3 tools/reliability_report.py [--output RELIABILITY.md] [--log FILE]... [--require AREA]...
Exit status 1 when any collected result is a failure or a --require'd area has no line.
"""
import argparse
import datetime
import glob
import os
import re
import sys

WHAT = {
    "fault.write_failure": "the nth OS write fails, for every n, in every multi-variable operation "
                           "(ScopedEnv list, EnvOverlay::apply, EnvSnapshot::restore, SnapshotGuard): "
                           "the environment is the original afterwards, the error names the variable",
    "fault.allocation_failure": "operator new fails at the nth allocation, for every n: the strong guarantee holds",
    "model": "seeded random steps (set, set-empty, unset, path edits, nested ScopedEnv/SnapshotGuard, "
             "overlays, snapshot restores) against a plain map, compared after every step",
    "hostile_input": "rows of the hostile-input table ('=', NUL, leading '=', empty, 1 MiB, non-ASCII, "
                     "invalid UTF-8, newlines) through every entry point: a clear error, nothing changed",
    "threads": "loop iterations of 4 threads (exclusive guards, reads, locked SnapshotGuard scopes)",
    "suite": "doctest test cases of the whole suite (leak check after each)",
    "hidden_entries": "entries without a usable name (POSIX `=x`, Windows `=Q:`) through capture, render(clear), "
                      "diff, apply(clear) and its restore, SnapshotGuard and restore: kept, never written, nothing fails",
    "fork": "fork() inside ScopedEnv(exclusive) and while another thread holds EnvLock: the child restores "
            "and locks again (an alarm turns a hang into a failure)",
    "fault.snapshot_guard_out_of_memory": "operator new fails at the nth allocation of a SnapshotGuard's restore, "
                                          "for every n: restored through the OS calls alone, handler not called",
    "memory.freed_strings": "a library frees the putenv string a guard found (both memory modes), and reclaim "
                            "with a nested by-value restore: no freed string is read or put back",
    "process.edges": "run/exec: scripts without #! (/bin/sh), NUL in an argument, E2BIG message, SIGCHLD ignored",
    "bulk_writes": "whole-environment writes of 128+ changes at once (clear() + restore cycles, snapshot "
                   "restore, big ScopedEnv): exact, kept entries untouched, strings reused",
    "launcher.signals": "SIGINT/SIGTERM (to the launcher, to its process group) while `coverage` runs "
                        "clean then report, and to `run`: the child gets it, 128+signal, nothing runs after",
    "launcher.pass_through": "50 MB through stdin, stdout and stderr of `coverage` and `run` (sha256 equal)",
    "valgrind.launcher": "launcher runs under valgrind memcheck (cli_test + fault_test), leaks and errors fatal",
    "fuzz.overlay": "libFuzzer inputs: overlay operations vs a model, apply/restore with a failing write",
    "fuzz.launcher_args": "libFuzzer inputs: the launcher's command line (dry runs, nothing spawned)",
    "fuzz.cargo_config": "libFuzzer inputs: cargo config files + environment through `check`'s reader",
}


def config_name(path):
    """build/sanitize-g++-cxx17/Testing/... -> 'ASan+UBSan g++ C++17'."""
    parts = os.path.normpath(path).split(os.sep)
    name = parts[parts.index("build") + 1] if "build" in parts else parts[0]
    m = re.match(r"(\w+)-(.+)-cxx(\d+)$", name)
    if not m:
        return name
    preset, compiler, std = m.groups()
    label = {"ci": "", "dev": "debug", "sanitize": "ASan+UBSan", "tsan": "TSan"}.get(preset, preset)
    return " ".join(x for x in (label, compiler, "C++" + std) if x)


def parse_fields(text):
    fields = {}
    for token in text.split():
        if "=" in token:
            key, value = token.split("=", 1)
            fields[key] = value
    return fields


def ctest_sections(text):
    """(test name, output, passed) for each test in a LastTest.log."""
    pattern = re.compile(r'^\d+/\d+ Test: (\S+)\n(.*?)^Test (Passed|Failed)\.?', re.M | re.S)
    for m in pattern.finditer(text):
        yield m.group(1), m.group(2), m.group(3) == "Passed"
    # a test that timed out or could not run has no "Test Passed"/"Test Failed" line: counted as failed
    for m in re.finditer(r'^\d+/\d+ Test: (\S+)\n(?:(?!^\d+/\d+ Test: ).)*?^Test (?:time out|Not Run|Exception)', text, re.M | re.S):
        yield m.group(1), "", False


def collect(ctest_logs, plain_logs):
    rows = []  # dicts: area, config, source, cases, extra, passed
    for path in ctest_logs:
        config = config_name(path)
        with open(path, errors="replace") as f:
            text = f.read()
        for test, output, passed in ctest_sections(text):
            sums = {}
            for line in output.splitlines():
                m = re.match(r"\s*RELIABILITY: (\S+)\s*(.*)", line)
                if m:
                    fields = parse_fields(m.group(2))
                    entry = sums.setdefault(m.group(1), {"cases": 0, "extra": {}, "passed": passed})
                    entry["cases"] += int(fields.pop("cases", "0"))
                    if fields.pop("result", "pass") != "pass":
                        entry["passed"] = False
                    entry["extra"].update(fields)
                m = re.match(r"\[doctest\] test cases:\s*(\d+)", line)
                if m and ".suite" in test:  # the whole suite (not the smaller doctest programs)
                    sums.setdefault("suite", {"cases": 0, "extra": {}, "passed": passed})["cases"] = int(m.group(1))
            for area, entry in sums.items():
                rows.append(dict(area=area, config=config, source=test, **entry))
    for path in plain_logs:
        with open(path, errors="replace") as f:
            for line in f:
                m = re.match(r"\s*RELIABILITY: (\S+)\s*(.*)", line)
                if not m:
                    continue
                fields = parse_fields(m.group(2))
                rows.append(dict(area=m.group(1), config=config_name(path), source=os.path.basename(path),
                                 cases=int(fields.pop("cases", "0")),
                                 passed=fields.pop("result", "fail") == "pass", extra=fields))
    return rows


def render(rows, sources):
    areas = sorted({r["area"] for r in rows}, key=lambda a: (list(WHAT).index(a) if a in WHAT else 99, a))
    out = ["# envguard — reliability figures", "",
           "Generated by `tools/reliability_report.py` from the logs of the test runs listed at the end; not",
           "edited by hand. Regenerate: run the tests (`bash tools/run_tests.sh`, or the steps you need), then",
           "`python3 tools/reliability_report.py --output RELIABILITY.md`. \"Cases\" is per run of the test;",
           "a row lists every configuration it ran in. Fuzzing counts are executions in that run (not",
           "deterministic; CI prints its own in its log).", "",
           "| area | what was tried | cases per run | where it ran (configuration: test) | result |",
           "|---|---|---|---|---|"]
    for area in areas:
        mine = [r for r in rows if r["area"] == area]
        counts = sorted({r["cases"] for r in mine})
        cases = " / ".join(f"{c:,}" for c in counts)
        extras = sorted({f"{k}={v}" for r in mine for k, v in r["extra"].items()})
        if extras:
            cases += " (" + ", ".join(extras) + ")"
        by_config = {}
        for r in mine:
            by_config.setdefault(r["config"], []).append(r["source"])
        runs = "; ".join(f"{c}: {', '.join(sorted(set(s)))}" for c, s in sorted(by_config.items()))
        failed = [r for r in mine if not r["passed"]]
        result = "pass" if not failed else "**FAIL** (" + ", ".join(f"{r['config']}: {r['source']}" for r in failed) + ")"
        out.append(f"| `{area}` | {WHAT.get(area, '')} | {cases} | {runs} ({len(mine)} in all) | {result} |")
    out += ["", "Logs read (" + datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") + "):", ""]
    out += [f"- `{s}`" for s in sources]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", default="RELIABILITY.md")
    parser.add_argument("--log", action="append", default=[], help="a plain log with RELIABILITY: lines")
    parser.add_argument("--require", action="append", default=[], help="an area that must be present")
    parser.add_argument("--build", default="build", help="where the ctest build directories are")
    args = parser.parse_args()
    ctest_logs = sorted(glob.glob(os.path.join(args.build, "*", "Testing", "Temporary", "LastTest.log")))
    plain_logs = [p for p in args.log if os.path.exists(p)]
    rows = collect(ctest_logs, plain_logs)
    text = render(rows, [os.path.relpath(p) for p in ctest_logs + plain_logs])
    with open(args.output, "w") as f:
        f.write(text)
    print(text)
    problems = [f"no RELIABILITY line for {a}" for a in args.require if not any(r["area"] == a for r in rows)]
    problems += [f"{r['area']} failed in {r['config']} ({r['source']})" for r in rows if not r["passed"]]
    for p in problems:
        print("reliability_report: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
