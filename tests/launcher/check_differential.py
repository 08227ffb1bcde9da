#!/usr/bin/env python3
"""Differential test of `envguard check` against real cargo.

For each scenario (config files in nested directories and in $CARGO_HOME, environment variables),
real cargo builds a scratch crate whose wrappers are logging scripts, and we observe what it did:
which wrapper ran (if any), which workspace wrapper, whether it compiled incrementally, where the
artifacts went, whether the build failed. `envguard check --format json` must predict every one of
those fields, in every scenario. The scenario table is printed; the last line is "N passed, M failed".

sccache's refusal of CARGO_INCREMENTAL=1 (sccache 0.5.1 and later; Debian 12's 0.4 has no such
check) is emulated by a fake `sccache` first on PATH that behaves as those versions do: it exits 1
with their message when CARGO_INCREMENTAL=1 is in its environment, and otherwise runs the compiler.

Scenarios may run `cargo test --no-run` instead (what cargo llvm-cov runs: the test profile, predicted
with `check --for coverage`) or run cargo from another directory with --manifest-path (config files
are then those of that directory, for cargo and for check alike).

Environment: ENVGUARD (the launcher). cargo is found on PATH or in ~/.cargo/bin (rustup).
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ENVGUARD = os.environ["ENVGUARD"]
CARGO_VARIABLES = ["RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER", "CARGO_PROFILE_DEV_INCREMENTAL",
                   "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER", "CARGO_INCREMENTAL", "CARGO_BUILD_INCREMENTAL",
                   "CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR", "CARGO_HOME"]
OUTER = {"wA", "wB", "wC", "wH", "wO", "wconf", "wtoml", "sccache"}  # outer-wrapper names
WORKSPACE = {"wW", "wW2"}                                             # workspace-wrapper names

scratch = pathlib.Path(tempfile.mkdtemp(prefix="envguard-check-"))
tree = scratch / "tree"
outer_dir = tree / "outer"
crate = outer_dir / "inner" / "crate"
home = scratch / "cargo-home"
bin_dir = scratch / "bin"
log = scratch / "wrappers.log"


def base_env():
    env = {k: v for k, v in os.environ.items() if k not in CARGO_VARIABLES}
    path = env.get("PATH", "")
    if shutil.which("cargo", path=path) is None:
        path = str(pathlib.Path.home() / ".cargo" / "bin") + os.pathsep + path
    # rustup's proxies find their toolchains through RUSTUP_HOME, not CARGO_HOME, which we move.
    env.setdefault("RUSTUP_HOME", str(pathlib.Path.home() / ".rustup"))
    env["PATH"] = str(bin_dir) + os.pathsep + path
    env["CARGO_HOME"] = str(home)
    env["CARGO_NET_OFFLINE"] = "true"
    return env


def setup():
    bin_dir.mkdir(parents=True)
    for name in sorted(OUTER | WORKSPACE):
        if name == "sccache":
            continue
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexec "$@"\n')
        script.chmod(0o755)
    fake = bin_dir / "sccache"
    fake.write_text(
        "#!/bin/sh\n"
        "# emulates sccache 0.5.1-0.10's start-up check, then runs the compiler\n"
        'if [ "$1" = "--show-stats" ]; then echo "Compile requests                      0"; exit 0; fi\n'
        'if [ "$1" = "--version" ]; then echo "sccache 0.10.0"; exit 0; fi\n'
        'if [ "$CARGO_INCREMENTAL" = "1" ] || [ "$CARGO_BUILD_INCREMENTAL" = "1" ]; then\n'
        '  echo "sccache: increment compilation is  prohibited." >&2; exit 1\n'
        "fi\n"
        f'echo "sccache $*" >> "{log}"\n'
        'exec "$@"\n')
    fake.chmod(0o755)
    (crate / "src").mkdir(parents=True)
    (crate / "Cargo.toml").write_text(MANIFEST)
    (crate / "src" / "lib.rs").write_text("pub fn answer() -> u32 { 42 }\n")
    home.mkdir()


MANIFEST = '[package]\nname = "scratch"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n'
fake_home = scratch / "fakehome"
other_cwd = tree / "cwd"  # a directory outside the crate, with a config of its own (--manifest-path)


def reset():
    (crate / "Cargo.toml").write_text(MANIFEST)
    for path in [outer_dir / ".cargo", crate / ".cargo", home / "config.toml", crate / "target",
                 scratch / "elsewhere", crate / "td-config", tree / "td-outer", fake_home, crate / "m",
                 other_cwd]:
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    if log.exists():
        log.unlink()


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def observe(env, use_profile, options):
    """What real cargo does: build -v (or test --no-run -v), then read the wrapper log and find the
    artifacts. From another directory, with --manifest-path, when the scenario says so."""
    command = ["cargo", "test", "--no-run", "-v"] if options.get("test") else ["cargo", "build", "-v"]
    cwd = crate
    if options.get("elsewhere"):
        cwd = other_cwd
        command += ["--manifest-path", str(crate / "Cargo.toml")]
    if use_profile:
        command = [ENVGUARD, "run", "--profile", "coverage", "--"] + command
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    fails = result.returncode != 0
    outer, ws = None, None
    if log.exists():
        for line in log.read_text().splitlines():
            if "--crate-name scratch" not in line:
                continue
            name = line.split()[0]
            if name in OUTER and outer is None:
                outer = name
            if name in WORKSPACE and ws is None:
                ws = name
    incremental = None
    for line in result.stderr.splitlines():
        if "--crate-name scratch" in line and "Running" in line:
            incremental = "-C incremental=" in line
    target = None
    found = sorted(tree.rglob("libscratch.rlib")) + sorted(scratch.glob("elsewhere/**/libscratch.rlib"))
    if found:
        target = str(found[0].parent.parent.resolve())  # <target>/debug/libscratch.rlib
    elif options.get("test"):  # cargo test --no-run: <target>/debug/deps/scratch-<hash> (the test binary)
        tests = [p for p in sorted(tree.rglob("scratch-*")) + sorted(scratch.glob("elsewhere/**/scratch-*"))
                 if p.parent.name == "deps" and p.is_file() and os.access(p, os.X_OK)]
        if tests:
            target = str(tests[0].parent.parent.parent.resolve())
    return {"fails": fails, "wrapper": outer, "workspace_wrapper": ws, "incremental": incremental,
            "target_dir": target, "stderr": result.stderr[-600:]}


def predict(env, use_profile, options):
    command = [ENVGUARD, "check", "--format", "json", "--manifest-path", str(crate / "Cargo.toml")]
    if use_profile:
        command[2:2] = ["--profile", "coverage"]
    # cargo test is what cargo llvm-cov runs: check --for coverage predicts the test profile
    command += ["--for", "coverage" if options.get("test") else "build"]
    cwd = other_cwd if options.get("elsewhere") else crate
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        return {"error": f"envguard check exited {result.returncode}: {result.stderr.strip()}"}
    data = json.loads(result.stdout)

    def name(wrapper):
        program = wrapper["program"]
        return None if program is None else pathlib.Path(program).name

    target = data["target_dir"]["path"]
    return {"fails": data["will_fail"], "wrapper": name(data["wrapper"]),
            "workspace_wrapper": name(data["workspace_wrapper"]),
            "incremental": data["incremental"]["enabled"],
            "target_dir": None if target is None else str(pathlib.Path(target).resolve()),
            "exit": result.returncode}


# Each scenario: (description, {config file: text}, {environment}, use the coverage profile)
W = str(bin_dir)
CRATE_CFG = crate / ".cargo" / "config.toml"
OUTER_CFG = outer_dir / ".cargo" / "config.toml"
HOME_CFG = home / "config.toml"


def build(key, value):
    return f'[build]\n{key} = "{value}"\n'


SCENARIOS = [
    ("nothing configured", {}, {}, False),
    ("[build] wrapper", {CRATE_CFG: build("rustc-wrapper", f"{W}/wA")}, {}, False),
    ("[build] wrapper + RUSTC_WRAPPER=\"\"", {CRATE_CFG: build("rustc-wrapper", f"{W}/wA")},
     {"RUSTC_WRAPPER": ""}, False),
    ("[build] wrapper + RUSTC_WRAPPER=wB", {CRATE_CFG: build("rustc-wrapper", f"{W}/wA")},
     {"RUSTC_WRAPPER": f"{W}/wB"}, False),
    ("RUSTC_WRAPPER=wB alone", {}, {"RUSTC_WRAPPER": f"{W}/wB"}, False),
    ("[env] RUSTC_WRAPPER only", {CRATE_CFG: f'[env]\nRUSTC_WRAPPER = "{W}/wA"\n'}, {}, False),
    ("[env] RUSTC_WRAPPER force only",
     {CRATE_CFG: f'[env]\nRUSTC_WRAPPER = {{ value = "{W}/wA", force = true }}\n'}, {}, False),
    ("[build] and [env] wrappers",
     {CRATE_CFG: build("rustc-wrapper", f"{W}/wA") + f'[env]\nRUSTC_WRAPPER = "{W}/wB"\n'}, {}, False),
    ("[build] and [env] wrappers + RUSTC_WRAPPER=\"\"",
     {CRATE_CFG: build("rustc-wrapper", f"{W}/wA") + f'[env]\nRUSTC_WRAPPER = "{W}/wB"\n'},
     {"RUSTC_WRAPPER": ""}, False),
    ("CARGO_BUILD_RUSTC_WRAPPER=wC", {}, {"CARGO_BUILD_RUSTC_WRAPPER": f"{W}/wC"}, False),
    ("CARGO_BUILD_RUSTC_WRAPPER=wC over [build]", {CRATE_CFG: build("rustc-wrapper", f"{W}/wA")},
     {"CARGO_BUILD_RUSTC_WRAPPER": f"{W}/wC"}, False),
    ("CARGO_BUILD_RUSTC_WRAPPER=\"\" over [build]", {CRATE_CFG: build("rustc-wrapper", f"{W}/wA")},
     {"CARGO_BUILD_RUSTC_WRAPPER": ""}, False),
    ("RUSTC_WRAPPER=\"\" over CARGO_BUILD_RUSTC_WRAPPER", {},
     {"RUSTC_WRAPPER": "", "CARGO_BUILD_RUSTC_WRAPPER": f"{W}/wC"}, False),
    ("RUSTC_WRAPPER=wB over CARGO_BUILD_RUSTC_WRAPPER=\"\"", {},
     {"RUSTC_WRAPPER": f"{W}/wB", "CARGO_BUILD_RUSTC_WRAPPER": ""}, False),
    ("wrapper in an outer directory's config", {OUTER_CFG: build("rustc-wrapper", f"{W}/wO")}, {}, False),
    ("outer and inner configs: the deeper one wins",
     {OUTER_CFG: build("rustc-wrapper", f"{W}/wO"), CRATE_CFG: build("rustc-wrapper", f"{W}/wA")}, {}, False),
    ("$CARGO_HOME config only", {HOME_CFG: build("rustc-wrapper", f"{W}/wH")}, {}, False),
    ("$CARGO_HOME config and a project config",
     {HOME_CFG: build("rustc-wrapper", f"{W}/wH"), CRATE_CFG: build("rustc-wrapper", f"{W}/wA")}, {}, False),
    ("both .cargo/config and .cargo/config.toml",
     {crate / ".cargo" / "config": build("rustc-wrapper", f"{W}/wconf"),
      CRATE_CFG: build("rustc-wrapper", f"{W}/wtoml")}, {}, False),
    ("a bare wrapper name, found on PATH", {CRATE_CFG: build("rustc-wrapper", "wA")}, {}, False),
    ("[build] workspace wrapper", {CRATE_CFG: build("rustc-workspace-wrapper", f"{W}/wW")}, {}, False),
    ("workspace wrapper + RUSTC_WORKSPACE_WRAPPER=\"\"",
     {CRATE_CFG: build("rustc-workspace-wrapper", f"{W}/wW")}, {"RUSTC_WORKSPACE_WRAPPER": ""}, False),
    ("workspace wrapper + RUSTC_WORKSPACE_WRAPPER=wW2",
     {CRATE_CFG: build("rustc-workspace-wrapper", f"{W}/wW")},
     {"RUSTC_WORKSPACE_WRAPPER": f"{W}/wW2"}, False),
    ("outer and workspace wrappers together",
     {CRATE_CFG: f'[build]\nrustc-wrapper = "{W}/wA"\nrustc-workspace-wrapper = "{W}/wW"\n'}, {}, False),
    ("build.target-dir, relative", {CRATE_CFG: build("target-dir", "td-config")}, {}, False),
    ("build.target-dir in an outer config, relative",
     {OUTER_CFG: build("target-dir", "../td-outer")}, {}, False),
    ("build.target-dir + CARGO_TARGET_DIR", {CRATE_CFG: build("target-dir", "td-config")},
     {"CARGO_TARGET_DIR": str(scratch / "elsewhere")}, False),
    ("build.target-dir + CARGO_TARGET_DIR=\"\"", {CRATE_CFG: build("target-dir", "td-config")},
     {"CARGO_TARGET_DIR": ""}, False),
    ("CARGO_TARGET_DIR=\"\" alone", {}, {"CARGO_TARGET_DIR": ""}, False),
    ("CARGO_BUILD_TARGET_DIR", {}, {"CARGO_BUILD_TARGET_DIR": str(scratch / "elsewhere")}, False),
    ("CARGO_TARGET_DIR over CARGO_BUILD_TARGET_DIR", {},
     {"CARGO_TARGET_DIR": str(scratch / "elsewhere"), "CARGO_BUILD_TARGET_DIR": str(tree / "td-outer")}, False),
    ("[env] CARGO_TARGET_DIR is not cargo's target dir",
     {CRATE_CFG: f'[env]\nCARGO_TARGET_DIR = "{scratch / "elsewhere"}"\n'}, {}, False),
    ("CARGO_INCREMENTAL=0", {}, {"CARGO_INCREMENTAL": "0"}, False),
    ("CARGO_INCREMENTAL=\"\" is off", {}, {"CARGO_INCREMENTAL": ""}, False),
    ("[build] incremental = false", {CRATE_CFG: "[build]\nincremental = false\n"}, {}, False),
    ("[build] incremental = false + CARGO_INCREMENTAL=1", {CRATE_CFG: "[build]\nincremental = false\n"},
     {"CARGO_INCREMENTAL": "1"}, False),
    ("[profile.dev] incremental = false", {CRATE_CFG: "[profile.dev]\nincremental = false\n"}, {}, False),
    ("[profile.dev] incremental = false in Cargo.toml itself",
     {crate / "Cargo.toml": MANIFEST + "\n[profile.dev]\nincremental = false\n"}, {}, False),
    ("CARGO_PROFILE_DEV_INCREMENTAL=false", {}, {"CARGO_PROFILE_DEV_INCREMENTAL": "false"}, False),
    ("config [profile.dev] incremental = true over Cargo.toml's false",
     {crate / "Cargo.toml": MANIFEST + "\n[profile.dev]\nincremental = false\n",
      CRATE_CFG: "[profile.dev]\nincremental = true\n"}, {}, False),
    ("CARGO_HOME=\"\" counts as unset: $HOME/.cargo is read",
     {fake_home / ".cargo" / "config.toml": build("rustc-wrapper", f"{W}/wH")},
     {"CARGO_HOME": "", "HOME": str(fake_home)}, False),
    ("a configured wrapper that does not exist fails the build",
     {CRATE_CFG: build("rustc-wrapper", "no-such-wrapper-xyz")}, {}, False),
    ("[env] CARGO_INCREMENTAL=\"0\" does not turn cargo's incremental off",
     {CRATE_CFG: '[env]\nCARGO_INCREMENTAL = "0"\n'}, {}, False),
    ("sccache wrapper, incremental off", {CRATE_CFG: build("rustc-wrapper", "sccache")},
     {"CARGO_INCREMENTAL": "0"}, False),
    ("sccache wrapper + CARGO_INCREMENTAL=1: sccache refuses", {CRATE_CFG: build("rustc-wrapper", "sccache")},
     {"CARGO_INCREMENTAL": "1"}, False),
    ("sccache wrapper + CARGO_INCREMENTAL=1 + RUSTC_WRAPPER=\"\"", {CRATE_CFG: build("rustc-wrapper", "sccache")},
     {"CARGO_INCREMENTAL": "1", "RUSTC_WRAPPER": ""}, False),
    ("sccache wrapper + [env] CARGO_INCREMENTAL=\"1\": sccache refuses",
     {CRATE_CFG: build("rustc-wrapper", "sccache") + '[env]\nCARGO_INCREMENTAL = "1"\n'}, {}, False),
    ("sccache wrapper + [env] CARGO_BUILD_INCREMENTAL=\"1\": sccache refuses",
     {CRATE_CFG: build("rustc-wrapper", "sccache") + '[env]\nCARGO_BUILD_INCREMENTAL = "1"\n'}, {}, False),
    ("sccache + force [env] CARGO_INCREMENTAL=\"0\" + CARGO_INCREMENTAL=1: the wrapper sees 0",
     {CRATE_CFG: build("rustc-wrapper", "sccache") + '[env]\nCARGO_INCREMENTAL = { value = "0", force = true }\n'},
     {"CARGO_INCREMENTAL": "1"}, False),
    ("the seed's case: sccache in [build] and [env], shared CARGO_TARGET_DIR, CARGO_INCREMENTAL=1",
     {CRATE_CFG: build("rustc-wrapper", "sccache") + '[env]\nRUSTC_WRAPPER = "sccache"\n'},
     {"CARGO_INCREMENTAL": "1", "CARGO_TARGET_DIR": str(scratch / "elsewhere")}, False),
    ("...the same under envguard run --profile coverage",
     {CRATE_CFG: build("rustc-wrapper", "sccache") + '[env]\nRUSTC_WRAPPER = "sccache"\n'},
     {"CARGO_INCREMENTAL": "1", "CARGO_TARGET_DIR": str(scratch / "elsewhere")}, True),
    # issue 15: the workspace shapes and settings check got wrong
    ("workspace wrapper sccache + CARGO_INCREMENTAL=1: sccache refuses",
     {CRATE_CFG: build("rustc-workspace-wrapper", "sccache")}, {"CARGO_INCREMENTAL": "1"}, False),
    ("...under run --profile coverage: the workspace sccache is emptied too",
     {CRATE_CFG: build("rustc-workspace-wrapper", "sccache")}, {"CARGO_INCREMENTAL": "1"}, True),
    ("RUSTC_WORKSPACE_WRAPPER=sccache under run --profile coverage", {},
     {"RUSTC_WORKSPACE_WRAPPER": "sccache"}, True),
    ("outer wrapper + RUSTC_WORKSPACE_WRAPPER=wW2 nest", {CRATE_CFG: build("rustc-wrapper", f"{W}/wA")},
     {"RUSTC_WORKSPACE_WRAPPER": f"{W}/wW2"}, False),
    ("non-sccache workspace wrapper kept under run --profile coverage",
     {CRATE_CFG: build("rustc-workspace-wrapper", f"{W}/wW")}, {}, True),
    ("[env] CARGO_BUILD_INCREMENTAL force \"1\" does not change cargo",
     {CRATE_CFG: '[env]\nCARGO_BUILD_INCREMENTAL = { value = "1", force = true }\n'}, {}, False),
    ("CARGO_PROFILE_DEV_INCREMENTAL=yes: cargo refuses", {}, {"CARGO_PROFILE_DEV_INCREMENTAL": "yes"}, False),
    ("CARGO_PROFILE_TEST_INCREMENTAL=yes: cargo build refuses too", {},
     {"CARGO_PROFILE_TEST_INCREMENTAL": "yes"}, False),
    ("members = \"m/*\" (a string): cargo cannot load the manifest",
     {crate / "Cargo.toml": MANIFEST + 'members = "m/*"\n'}, {}, False),
    ("a member glob matching a directory with no Cargo.toml",
     {crate / "Cargo.toml": MANIFEST + 'members = ["m/*"]\n', crate / "m" / "empty" / "README": "x\n"}, {}, False),
    ("cargo test: [profile.test] incremental = false",
     {crate / "Cargo.toml": MANIFEST + "\n[profile.test]\nincremental = false\n"}, {}, False, {"test": True}),
    ("cargo build: [profile.test] incremental = false changes nothing",
     {crate / "Cargo.toml": MANIFEST + "\n[profile.test]\nincremental = false\n"}, {}, False),
    ("cargo test: config [profile.dev] incremental = false is inherited",
     {CRATE_CFG: "[profile.dev]\nincremental = false\n"}, {}, False, {"test": True}),
    ("cargo test: CARGO_PROFILE_TEST_INCREMENTAL=false", {}, {"CARGO_PROFILE_TEST_INCREMENTAL": "false"}, False,
     {"test": True}),
    ("cargo test: [profile.test] true over [profile.dev] false",
     {CRATE_CFG: "[profile.dev]\nincremental = false\n[profile.test]\nincremental = true\n"}, {}, False,
     {"test": True}),
    ("cargo test under run --profile coverage, [profile.test] incremental = false",
     {crate / "Cargo.toml": MANIFEST + "\n[profile.test]\nincremental = false\n"}, {}, True, {"test": True}),
    ("--manifest-path from another directory: its config files, not the crate's",
     {CRATE_CFG: build("rustc-wrapper", f"{W}/wA"),
      other_cwd / ".cargo" / "config.toml": f'[build]\nrustc-wrapper = "{W}/wO"\ntarget-dir = "td-cwd"\n'},
     {}, False, {"elsewhere": True}),
    ("--manifest-path from another directory: a relative CARGO_TARGET_DIR is taken from there",
     {other_cwd / "keep": ""}, {"CARGO_TARGET_DIR": "rel-td"}, False, {"elsewhere": True}),
]

FIELDS = ["fails", "wrapper", "workspace_wrapper", "incremental", "target_dir"]


def show(value):
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace(str(scratch), "$T")


def main():
    setup()
    passed = failed = 0
    rows = []
    for number, (description, files, variables, use_profile, *rest) in enumerate(SCENARIOS, 1):
        options = rest[0] if rest else {}
        reset()
        for path, text in files.items():
            write(path, text)
        env = base_env()
        env.update(variables)
        seen = observe(env, use_profile, options)
        predicted = predict(env, use_profile, options)
        # A failed build shows only that it failed; a successful one shows every field.
        fields = ["fails"] if seen["fails"] else FIELDS
        mismatches = ["error"] if "error" in predicted else [f for f in fields if seen[f] != predicted[f]]
        agree = not mismatches
        passed += agree
        failed += not agree
        rows.append((number, description, seen, agree))
        if not agree:
            print(f"FAIL scenario {number}: {description}")
            for field in mismatches:
                print(f"     {field}: cargo did {show(seen.get(field))!s}, envguard check predicted "
                      f"{show(predicted.get(field))}")
            print(f"     cargo's stderr (end): {seen['stderr'].strip()[-300:]}")
    print()
    print(f"{'#':>3}  {'scenario':<78} {'fails':<5} {'wrapper':<8} {'ws':<4} {'incr':<4} "
          f"{'target':<28} agree")
    for number, description, seen, agree in rows:
        print(f"{number:>3}  {description[:78]:<78} {show(seen['fails']):<5} {show(seen['wrapper']):<8} "
              f"{show(seen['workspace_wrapper']):<4} {show(seen['incremental']):<4} "
              f"{show(seen['target_dir'])[-28:]:<28} {'yes' if agree else 'NO'}")
    print()
    print(f"check_differential: {passed} passed, {failed} failed")
    shutil.rmtree(scratch, ignore_errors=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
