"""The build, one function the CLI, the preview and the tests call: every build takes the same steps.

`build()` checks the configuration and the output folder, answers "nothing changed" from the last
build's record when it can, and otherwise runs the engine (steps.py) with the cache folder, or with
an empty temporary one for `--no-cache` and `--check`: a clean build is the incremental build with an
empty cache.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Iterator

from ..diagnostics import Diagnostics
from ..model import Config
from ..render.i18n import load_translations
from ..source.config import load_config
from .cache import resolve_cache_dir, state_dir
from .nochange import unchanged_summary
from .lock import output_lock, output_of
from .options import BuildOptions, BuildResult
from .outputguard import OutputGuard, cache_problem
from .steps import run as run_engine

__all__ = ["BuildOptions", "BuildResult", "build"]


def build(options: BuildOptions) -> BuildResult:
    """Build the site; on any error the previous output stays untouched."""
    started = time.perf_counter()
    result = BuildResult(Diagnostics())
    try:  # one build at a time into an output folder (lock.py); --check writes nothing
        with output_lock(None if options.check_only else output_of(options.config_path, options.output_dir)):
            _build(options, result)
    except Exception as exc:  # an internal failure: say so plainly, never a bare traceback
        _internal_error(exc, options, result.diagnostics)
        result.ok = False
    result.seconds = time.perf_counter() - started
    return result


def _build(options: BuildOptions, result: BuildResult) -> None:
    diags = result.diagnostics
    if options.incremental and not options.check_only and options.scan is None:
        summary, scanned = unchanged_summary(options.config_path, options.output_dir, options.strict,
                                             options.cache_dir, options.environ)
        if summary is not None:
            return _unchanged(summary, result)
        options = replace(options, scan=scanned)
    overrides = {"output_dir": str(options.output_dir)} if options.output_dir else None
    cache = resolve_cache_dir(options.config_path, options.cache_dir, options.environ)
    guard = OutputGuard(options.config_path, options.output_dir, cache, diags, repair=not options.check_only)
    config = result.config = load_config(options.config_path, diags, overrides, output_check=guard)
    if config is None or (options.incremental and not options.check_only
                          and not _cache_usable(options, config, cache, diags)):
        return
    gettext = load_translations(config.language).gettext
    with _cache_folder(options, cache) as folder:
        try:
            run_engine(options, result, config, gettext, folder, state_dir(folder, options.config_path,
                                                                           options.output_dir))
        except OSError as exc:  # a full disk, a read-only folder: its place and reason, not an internal error
            if not guard.write_failed(exc, config):
                raise


@contextmanager
def _cache_folder(options: BuildOptions, cache: Path) -> Iterator[Path]:
    """The cache folder of this build: the configured one, or an empty temporary one (--no-cache, --check)."""
    if options.incremental and not options.check_only:
        yield cache
        return
    with tempfile.TemporaryDirectory(prefix="agendasite-cache-") as folder:
        yield Path(folder)


def _cache_usable(options: BuildOptions, config: Config, cache: Path, diags: Diagnostics) -> bool:
    """Whether the cache folder may be written (checked before anything is kept in it); else an error."""
    from .cache import clear_damaged_folders

    sdir = state_dir(cache, options.config_path, options.output_dir)
    problem = cache_problem(config, cache) or (None if clear_damaged_folders(cache, sdir) else "is a file, not a folder")
    if problem is None:
        return True
    where = "--cache-dir" if options.cache_dir else ("AGENDASITE_CACHE_DIR" if options.environ.get(
        "AGENDASITE_CACHE_DIR") else str(cache))
    diags.error(where, None, f"the cache folder {cache} {problem}",
                "remove or rename what is there, or choose another folder with --cache-dir (or build with "
                "--no-cache)")
    return False


def _unchanged(summary: dict, result: BuildResult) -> None:
    """Nothing changed since the last build: report its summary again and keep its output."""
    result.diagnostics.items.extend(summary.pop("diagnostics"))
    for name, value in summary.items():
        setattr(result, name, value)
    result.ok = True


def _internal_error(exc: Exception, options: BuildOptions, diags: Diagnostics) -> None:
    """A bug of ours: where it broke and the editor's file it was working on, without a traceback."""
    where = getattr(exc, "agendasite_path", None) or str(options.config_path)
    last = traceback.extract_tb(exc.__traceback__)[-1:]
    place = f" (raised in {Path(last[0].filename).name}, line {last[0].lineno}, {last[0].name})" if last else ""
    diags.error(where, None, f"internal error: {type(exc).__name__}: {exc}",
                f"this is a bug in agendasite, not in your files; please report it with this message "
                f"and the file named here{place}")
