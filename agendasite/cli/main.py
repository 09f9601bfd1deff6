"""The command line: parse arguments, call the pipeline, print messages and a summary."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from types import SimpleNamespace

from ..diagnostics import Diagnostics, format_diagnostic
from ..engine.progress import for_stream


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the agenda website from content/, templates/ and site_config.yml.",
        epilog="other commands: build.py serve (preview with live reload), build.py new item|meeting "
               "(start a file), build.py reference (print the key reference); add --help to each.")
    parser.add_argument("--config", type=Path, default=Path("site_config.yml"), metavar="FILE",
                        help="the site configuration (default: site_config.yml)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="write the site here instead of output_dir of the configuration")
    parser.add_argument("--check", action="store_true", help="validate everything, write nothing")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (for CI)")
    parser.add_argument("--allow-empty", action="store_true",
                        help="let a content folder without meetings replace a published site (refused otherwise)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also print notes (e.g. stated figures that differ from the computed ones "
                             "and were acknowledged)")
    parser.add_argument("--no-cache", action="store_true",
                        help="build from scratch, without the cache and the previous output")
    parser.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                        help="keep the build cache here (default: .cache/agendasite/ beside the configuration)")
    parser.add_argument("--jobs", type=int, default=None, metavar="N",
                        help="worker processes for parsing and rendering (default: the available cores)")
    return parser


def _unchanged(args: argparse.Namespace) -> tuple[SimpleNamespace | None, tuple | None]:
    """The last build's result when nothing changed: answered before Jinja, markdown-it and Babel load;
    else the scan of the inputs the check took, for the build."""
    started = time.perf_counter()
    if args.check or args.no_cache:
        return None, None
    from ..engine.nochange import unchanged_summary  # the engine's smallest part (standard library only), not for --help

    summary, scanned = unchanged_summary(args.config, args.out, args.strict, args.cache_dir, dict(os.environ))
    if summary is None:
        return None, scanned
    diagnostics = Diagnostics(summary.pop("diagnostics"))
    return SimpleNamespace(diagnostics=diagnostics, ok=True, seconds=time.perf_counter() - started, **summary), None


COMMANDS = ("build", "serve", "new", "reference")


def main(argv: list[str] | None = None) -> int:
    """Dispatch `build.py [build|serve|new|reference] ...`; without a command, build."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS else "build"
    rest = argv[1:] if argv and argv[0] in COMMANDS else argv
    try:
        if command == "serve":
            from .serve import main as serve_main
            return serve_main(rest)
        if command == "new":
            from .new import main as new_main
            return new_main(rest)
        if command == "reference":
            from .reference import main as reference_main
            return reference_main(rest)
        return build_main(rest)
    except KeyboardInterrupt:
        print("stopped.", file=sys.stderr)
        return 130


def build_main(argv: list[str]) -> int:
    """Run a build; return the process exit code (0 ok, 1 errors, 2 usage)."""
    args = make_parser().parse_args(argv)
    progress = for_stream(sys.stdout)
    result, scanned = _unchanged(args)
    unchanged = result is not None
    if result is None:
        from ..engine.build import BuildOptions, build

        options = BuildOptions(config_path=args.config, output_dir=args.out, check_only=args.check,
                               strict=args.strict, incremental=not args.no_cache, cache_dir=args.cache_dir,
                               jobs=args.jobs, progress=progress, allow_empty=args.allow_empty, scan=scanned or ())
        result = build(options)
    else:
        print("nothing changed since the last build", flush=True)
    for line in progress.summary():
        print(line)
    diags = result.diagnostics.sorted()
    notes = sum(1 for d in diags if d.severity == "note")
    for diag in diags:
        severity = diag.severity
        if severity == "note" and not args.verbose:
            continue
        if args.strict and severity == "warning":
            diag = type(diag)("error", diag.path, diag.line, diag.column, diag.message + " [--strict]", diag.hint)
        print(format_diagnostic(diag), file=sys.stderr)
    errors = sum(1 for d in diags if d.severity == "error")
    warnings = sum(1 for d in diags if d.severity == "warning")
    if args.strict:
        errors, warnings = errors + warnings, 0
    if not result.ok:
        kept = "the previous output was left untouched" if not args.check else "nothing was written"
        print(f"build failed: {errors} error(s), {warnings} warning(s); {kept}.", file=sys.stderr)
        return 1
    what = "checked" if args.check else f"unchanged in {result.output_dir}" if unchanged \
        else f"written to {result.output_dir}"
    print(f"{result.meetings} meetings, {result.items} items, {result.annexes} annexes, "
          f"{result.pages} pages, {result.files} files {what} in {result.seconds:.2f} s"
          + (f"; {warnings} warning(s)" if warnings else "")
          + (f"; {notes} note(s), shown with --verbose" if notes and not args.verbose else ""))
    return 0
