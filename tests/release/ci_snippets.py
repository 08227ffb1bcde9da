"""Takes the CI snippets out of docs/command.md's "In CI" section and turns each job into a bash script that runs
its steps in order, for tests/release/test_ci_snippets.sh.

    ci_snippets.py docs/command.md list                 -> one line per job: KIND JOB (github linux, gitlab coverage)
    ci_snippets.py docs/command.md script KIND JOB      -> the job as a bash script (stdout)
    ci_snippets.py docs/command.md gitlab-meta JOB      -> JSON: image, coverage regex, the Cobertura report's path

GitHub Actions: `run:` steps are kept verbatim, each in its own `bash --noprofile --norc -eo pipefail` (as GitHub runs a bash step),
with the workflow's, job's and step's `env:`; a `uses:` step becomes a call to a stand-in function the
caller defines, `standin_<action>` (actions/checkout -> standin_checkout, taiki-e/install-action ->
standin_install_action, actions/upload-artifact -> standin_upload_artifact), given the step's `with:`
values as NAME=VALUE arguments. An action without a stand-in, a `shell:` other than bash/pwsh, or a
`working-directory` makes the script fail: a snippet this test cannot run is an error, not a skip.
GitLab CI: `before_script` and `script` lines verbatim, in one shell with `set -eo pipefail` (as the
GitLab runner runs them), with the job's `variables:`.
"""
import json
import re
import shlex
import sys

import yaml

STANDINS = {
    "actions/checkout": "standin_checkout",
    "taiki-e/install-action": "standin_install_action",
    "actions/upload-artifact": "standin_upload_artifact",
}


def snippets(readme):
    """The yaml code blocks of the "### In CI" section, parsed."""
    text = open(readme, encoding="utf-8").read()
    match = re.search(r"^### In CI\n(.*?)^##", text, re.M | re.S)
    if not match:
        sys.exit(f"ci_snippets: {readme} has no '### In CI' section")
    blocks = re.findall(r"^```yaml\n(.*?)^```", match.group(1), re.M | re.S)
    if len(blocks) < 2:
        sys.exit(f"ci_snippets: the In CI section has {len(blocks)} yaml blocks, expected a GitHub and a GitLab one")
    return [yaml.safe_load(block) for block in blocks]


def kind_of(doc):
    return "github" if isinstance(doc, dict) and "jobs" in doc else "gitlab"


def jobs(readme):
    for doc in snippets(readme):
        if kind_of(doc) == "github":
            for name in doc["jobs"]:
                yield "github", name, doc
        else:
            for name, job in doc.items():
                if isinstance(job, dict) and "script" in job:
                    yield "gitlab", name, doc


def exports(env):
    return "".join(f"export {name}={shlex.quote(str(value))}\n" for name, value in (env or {}).items())


def github_script(doc, name):
    job = doc["jobs"][name]
    out = ["# GitHub Actions job '%s' (runs-on: %s), from docs/command.md" % (name, job.get("runs-on")), "set -e"]
    out.append(exports(doc.get("env")) + exports(job.get("env")))
    for number, step in enumerate(job["steps"], 1):
        label = step.get("name") or step.get("uses") or step.get("run", "").splitlines()[0]
        out.append(f"echo '::step {number}: {label}'")
        if "working-directory" in step:
            sys.exit(f"ci_snippets: step {number} of job {name}: working-directory is not supported by this test")
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action not in STANDINS:
                sys.exit(f"ci_snippets: step {number} of job {name} uses {step['uses']}, which has no stand-in here")
            args = " ".join(shlex.quote(f"{k}={v}") for k, v in (step.get("with") or {}).items())
            out.append(f"{STANDINS[action]} {shlex.quote(step['uses'])} {args}")
        elif "run" in step:
            shell = step.get("shell")
            if shell not in (None, "bash", "pwsh"):
                sys.exit(f"ci_snippets: step {number} of job {name}: shell {shell} is not run by this test")
            out.append("(\n" + exports(step.get("env")) + "bash --noprofile --norc -eo pipefail <<'ENVGUARD_SNIPPET_STEP'\n"
                       + step["run"].rstrip("\n") + "\nENVGUARD_SNIPPET_STEP\n)")
        else:
            sys.exit(f"ci_snippets: step {number} of job {name} has neither uses nor run")
    return "\n".join(out) + "\n"


def gitlab_script(doc, name):
    job = doc[name]
    lines = list(job.get("before_script") or []) + list(job["script"])
    return ("# GitLab CI job '%s' (image: %s), from docs/command.md\nset -eo pipefail\n" % (name, job.get("image"))
            + exports(doc.get("variables")) + exports(job.get("variables"))
            + "".join(f"echo {shlex.quote('$ ' + line)}\n{line}\n" for line in lines))


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    readme, command = argv[1], argv[2]
    if command == "list":
        for kind, name, _ in jobs(readme):
            print(kind, name)
    elif command == "script":
        kind, name = argv[3], argv[4]
        for k, n, doc in jobs(readme):
            if (k, n) == (kind, name):
                print(github_script(doc, name) if kind == "github" else gitlab_script(doc, name), end="")
                return
        sys.exit(f"ci_snippets: no {kind} job {name}")
    elif command == "gitlab-meta":
        for k, n, doc in jobs(readme):
            if (k, n) == ("gitlab", argv[3]):
                job = doc[n]
                report = job["artifacts"]["reports"]["coverage_report"]
                print(json.dumps({"image": job.get("image"), "coverage": job.get("coverage"),
                                  "format": report.get("coverage_format"), "path": report.get("path")}))
                return
        sys.exit(f"ci_snippets: no gitlab job {argv[3]}")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
