"""Loading and validating site_config.yml."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..diagnostics import Diagnostics
from ..model import Config
from .files import read_text
from .schemas import SITE_CONFIG
from .validate import check
from .yamlpos import SourceError, parse_yaml


@dataclass(frozen=True, slots=True)
class Setting:
    """Where the output folder was chosen: site_config.yml's `output_dir` line, or the --out option."""

    path: str  # the file as the editor knows it, or "--out"
    line: int | None
    value: str  # as written

    @property
    def name(self) -> str:
        return "--out" if self.path == "--out" else "output_dir"


def load_config(path: Path, diags: Diagnostics, overrides: dict | None = None,
                output_check: Callable[[Config, Setting], bool] | None = None) -> Config | None:
    """Read site_config.yml; report problems with file and line; None if unusable (also when `output_check`,
    given where the output folder was chosen, refuses it: outputguard.check_output)."""
    rel = _display(path)
    if not path.is_file():
        diags.error(rel, None, "the site configuration file does not exist",
                    "run the build in the folder with site_config.yml, or pass --config FILE")
        return None
    try:
        tree = parse_yaml(read_text(path))
    except SourceError as exc:
        diags.error(rel, exc.line, exc.message, exc.hint, exc.column)
        return None
    except OSError as exc:
        diags.error(rel, None, f"cannot read the file: {exc.strerror}",
                    "check that the file exists and that you may read it")
        return None
    before = len(diags.items)
    record = check(tree, SITE_CONFIG, diags, rel)
    if record is None or any(d.severity == "error" for d in diags.items[before:]):
        return None
    values = dict(record.values)
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    root = path.resolve().parent
    if values.get("handbook") and not (root / values["handbook"]).is_file():
        diags.error(rel, record.line("handbook"), f"the handbook configuration '{values['handbook']}' does not exist",
                    "give the path of the handbook's mkdocs.yml relative to this file, or remove the key")
        return None
    base_url = values.get("base_url")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    if not base_url:
        diags.note(rel, None, "base_url is not set: the feed, calendar, sitemap and open data need the site's "
                   "address and are left out", "set base_url to the address the site is published at")
    config = Config(
        title=values["title"], description=values.get("description"), language=values["language"],
        base_url=base_url, root=str(root),
        content_dir=str((root / values["content_dir"]).resolve()),
        templates_dir=str((root / values["templates_dir"]).resolve()),
        output_dir=str((Path.cwd() / values["output_dir"]).resolve()) if "output_dir" in (overrides or {})
        and overrides.get("output_dir") else str((root / values["output_dir"]).resolve()),
        recommendation_heading=values["recommendation_heading"], decision_heading=values["decision_heading"],
        closed_items=values["closed_items"], timezone=values["timezone"], config_path=str(path.resolve()),
        handbook=str((root / values["handbook"]).resolve()) if values.get("handbook") else None,
        search=values["search"],
    )
    if output_check is None:
        return config
    option = (overrides or {}).get("output_dir")
    setting = Setting("--out", None, option) if option else \
        Setting(rel, record.line("output_dir") if "output_dir" in record.positions else None, values["output_dir"])
    return config if output_check(config, setting) else None


def _display(path: Path) -> str:
    """A path as the editor knows it: relative to the working folder when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
