"""Atomic publishing: build into a sibling folder, swap it in only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .publish import remove_stale, set_aside, step, swap_in


STATIC_DIR = Path(__file__).parent.parent / "static"


def asset_files() -> list[tuple[str, Path]]:
    """The built-in assets (style sheet, icon) as (path in the site, source file), in a stable order."""
    return [(f"assets/{p.relative_to(STATIC_DIR).as_posix()}", p) for p in sorted(STATIC_DIR.rglob("*")) if p.is_file()]


def make_parent(target: str, made: set[str]) -> str:
    """Make the folder of a file about to be written, unless `made` says it was: a site has a folder for
    every two or three files, and asking the file system again each time cost a tenth of writing them."""
    folder = os.path.dirname(target)
    if folder not in made:
        try:  # a page's folder mostly lies in one made just before: one mkdir, not makedirs' stat and mkdir
            os.mkdir(folder)
        except FileExistsError:
            pass
        except FileNotFoundError:
            os.makedirs(folder, exist_ok=True)
        made.add(folder)
    return target


def write_new(target: str, data: bytes) -> None:
    """Write a file that is not there yet, in three system calls (Python's buffered `open` makes six). A file
    already there is unlinked first, never written through: it may be a hard link to a published file (a
    staging folder made from the spare copy of the site: steps.py)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    except FileExistsError:
        os.unlink(target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except OSError as exc:  # a full disk: say which file (os.write does not)
        raise OSError(exc.errno, exc.strerror, target) from None
    finally:
        os.close(fd)


def link_new(source: str | Path, target: str) -> None:
    """Hard-link a published file into staging, replacing a file already there (never writing through it)."""
    try:
        os.link(source, target)
    except FileExistsError:
        os.unlink(target)
        os.link(source, target)


def keep_folder(staged: Path, published: Path, name: str) -> bool:
    """Hard-link the published site's folder `name` into the staged site, whole (a finisher's output that is
    kept); False, with nothing left behind, if it is not there or cannot be linked."""
    source = published / name
    shutil.rmtree(staged / name, ignore_errors=True)  # a staged folder made from the spare copy may hold one
    if not source.is_dir():
        return False
    try:
        for folder, _, names in os.walk(source):
            target = staged / name / Path(folder).relative_to(source)
            target.mkdir(parents=True, exist_ok=True)
            for entry in names:
                os.link(os.path.join(folder, entry), target / entry)
    except OSError:
        shutil.rmtree(staged / name, ignore_errors=True)
        return False
    return True


# The build's own mark in every output it publishes: a folder holding it was made by agendasite and may be
# replaced; a non-empty folder without it is someone else's and is never touched (outputguard.py). Written
# last, just before the swap, so a staged folder holding it is complete (publish.recover_output). Never
# listed (sitemap, search index, link checks read pages only), never reused from the last output.
MARKER = ".agendasite-output"
MARKER_TEXT = "This folder is published by agendasite: every build replaces it whole.\nKeep no other files in it.\n"


def marker_text(meetings: int | None) -> bytes:
    """The marker's bytes: what it is, and how many meetings the site holds (an empty site may be replaced
    by another empty one: outputguard.refuse_empty_site)."""
    return (MARKER_TEXT + (f"meetings: {meetings}\n" if meetings is not None else "")).encode("utf-8")


def marked_meetings(output: Path) -> int | None:
    """The number of meetings the marker of a published output names; None without one."""
    try:
        text = (output / MARKER).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("meetings: ") and line[len("meetings: "):].isdigit():
            return int(line[len("meetings: "):])
    return None


class StagingDir:
    """A temporary folder beside the output; `publish()` swaps it in, `discard()` removes it.

    With `reuse` (a folder and the digests of its files), the staged folder starts as that folder, the
    spare copy of the site an earlier publish swapped out (steps.py): only what differs is then
    written. Its files may be hard links to published ones, so nothing is ever written through a file
    (write_new, link_new unlink first)."""

    def __init__(self, output: Path, reuse: tuple[Path, dict[str, bytes]] | None = None,
                 beside: Path | None = None) -> None:
        self.output = output
        if beside is None:  # `beside`: a folder elsewhere, for a site that is never published (--check)
            output.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(output, MARKER)
        self.path = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-{os.getpid()}-",
                                          dir=beside or output.parent))
        self.folders: set[str] = set()  # folders made in it so far (see make_parent)
        self.meetings: int | None = None  # how many the site holds (written into the marker)
        self.has: dict[str, bytes] = {}  # files it holds already, with their digests
        self.keep_old_as: Path | None = None  # publish() keeps the swapped-out site there instead of removing it
        self.written: set[str] = set()  # files written (not linked) into it: their stats are taken after publish
        if reuse is not None:
            os.rename(reuse[0], self.path)  # over the empty folder just made: it is ours now
            (self.path / MARKER).unlink(missing_ok=True)
            self.has = reuse[1]

    def write(self, rel: str, data: bytes) -> None:
        write_new(self._target(rel), data)  # unlinks a file there first: never writes through a hard link
        self.written.add(rel)

    def copy(self, rel: str, source: Path) -> None:
        target = self._target(rel)
        try:
            shutil.copyfile(source, target)
        except OSError as exc:
            if exc.filename is not None:
                raise
            raise OSError(exc.errno, exc.strerror, target) from None  # a full disk while copying
        self.written.add(rel)

    def _target(self, rel: str) -> str:
        return make_parent(os.path.join(self.path, rel), self.folders)

    def link(self, rel: str, source: Path) -> None:
        """Reuse an unchanged file of the published site (a hard link, or a copy across file systems)."""
        target = self._target(rel)
        try:
            link_new(source, target)
        except OSError:
            if not source.is_file():
                raise
            write_new(target, source.read_bytes())  # across file systems
            self.written.add(rel)

    def link_all(self, previous: Path, files: dict[str, bytes]) -> bool:
        """Hard-link a meeting's published files (those it does not hold already); False (and none of them
        left) if one is missing."""
        done: list[str] = []
        try:
            for rel, hashed in files.items():
                if self.has.get(rel) == hashed:
                    continue
                self.link(rel, previous / rel)
                done.append(rel)
        except OSError:
            for rel in done:
                (self.path / rel).unlink(missing_ok=True)
            return False
        return True

    def publish(self) -> None:
        """Swap the staged folder in: at every moment the output is the complete old site or the complete
        new one (publish.swap_in). The old one is then kept as the spare copy (`keep_old_as`) or removed;
        a large one by a detached `rm -rf`, so that the build does not wait for thousands of unlinks."""
        self.write(MARKER, marker_text(self.meetings))  # last: the staged site is complete
        os.chmod(self.path, 0o755)
        step("staged")
        aside = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-{os.getpid()}-", dir=self.output.parent))
        os.rmdir(aside)
        old = swap_in(self.path, self.output, aside)
        if old is not None and self.keep_old_as is not None:
            set_aside(self.keep_old_as, self.output)  # an earlier spare, if one is left
            os.rename(old, self.keep_old_as)
        elif old is not None:
            set_aside(old, self.output)
        step("published")

    def discard(self) -> None:
        """Remove the staged folder (a failed build)."""
        shutil.rmtree(self.path, ignore_errors=True)
