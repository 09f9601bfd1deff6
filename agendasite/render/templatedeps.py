"""What the page templates read, from Jinja's own analysis of every template they use.

A meeting's worker renders its pages without the rest of the archive, which is right only while no
template those pages use reads `site`; when one does, the engine renders them once every meeting is
known, with the site (incremental._pages_reading_site). The answer comes from the
templates' syntax trees (`jinja2.meta`), followed through every extends, include, import and from-import
whatever the included file is called, so a `count.txt` included by `item.html` counts like any other.
Parsing the templates costs tens of milliseconds, so the answer is kept in the cache folder under the
digest of every file in the template folders (a one-byte "0" or "1": data, nothing to run).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from jinja2 import Environment, TemplateError, meta

# The templates of a meeting's own pages (pages.py), rendered by the meeting's worker: if one reads `site`,
# those pages depend on every meeting (incremental._pages_reading_site).
MEETING_PAGE_TEMPLATES = ("meeting.html", "item.html", "annex_index.html", "annex_page.html", "funding_page.html")


def pages_read(env: Environment, variable: str, roots: tuple[str, ...] = MEETING_PAGE_TEMPLATES) -> bool:
    """Whether a template used by the pages of `roots` reads the context variable `variable`. A
    reference Jinja cannot name ahead (`{% include name %}`) or a template that does not parse counts
    as reading it: the build then takes the path that is right whatever the templates read."""
    seen: set[str] = set()
    pending = list(roots)
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        except TemplateError:  # not there (rendering reports it), or refused by the loader
            if name in roots:
                continue
            return True
        try:
            tree = env.parse(source, name)
        except TemplateError:
            return True
        if variable in meta.find_undeclared_variables(tree):
            return True
        for referenced in meta.find_referenced_templates(tree):
            if referenced is None:
                return True
            pending.append(referenced)
    return False


def folders_digest(folders: list[Path], variable: str, roots: tuple[str, ...] = MEETING_PAGE_TEMPLATES) -> str:
    """The digest of every file in the template folders (names and bytes; links out of them left out)."""
    h = hashlib.blake2b(variable.encode("utf-8") + b"\x00" + repr(roots).encode("utf-8"), digest_size=16)
    for folder in folders:
        real = os.path.realpath(folder)
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            inside = os.path.realpath(path).startswith(real + os.sep)
            if inside and path.is_file():
                h.update(f"{folder}\x00{path.relative_to(folder).as_posix()}\x00".encode("utf-8"))
                h.update(path.read_bytes())
    return h.hexdigest()


def pages_read_memo(make_env, folders: list[Path], variable: str, store: Path,
                    roots: tuple[str, ...] = MEETING_PAGE_TEMPLATES) -> bool:
    """`pages_read`, answered from `store` when the template folders hold the same files as when it was
    last worked out; `make_env` makes the environment only when it has to be worked out again."""
    path = store / f"{folders_digest(folders, variable, roots)}.txt"
    try:
        kept = path.read_bytes()
    except OSError:
        kept = b""
    if kept in (b"0", b"1"):
        return kept == b"1"
    answer = pages_read(make_env(), variable, roots)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(b"1" if answer else b"0")
        os.replace(tmp, path)
        for other in store.glob("*.txt"):  # the answer for templates as they were before: never asked again
            if other != path:
                other.unlink(missing_ok=True)
    except OSError:  # a cache that cannot be written only costs the analysis next time
        pass
    return answer
