"""Shared fixtures: the embedded site built once per session, and small content trees in tmp_path."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from agendasite.engine.build import BuildOptions, BuildResult, build

ROOT = Path(__file__).resolve().parent.parent


def run_build(config: Path, out: Path | None = None, check: bool = False, strict: bool = False,
              environ: dict[str, str] | None = None) -> BuildResult:
    """Build like the CLI does."""
    env = {"SOURCE_DATE_EPOCH": "1732406400"}  # 2024-11-24: a fixed 'today'
    env.update(environ or {})
    return build(BuildOptions(config_path=config, output_dir=out, check_only=check, strict=strict, environ=env))


def load_model(config_path: Path):
    """The site's complete model as the loader reads it from content/ (what its pages are made from)."""
    import datetime as dt

    from agendasite.diagnostics import Diagnostics
    from agendasite.load.meetings import load_site
    from agendasite.render.i18n import load_translations
    from agendasite.source.config import load_config

    diags = Diagnostics()
    config = load_config(config_path, diags)
    assert config is not None, [str(d) for d in diags.sorted()]
    site = load_site(config, diags, load_translations(config.language).gettext, dt.date(2024, 11, 24))
    assert not diags.has_errors, [str(d) for d in diags.sorted()]
    return site


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded content/ built once into a temporary folder."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = run_build(Path(os.environ.get("AGENDASITE_TEST_CONFIG", ROOT / "site_config.yml")), out)
    problems = [d for d in result.diagnostics.sorted() if d.severity == "error"]
    assert result.ok, problems
    return out


def soup(path: Path) -> BeautifulSoup:
    """Parse a built page."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def write(root: Path, rel: str, text: str) -> Path:
    """Write a dedented file into a content tree."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A minimal valid site: one meeting, two items; returns the folder with site_config.yml."""
    write(tmp_path, "site_config.yml", """
        title: Test
        language: da
        base_url: https://example.org/test/
    """)
    write(tmp_path, "content/2030-01-15-udvalget/meeting.md", """
        ---
        body: Udvalget
        date: 2030-01-15
        start: "09:30"
        place: Rådhuset
        sections:
          - number: 1
            title: Sager
        ---
        Velkommen.
    """)
    write(tmp_path, "content/2030-01-15-udvalget/1-1-forste.md", """
        ---
        number: 1.1
        title: Første sag
        case: SAG-2030-00001
        officer: abc
        ---
        ## Baggrund

        Tekst.

        ## Indstilling

        Det indstilles, at udvalget godkender sagen.
    """)
    write(tmp_path, "content/2030-01-15-udvalget/1-2-anden.md", """
        ---
        number: 1.2
        title: Anden sag
        ---
        ## Indstilling

        Det indstilles, at udvalget tager orienteringen til efterretning.
    """)
    return tmp_path


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


SITES = Path(__file__).resolve().parent / "sites"


def build_test_site(name: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build tests/sites/<name> into a temporary folder; the build must succeed."""
    out = tmp_path_factory.mktemp(name) / "site"
    result = run_build(SITES / name / "site_config.yml", out)
    assert result.ok, [d for d in result.diagnostics.sorted() if d.severity == "error"]
    return out


@pytest.fixture(scope="session")
def minutes_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/sites/minutes (decisions, a closed item, two bodies, month-only and cancelled meetings), built once."""
    return build_test_site("minutes", tmp_path_factory)
