"""The output folder is ours or refused: checked before any work, since every build replaces it whole.

Refused: the project's folder (that of site_config.yml, or of the handbook's mkdocs.yml) or any folder
above it, `/` and the home folder; a folder that is, holds or lies inside the content, templates,
handbook sources or cache folder; a path that is a file; a mount point; a non-empty folder that holds
no marker of an earlier build (write.MARKER) and that the cache does not remember publishing (an output
of a version from before the marker). Every refusal names the setting's place (site_config.yml:line
of `output_dir`, or `--out`) and the fix. Also: an empty content folder never replaces a published site
without --allow-empty; and a write that fails says which folder and why (`report_write_error`).
"""

from __future__ import annotations

import errno
import os
import pickletools
from pathlib import Path
from typing import Callable

from ..diagnostics import Diagnostics
from ..finish.handbook import docs_folder
from ..model import Config
from ..source.config import Setting
from .cache import recorded_output, state_dir
from .publish import recover_output
from .staging import MARKER, marked_meetings

_FIX = "set output_dir (or --out) to a folder of its own, such as 'site' beside site_config.yml (the default)"


def protected_folders(config: Config, cache: Path) -> list[tuple[Path, str]]:
    """The project's folders an output must keep clear of, each with what it is."""
    folders = [(Path(config.content_dir), "the content folder (content_dir)"),
               (Path(config.templates_dir), "the templates folder (templates_dir)"),
               (cache.resolve(), "the build cache")]
    mkdocs = _mkdocs(config)
    if mkdocs is not None:
        folders.append((docs_folder(mkdocs).resolve(), "the handbook's sources (docs_dir of mkdocs.yml)"))
    return folders


def cache_problem(config: Config, cache: Path) -> str | None:
    """Why the cache folder may not be used: it would write its entries among (and prune them from) the
    project's own files or the site; None if it may be used."""
    real = Path(os.path.realpath(cache))
    folders = [(Path(os.path.realpath(folder)), what) for folder, what in protected_folders(config, cache)
               if what != "the build cache"] + [(Path(os.path.realpath(config.output_dir)), "the output folder")]
    for folder, what in folders:
        if real == folder:
            return f"is {what}"
        if real.is_relative_to(folder):
            return f"lies inside {what}, {folder}"
        if folder.is_relative_to(real):
            return f"holds {what}, {folder}"
    return None


def _mkdocs(config: Config) -> Path | None:
    """The handbook's mkdocs.yml: the configured one, else one beside site_config.yml."""
    if config.handbook:
        return Path(config.handbook)
    beside = Path(config.root) / "mkdocs.yml"
    return beside if beside.is_file() else None


def output_problem(config: Config, cache: Path, known: Callable[[Path], bool]) -> tuple[str, str] | None:
    """Why this output folder must not be replaced, with the fix; None if it may be."""
    output = Path(os.path.realpath(config.output_dir))
    mkdocs = _mkdocs(config)
    projects = [Path(config.root)] + ([mkdocs.parent.resolve()] if mkdocs is not None else [])
    for project in projects:
        if project == output:
            return f"is the project's folder (it holds {_holds(project, config)})", _FIX
        if project.is_relative_to(output):
            return f"holds the project (its folder {project} is inside it)", _FIX
    home = _home()
    if home is not None and home.is_relative_to(output):
        return "is your home folder" if home == output else "holds your home folder", _FIX
    for folder, what in protected_folders(config, cache):
        if folder == output:
            return f"is {what}", _FIX
        if folder.is_relative_to(output):
            return f"holds {what}, {folder}", _FIX
        if output.is_relative_to(folder):
            return f"lies inside {what}, {folder}", _FIX
    if os.path.lexists(output) and not output.is_dir():
        return ("is a file, not a folder", "choose a folder for the site (the build never turns a file into "
                "a folder); " + _FIX)
    if os.path.ismount(output):
        return ("is a mount point: the build replaces the output folder whole, which a mount point cannot be",
                f"publish into a folder inside it, e.g. {output / 'site'}")
    if output.is_dir() and not (output / MARKER).is_file() and _has_entries(output) and not known(output):
        return (f"is a folder with files that no build of agendasite wrote there (it has no {MARKER} file): the "
                "build replaces the output folder whole, so they would be lost",
                "choose a new or empty folder for the site, or move those files away first")
    return None


def _home() -> Path | None:
    """The user's home folder, if the system can say."""
    try:
        return Path.home().resolve()
    except (KeyError, RuntimeError, OSError):
        return None


def _has_entries(folder: Path) -> bool:
    with os.scandir(folder) as listing:
        return any(True for _ in listing)


def _holds(project: Path, config: Config) -> str:
    config_file = Path(config.config_path)
    return config_file.name if config_file.parent == project else "mkdocs.yml"


def check_output(config: Config, setting: Setting, cache: Path, known: Callable[[Path], bool],
                 diags: Diagnostics, repair: bool = True) -> bool:
    """Refuse an output folder that is not the build's own (see the module); True if it may be replaced.
    With `repair`, an output a killed build left missing is put back first (publish.recover_output)."""
    output = Path(os.path.realpath(config.output_dir))
    if repair:
        recover_output(output, MARKER)
    problem = _tilde_problem(setting.value) or output_problem(config, cache, known)
    if problem is None:
        return True
    shown = f"'{setting.value}'" + (f" ({output})" if setting.value not in (str(output), f"{output}/") else "")
    diags.error(setting.path, setting.line, f"the output folder {setting.name} {shown} {problem[0]}", problem[1])
    return False


