"""Publish the editors' handbook with the site: run MkDocs into `handbook/` of the staged output.

MkDocs runs in a child process so its global state and logging stay out of the build. It always
runs `--strict`: a handbook with a broken link or a missing example is an error, not a warning.
Its dates (sitemap) come from the build's "today", so the handbook is as reproducible as the site.
An incremental build runs MkDocs only when the handbook's inputs changed (`handbook_key`); otherwise
it keeps the last build's handbook (`keep_handbook`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from ..diagnostics import Diagnostics
from ..digests import combine
from ..model import Site

HANDBOOK_DIR = "handbook"


def finish_handbook(staged: Path, site: Site, diags: Diagnostics) -> None:
    """Build the handbook into `<staged>/handbook/` when site_config.yml names its mkdocs.yml."""
    mkdocs_yml = site.config.handbook
    if not mkdocs_yml:
        return
    config = Path(mkdocs_yml)
    target = staged / HANDBOOK_DIR
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = str(calendar.timegm(site.today.timetuple()))
    env["NO_MKDOCS_2_WARNING"] = "1"  # a notice about a future MkDocs, not about this handbook
    env.pop("AGENDASITE_HANDBOOK_URL", None)
    if site.config.base_url:  # mkdocs.yml reads it as site_url: full addresses in sitemap and 404 page
        env["AGENDASITE_HANDBOOK_URL"] = f"{site.config.base_url}{HANDBOOK_DIR}/"
    # Never --quiet: it silences the warnings that --strict counts, and a broken handbook would pass.
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
               "--site-dir", str(target)]
    try:
        done = subprocess.run(command, cwd=config.parent, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:  # pragma: no cover - the interpreter itself cannot be started
        diags.error(_display(config, site), None, f"cannot run MkDocs: {exc}")
        return
    if done.returncode != 0:
        lines = [line for line in (done.stderr + done.stdout).splitlines()
                 if line.strip() and not line.startswith("INFO")]
        detail = "\n".join(lines[-15:]) or f"mkdocs exited with status {done.returncode}"
        hint = ("install MkDocs with `pip install -e .`" if "No module named mkdocs" in detail
                else "run `mkdocs build --strict` to see the problem; the lines above are MkDocs' own")
        diags.error(_display(config, site), None, "the editors' handbook did not build:\n" + detail, hint)


def handbook_inputs(mkdocs_yml: Path) -> list[Path]:
    """What the handbook is built from: mkdocs.yml, its docs folder, and files its pages include.

    The folder of mkdocs.yml is usually the repository itself (with the site's output and caches
    in it), so it is not watched as a whole: that would make every build look changed.
    """
    import re

    folder = mkdocs_yml.parent
    if not mkdocs_yml.is_file():
        return [mkdocs_yml]
    docs = docs_folder(mkdocs_yml)
    inputs = [mkdocs_yml, docs]
    for page in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        for included in re.findall(r'--8<--\s+"([^":]+)', page.read_text(encoding="utf-8", errors="replace")):
            for base in (docs, folder):
                if (base / included).is_file():
                    inputs.append(base / included)
                    break
    return inputs


def docs_folder(mkdocs_yml: Path) -> Path:
    """The handbook's sources: docs_dir of mkdocs.yml, relative to it (MkDocs' default: docs/ beside it)."""
    import re

    try:
        text = mkdocs_yml.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    match = re.search(r"^docs_dir:\s*['\"]?([^'\"\s#]+)", text, re.MULTILINE)
    return mkdocs_yml.parent / (match[1] if match else "docs")


def handbook_key(table: dict[str, tuple], inputs: list[Path], code: bytes, base_url: str | None,
                 today: dt.date) -> bytes:
    """What the built handbook depends on: its inputs' digests (from the build's scan), agendasite's code (the
    hook writes the reference from the schemas), MkDocs' and its plugins' versions, base_url and today.
    An incremental build with the same key keeps the last build's handbook instead of running MkDocs."""
    from importlib.metadata import PackageNotFoundError, version

    roots = tuple(str(p) for p in inputs)
    under = tuple(r + os.sep for r in roots)
    files = tuple(sorted((path, entry[2]) for path, entry in table.items() if path in roots or path.startswith(under)))
    versions = []
    for name in ("mkdocs", "mkdocs-material", "pymdown-extensions"):
        try:
            versions.append(version(name))
        except PackageNotFoundError:
            versions.append(None)
    return combine(files, code, tuple(versions), sys.version, base_url, today.isoformat())


def _display(config: Path, site: Site) -> str:
    """The handbook's config as the editor knows it: relative to site_config.yml's folder."""
    try:
        return config.relative_to(site.config.root).as_posix()
    except ValueError:
        return str(config)
