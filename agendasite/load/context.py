"""What loading a meeting needs, shared by meetings.py (meetings, items) and annexes.py (their annexes)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from markdown_it import MarkdownIt

from ..diagnostics import Diagnostics
from ..markdown.outline import outline_headings
from ..markdown.parser import RenderContext, Rendered, render_document
from ..markdown.sanitize import ENV_KEY
from ..markdown.sitelinks import LinkCollector
from ..model import Config
from ..source.files import SourceFile, read_source
from ..source.yamlpos import SourceError


ANNEX_DIR = "bilag"


@dataclass(slots=True)
class LoadContext:
    """What loading needs: config, diagnostics, parser, translations, and the content root."""

    config: Config
    diags: Diagnostics
    md: MarkdownIt
    gettext: Callable[[str], str]
    content: Path
    cwd: Path
    data: dict = field(default_factory=dict)  # content/data files by name (agendasite.source.data.DataTable)
    links: LinkCollector | None = None
    current: str = ""  # the file being read, named if an internal error happens
    number_lines: dict[str, int] = field(default_factory=dict)  # item file -> line of its 'number' key
    real_dirs: dict[str, str] = field(default_factory=dict)  # folder -> its resolved path, once per build

    def rel(self, path: Path) -> str:
        """The path as shown in messages: relative to the working folder when possible."""
        under = _under(self.real(path), self.real_dir(self.cwd))
        return str(path) if under is None else under

    def real_dir(self, folder: Path | str) -> str:
        """A folder with its links resolved (Path.resolve), looked up once: resolving cost a dozen system
        calls a file, more than reading it."""
        key = os.fspath(folder)
        real = self.real_dirs.get(key)
        if real is None:
            real = self.real_dirs[key] = str(Path(key).resolve())
        return real

    def real(self, path: Path) -> str:
        """What `str(path.resolve())` gives: a file that is not a link lies where its resolved folder is."""
        text = os.fspath(path)
        head, tail = os.path.split(text)
        if tail in ("", ".", "..") or os.path.islink(text):
            return str(Path(text).resolve())
        return os.path.join(self.real_dir(head), tail)

    def markdown_html(self, text: str | None, where: tuple[str, int] | None = None) -> str:
        """Render a Markdown value of a file (an intro, a note) to HTML; `where` (the file and the line of its
        key) places the warnings for raw HTML removed and the errors for addresses that may not be published."""
        if not text:
            return ""
        if where is None:
            return self.md.render(text)
        located = RenderContext(where[0], 0, self.config.language, self.diags, self.gettext, at_line=where[1])
        return self.md.render(text, {ENV_KEY: located})


def read_file(path: Path, ctx: LoadContext, front_required: bool = True) -> SourceFile | None:
    rel = ctx.rel(path)
    ctx.current = rel
    try:
        return read_source(path, rel, front_required)
    except SourceError as exc:
        ctx.diags.error(rel, exc.line, exc.message, exc.hint, exc.column)
    except OSError as exc:
        ctx.diags.error(rel, None, f"cannot read the file: {exc.strerror}",
                        "check that the file exists and that you may read it")
    return None


def render_body(text: str, src: SourceFile, ctx: LoadContext, csv_base: str = "") -> Rendered:
    rctx = RenderContext(src.rel, src.body_line - 1, ctx.config.language, ctx.diags, ctx.gettext, csv_base,
                         ctx.links)
    return render_document(ctx.md, text, rctx, (outline_headings,))


def _under(real: str, root: str) -> str | None:
    """A resolved path relative to a resolved folder (as Path.relative_to writes it), None if outside."""
    if real == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    return real[len(prefix):] if real.startswith(prefix) else None


def inside(path: Path, folder: Path, ctx: LoadContext) -> bool:
    """Whether the file, its links followed, lies in the folder (links followed too)."""
    return _under(ctx.real(path), ctx.real_dir(folder)) is not None
