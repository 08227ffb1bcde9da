#!/usr/bin/env python3
"""Check that every place that states envguard's version agrees with include/envguard/version.hpp."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main() -> int:
    header = (ROOT / "include/envguard/version.hpp").read_text(encoding="utf-8")
    version = ".".join(re.search(rf"#define ENVGUARD_VERSION_{p} (\d+)", header).group(1)
                       for p in ("MAJOR", "MINOR", "PATCH"))
    meson = re.search(r"version: '([^']+)'", (ROOT / "meson.build").read_text(encoding="utf-8"))
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    problems = []
    if not meson or meson.group(1) != version:
        problems.append(f"meson.build says {meson.group(1) if meson else 'nothing'}")
    if f"## {version}" not in changelog:
        problems.append(f"CHANGELOG.md has no '## {version}' section")
    if problems:
        print(f"check_version: version.hpp says {version}, but " + "; ".join(problems), file=sys.stderr)
        return 1
    print(f"check_version: {version} everywhere")
    return 0


if __name__ == "__main__":
    sys.exit(main())
