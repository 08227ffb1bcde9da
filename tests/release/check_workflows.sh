#!/usr/bin/env bash
# Checks the YAML of .github/workflows/*.yml and of the CI snippets of docs/command.md: each parses (PyYAML), and
# validates against the schema of its service with check-jsonschema (its built-in copies of
# SchemaStore's github-workflow and GitLab CI schemas: nothing downloaded); release.yml is triggered by
# version tags, runs tools/release.sh and publishes build/release/*.
# Usage: tests/release/check_workflows.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
work=build/release-test/workflows
venv=$(bash tools/release_tools.sh) || exit 1
failures=0
ok() { echo "ok   - $1"; }
fail() { failures=$((failures + 1)); echo "FAIL - $1"; [ $# -gt 1 ] && printf '       %s\n' "${@:2}"; return 0; }
rm -rf "$work" && mkdir -p "$work"

# The snippets of docs/command.md as files, as a user would save them.
"$venv/bin/python" - docs/command.md "$work" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
section = re.search(r"^### In CI\n(.*?)^##", text, re.M | re.S).group(1)
for block in re.findall(r"^```yaml\n(.*?)^```", section, re.M | re.S):
    name = "readme-github.yml" if re.search(r"^jobs:", block, re.M) else "readme-gitlab-ci.yml"
    open(f"{sys.argv[2]}/{name}", "w", encoding="utf-8").write(block)
PY
for f in .github/workflows/*.yml "$work/readme-github.yml" "$work/readme-gitlab-ci.yml"; do
  [ -f "$f" ] || { fail "$f: missing"; continue; }
  out=$("$venv/bin/python" -c 'import sys, yaml; yaml.safe_load(open(sys.argv[1]))' "$f" 2>&1) && ok "$f parses (PyYAML)" || fail "$f does not parse" "$out"
  case $f in
    *gitlab*) schema=vendor.gitlab-ci ;;
    *) schema=vendor.github-workflows ;;
  esac
  out=$("$venv/bin/check-jsonschema" --builtin-schema "$schema" "$f" 2>&1) && ok "$f is valid against $schema (check-jsonschema)" ||
    fail "$f is not valid against $schema" "$out"
done

out=$("$venv/bin/python" - .github/workflows/release.yml <<'PY' 2>&1
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
on = doc.get("on", doc.get(True))  # YAML 1.1 reads a bare `on` as true
assert on["push"]["tags"] == ["v*"], f"not triggered by version tags: {on}"
steps = [s for job in doc["jobs"].values() for s in job["steps"]]
runs = "\n".join(s.get("run", "") for s in steps)
assert "bash tools/release.sh" in runs, "tools/release.sh is never run"
assert "tests/release/test_artifacts.sh" in runs, "the artifacts are not tested before publishing"
assert "gh release create" in runs and "release/*" in runs, "build/release/* is not published to a GitHub release"
uploads = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact")]
assert any(s["with"]["path"] == "build/release/*" for s in uploads), "build/release/* is not passed on"
assert any(s.get("uses", "").startswith("pypa/gh-action-pypi-publish") for s in steps), "the wheels are not published to PyPI"
print("tags v*, tools/release.sh, the tests, gh release create with build/release/*, PyPI")
PY
)
[ $? -eq 0 ] && ok "release.yml: $out" || fail "release.yml" "$out"

echo
echo "check_workflows: $([ "$failures" -eq 0 ] && echo passed || echo "$failures FAILED")"
[ "$failures" -eq 0 ]
