"""The command line: parse arguments, call the pipeline, print messages and a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .diagnostics import format_diagnostic
from .pipeline import BuildOptions, build


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
    return parser


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
            from .scaffold import main as new_main
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
    options = BuildOptions(config_path=args.config, output_dir=args.out, check_only=args.check,
                           strict=args.strict)
    result = build(options)
    diags = result.diagnostics.sorted()
    for diag in diags:
        severity = diag.severity
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
    what = "checked" if args.check else f"written to {result.output_dir}"
    print(f"{result.meetings} meetings, {result.items} items, {result.annexes} annexes, "
          f"{result.pages} pages, {result.files} files {what} in {result.seconds:.2f} s"
          + (f"; {warnings} warning(s)" if warnings else ""))
    return 0
