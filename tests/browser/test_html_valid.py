"""Every published page passes the Nu HTML Checker (vnu-jar, run with Java) without errors: agendasite's
pages and the editors' handbook that MkDocs writes into handbook/."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from agendasite.finish.handbook import HANDBOOK_DIR

pytestmark = pytest.mark.slow

BROKEN = "<!DOCTYPE html><html lang=da><head><title>x</title></head><body><p><div>x</p></body></html>"


def test_every_page_is_valid_html(built_site: Path, vnu_command: list[str], tmp_path: Path):
    site = tmp_path / "site"
    shutil.copytree(built_site, site)  # with the handbook: Material's templates as docs/ overrides them
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    handbook = [page for page in pages if page.startswith(f"{HANDBOOK_DIR}/")]
    assert {f"{HANDBOOK_DIR}/index.html", f"{HANDBOOK_DIR}/reference/index.html", f"{HANDBOOK_DIR}/404.html"} <= set(
        handbook), "the handbook is published and checked with the site"
    # A page with a known error proves that the checker really reads the pages it is given.
    (site / "zz-known-broken.html").write_text(BROKEN, encoding="utf-8")
    run = subprocess.run([*vnu_command, "--errors-only", "--format", "json", "--skip-non-html", str(site)],
                         capture_output=True, text=True, timeout=600)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    errors = [(m.get("url", "").split(site.as_posix(), 1)[-1].lstrip("/"), m) for m in messages]
    assert any(name == "zz-known-broken.html" for name, _ in errors), f"the checker missed a known error: {run}"
    found = [f"{name}:{m.get('lastLine')}: {m['message']}" for name, m in errors if name != "zz-known-broken.html"]
    assert len(pages) - len(handbook) >= 40 and len(handbook) >= 14
    assert not found, f"{len(found)} HTML errors in the built site:\n" + "\n".join(found[:40])
