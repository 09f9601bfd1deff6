"""Meeting folders in content/: which folders are meetings, and names and entries that cannot be."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..source.files import describe_mode
from .context import LoadContext

MEETING_FILE = "meeting.md"
DATA_DIR = "data"


def scan_meeting_folders(content: Path, ctx: LoadContext) -> list[Path]:
    """The meeting folders of content/, in name order; each is also checked for item names that are not files
    here, not in load_meeting, so that a build reusing a cached meeting reports them too."""
    folders = []
    for path in sorted(content.iterdir()):
        if not path.is_dir() or path.name == DATA_DIR:
            continue
        if path.name.startswith((".", "_")):  # hidden (.git, .obsidian) and set-aside folders are not meetings
            if path.name.startswith(".") and (path / MEETING_FILE).exists():
                ctx.diags.warning(ctx.rel(path), None, f"the folder '{path.name}' holds a {MEETING_FILE} but is "
                                  "left out of the site: folders whose name starts with '.' are hidden",
                                  "give the folder the meeting's address as its name, e.g. "
                                  "2024-09-06-kkr-hovedstaden")
            continue
        folders.append(path)
        with os.scandir(path) as entries:
            for entry in entries:
                if entry.name.endswith(".md") and entry.name != MEETING_FILE and not entry.is_file():
                    what = not_a_file(Path(entry.path)) or "not a file"
                    ctx.diags.error(ctx.rel(path) + "/" + entry.name, None, f"this is {what}, not an item file",
                                    "an item is a Markdown file: remove it, or rename it without '.md'")
    return folders


def not_a_file(path: Path) -> str | None:
    """What a path is when it exists but is no regular file ('a folder', 'a named pipe (FIFO)'), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None if not os.path.islink(path) else "a link to nothing"
    return None if stat.S_ISREG(mode) else describe_mode(mode)


def name_problem(name: str) -> str:
    """What makes a folder or file name unusable as an address, in the editor's terms."""
    problems = [what for what, found in (
        ("spaces", " " in name), ("upper-case letters", any(c.isupper() for c in name)),
        ("letters outside a-z", any(c.isalpha() and not c.isascii() for c in name)),
        ("other characters than letters, digits and '-'", any(not (c.isalnum() or c in " -") for c in name)),
        ("a '-' at an end or two in a row", "--" in name or name[:1] == "-" or name[-1:] == "-")) if found]
    if not problems:
        return "it is empty"
    return "it has " + (problems[0] if len(problems) == 1 else ", ".join(problems[:-1]) + " and " + problems[-1])
