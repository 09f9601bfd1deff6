"""Atomic publishing: build into a sibling folder, swap it in only when everything succeeded."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path


STATIC_DIR = Path(__file__).parent / "static"


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
    """Write a file that is not there yet, in three system calls (Python's buffered `open` makes six)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def keep_folder(staged: Path, published: Path, name: str) -> bool:
    """Hard-link the published site's folder `name` into the staged site, whole (a finisher's output that is
    kept); False, with nothing left behind, if it is not there or cannot be linked."""
    source = published / name
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


class StagingDir:
    """A temporary folder beside the output; `publish()` swaps it in, `discard()` removes it."""

    def __init__(self, output: Path) -> None:
        self.output = output
        output.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(output)
        self.path = Path(tempfile.mkdtemp(prefix=f".{output.name}.building-{os.getpid()}-", dir=output.parent))
        self.folders: set[str] = set()  # folders made in it so far (see make_parent)

    def write(self, rel: str, data: bytes) -> None:
        target = self._target(rel)
        try:
            os.unlink(target)  # it may be a hard link to the published file: never write through it
        except FileNotFoundError:
            pass
        write_new(target, data)

    def copy(self, rel: str, source: Path) -> None:
        shutil.copyfile(source, self._target(rel))

    def _target(self, rel: str) -> str:
        return make_parent(os.path.join(self.path, rel), self.folders)

    def link(self, rel: str, source: Path) -> None:
        """Reuse an unchanged file of the published site (a hard link, or a copy across file systems)."""
        target = self._target(rel)
        try:
            os.link(source, target)
        except OSError:
            if not source.is_file():
                raise
            shutil.copyfile(source, target)

    def publish(self, remove_old_in_background: bool = False) -> None:
        """Replace the output folder by the staged one (the old one is removed afterwards; for large
        sites by a detached `rm -rf`, so that a small rebuild does not wait for thousands of unlinks)."""
        os.chmod(self.path, 0o755)
        old = None
        if self.output.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{self.output.name}.old-{os.getpid()}-", dir=self.output.parent))
            os.rmdir(old)
            os.replace(self.output, old)
        os.replace(self.path, self.output)
        if old is not None and remove_old_in_background and shutil.which("rm"):
            subprocess.Popen(["rm", "-rf", "--", str(old)], start_new_session=True, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elif old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def discard(self) -> None:
        """Remove the staged folder (a failed build)."""
        shutil.rmtree(self.path, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale(output: Path) -> list[Path]:
    """Remove staging and old folders left by killed builds (their process is gone); return them."""
    removed = []
    for kind in ("building", "old"):
        for folder in output.parent.glob(f".{output.name}.{kind}-*"):
            pid_text = folder.name[len(f".{output.name}.{kind}-"):].split("-", 1)[0]
            if kind == "building" and pid_text.isdigit() and _alive(int(pid_text)):
                continue  # another build is running right now
            if kind == "old" and pid_text.isdigit() and _alive(int(pid_text)):
                continue
            if folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
                removed.append(folder)
    return removed
