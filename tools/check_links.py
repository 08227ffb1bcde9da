#!/usr/bin/env python3
"""Checks every Markdown link of the project's documentation: README.md, CONTRIBUTING.md and the other
top-level *.md files, and docs/**/*.md.

For each [text](target) and ![alt](target) outside code (fenced blocks and `inline code` are skipped):
  - http(s)://, mailto: and other URLs with a scheme are not fetched (nothing is downloaded);
  - a relative path must name a file or directory that exists, relative to the page holding the link;
  - a #anchor (alone, or after a .md path) must be the anchor of a heading of that page, computed as
    GitHub computes it (lower case, punctuation other than '-' and '_' dropped, spaces to '-', a
    repeated heading gets -1, -2, ...).

    python3 tools/check_links.py [ROOT]      exit 0: every link resolves; 1: each broken one is listed;
                                             2: ROOT is not a directory
"""
import pathlib
import re
import sys

FENCE = re.compile(r"^\s*(```|~~~)")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
LINK = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def prose(text):
    """TEXT with the lines of fenced code blocks emptied (line numbers kept)."""
    out, fence = [], None
    for line in text.split("\n"):
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            out.append("")
        elif fence is not None:
            if line.strip().startswith(fence):
                fence = None
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def slug(heading):
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link in a heading: its text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path, cache={}):
    if path not in cache:
        seen, found = {}, set()
        for line in prose(path.read_text(encoding="utf-8")).split("\n"):
            match = HEADING.match(line)
            if not match:
                continue
            base = slug(match.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
        cache[path] = found
    return cache[path]


def pages(root):
    files = sorted(root.glob("*.md")) + sorted((root / "docs").rglob("*.md"))
    return [f for f in files if f.is_file()]


def check(root):
    broken = []
    for page in pages(root):
        text = INLINE_CODE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), prose(page.read_text(encoding="utf-8")))
        for match in LINK.finditer(text):
            target = match.group(1)
            line = text.count("\n", 0, match.start()) + 1
            where = f"{page.relative_to(root)}:{line}"
            if SCHEME.match(target):
                continue
            path_part, _, anchor = target.partition("#")
            dest = (page.parent / path_part).resolve() if path_part else page
            if path_part and not dest.exists():
                broken.append(f"{where}: {target}: no file {path_part} (relative to {page.parent.relative_to(root) or '.'})")
                continue
            if anchor and dest.suffix == ".md" and dest.is_file() and anchor not in anchors(dest):
                broken.append(f"{where}: {target}: {dest.relative_to(root)} has no heading with the anchor #{anchor}")
    return broken


def main(argv):
    root = pathlib.Path(argv[1] if len(argv) > 1 else pathlib.Path(__file__).resolve().parent.parent).resolve()
    if argv[1:] in (["-h"], ["--help"]):
        print(__doc__.strip())
        return 0
    if len(argv) > 2 or argv[1:2] and argv[1].startswith("-") or not root.is_dir():
        print(f"check_links: {' '.join(argv[1:])!r} is not a directory to check (usage: check_links.py [ROOT])",
              file=sys.stderr)
        return 2
    broken = check(root)
    for problem in broken:
        print(f"check_links: {problem}", file=sys.stderr)
    count = len(pages(root))
    print(f"check_links: {count} pages, {'every link resolves' if not broken else f'{len(broken)} broken links'}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