def _tilde_problem(value: str) -> tuple[str, str] | None:
    """A value starting with ~ names a folder called '~' here, not the home folder (only a shell expands it)."""
    if not value.startswith("~"):
        return None
    return ("starts with '~', which only a shell expands: the build would write into a folder named "
            f"'{value.split('/', 1)[0]}' inside the project, not your home folder",
            "write the full path (e.g. /home/you/site) or a path relative to site_config.yml")


def published_meetings(output: Path) -> int:
    """How many meetings the published site holds, as its marker says; an output without a marker (of an
    earlier version) counts as holding some if it holds any file; 0 without an output."""
    marked = marked_meetings(output)
    if marked is not None:
        return marked
    return int(output.is_dir() and any(names for _folder, _dirs, names in os.walk(output)))


def refuse_empty_site(config: Config, meetings: int, allow_empty: bool, diags: Diagnostics) -> bool:
    """An empty content folder must not replace a published site unasked; True if the build may go on."""
    published = published_meetings(Path(config.output_dir))
    if meetings or allow_empty or not published:
        return True
    content = _shown(Path(config.content_dir), Path(config.root))
    diags.error(content, None, f"the content folder '{content}' holds no meeting: the build would replace the "
                f"published site in {config.output_dir} ({published} meeting(s)) with an empty one",
                "check content_dir in site_config.yml and that the meeting folders are there; to publish an "
                "empty site on purpose, build with --allow-empty")
    return False


_WRITE_HINTS = {
    errno.ENOSPC: "free space on that disk (a build needs room for a second copy of the site beside the "
                  "published one) and build again",
    errno.EDQUOT: "free space within your disk quota and build again",
    errno.EROFS: "the file system is mounted read-only: choose an output folder on a writable disk",
    errno.EACCES: "make the folder writable for the user running the build, or choose another output folder",
    errno.EPERM: "make the folder writable for the user running the build, or choose another output folder",
    errno.EBUSY: "the folder is in use or a mount point: publish into a folder inside it, or stop what uses it",
    errno.EFBIG: "a file is larger than this system or disk allows: raise the file size limit (ulimit -f) "
                 "or use another disk",
}


def report_write_error(exc: OSError, config: Config, setting: Setting, diags: Diagnostics) -> None:
    """A failure while writing or publishing the site: the folder, the system's reason and the fix."""
    reason = exc.strerror or str(exc)
    where = f" ({exc.filename})" if exc.filename else ""
    hint = _WRITE_HINTS.get(exc.errno or 0, "check that the folder's disk is writable and has room, then build "
                                            "again")
    diags.error(setting.path, setting.line, f"cannot write the site to {config.output_dir}: {reason}{where}",
                hint)


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


class OutputGuard:
    """The output check load_config runs (config.load_config's `output_check`), with the cache's memory of
    the last output; keeps where the output was chosen, for later messages."""

    def __init__(self, config_path: Path, output_override: Path | None, cache: Path, diags: Diagnostics,
                 repair: bool) -> None:
        self.config_path, self.output_override, self.cache = config_path, output_override, cache
        self.diags, self.repair = diags, repair
        self.setting = Setting(str(config_path), None, "")

    def __call__(self, config: Config, setting: Setting) -> bool:
        self.setting = setting
        stamp = recorded_output(self.cache, self.config_path, self.output_override)
        earlier = state_dir(self.cache, self.config_path, self.output_override) / "fast.pickle"

        def known(output: Path) -> bool:
            try:
                st = os.stat(output)
            except OSError:
                return False
            if stamp is not None:
                return tuple(stamp[:3]) == (str(output), st.st_ino, st.st_dev)
            return _named_in_pickle(earlier, (str(output), st.st_ino, st.st_dev))

        return check_output(config, setting, self.cache, known, self.diags, self.repair)

    def write_failed(self, exc: BaseException, config: Config) -> bool:
        """Report an OSError about the output folder or a folder beside it (staging, the old copy) as a write
        failure with its place; False for anything else (it is then not a write failure of the site)."""
        if not isinstance(exc, OSError) or not exc.filename:
            return False
        output = Path(config.output_dir)
        failed = Path(os.path.abspath(os.fsdecode(exc.filename)))
        ours = failed.is_relative_to(output.parent) and failed != output.parent and \
            failed.relative_to(output.parent).parts[0] in (output.name, ) + _beside(output, failed)
        if not (ours or output.parent.is_relative_to(failed)):
            return False
        report_write_error(exc, config, self.setting, self.diags)
        return True


def _beside(output: Path, failed: Path) -> tuple[str, ...]:
    """The name of the staging or old folder beside the output that `failed` lies in, if it does."""
    head = failed.relative_to(output.parent).parts[0]
    return (head,) if head.startswith((f".{output.name}.building-", f".{output.name}.old-")) else ()


def _named_in_pickle(record: Path, stamp: tuple[str, int, int]) -> bool:
    """Whether the no-change record of a version from before the marker and the msgpack cache (a pickle
    holding the output's path, inode and device) names this folder. Its opcodes are only listed
    (pickletools), never run: an upgrade still recognises the site/ that version published."""
    try:
        if os.path.getsize(record) > 64 << 20:
            return False
        with open(record, "rb") as fh:
            args = {arg for _, arg, _ in pickletools.genops(fh) if isinstance(arg, (str, int))}
    except Exception:  # noqa: BLE001 - a damaged or crafted record names nothing
        return False
    return all(part in args for part in stamp)
