"""The build: load → validate → compute → plan → render → write, one function the CLI and tests call."""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from jinja2 import TemplateError

from .buildlock import output_lock, output_of
from .config import load_config
from .cache import forget_scan, resolve_cache_dir, unchanged_summary
from .diagnostics import Diagnostics
from .feeds import plan_feeds
from .handbook import finish_handbook
from .ical import plan_calendars
from .incremental import run as incremental_run
from .incremental import cache_usable, templates_use_site
from .opendata import plan_open_data
from .search import index_search
from .sitemap import plan_sitemap
from .i18n import load_translations
from .load import load_site
from .model import Site
from .plan import FilePlan, PagePlan, plan_site
from .render import make_environment, relative_url, render_page, today_from_env
from .sitelinks import LinkCollector, check_site_links, resolve_file_links, resolve_site_links
from .urls import template_url
from .outputs import check_unique_outputs, report_template_error, source_of
from .outputguard import OutputGuard, refuse_empty_site
from .write import StagingDir, asset_files

# Extension points, in order. A planner adds files computed from the model (feeds, JSON, ...);
# a finisher runs on the complete staged site before it is published (e.g. a search indexer).
OutputPlanner = Callable[[Site], list[FilePlan]]
Finisher = Callable[[Path, Site, Diagnostics], None]
OUTPUT_PLANNERS: tuple[OutputPlanner, ...] = (plan_feeds, plan_calendars, plan_open_data, plan_sitemap)
FINISHERS: tuple[Finisher, ...] = (index_search, finish_handbook)
# The site_config.yml switch without which a finisher does nothing: incremental builds may then write a
# small change into the spare copy of the site instead of staging the complete site for the finishers
# (incremental.py).
FINISHER_SWITCHES: dict[Finisher, str] = {index_search: "search", finish_handbook: "handbook"}


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What to build and how."""

    config_path: Path = Path("site_config.yml")
    output_dir: Path | None = None  # overrides site_config.yml
    check_only: bool = False
    strict: bool = False
    environ: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    incremental: bool = True  # reuse the cache and the last output (incremental.py); False: from scratch
    cache_dir: Path | None = None  # default: $AGENDASITE_CACHE_DIR, else .cache/agendasite/ beside the config
    jobs: int | None = None  # worker processes; default: the available cores
    progress: Any = None  # a progress.Progress reporter; default: silent
    # Keep the search index of the last build into this output folder instead of running Pagefind again
    # over the whole site (the preview's rebuilds: serve.py); the index may then miss the latest edits.
    keep_search_index: bool = False
    allow_empty: bool = False  # an empty content folder may replace a published site (--allow-empty)


@dataclass(slots=True)
class BuildResult:
    """What a build did: its problems, counts, and where it wrote."""

    diagnostics: Diagnostics
    ok: bool = False
    output_dir: Path | None = None
    meetings: int = 0
    items: int = 0
    annexes: int = 0
    pages: int = 0
    files: int = 0
    seconds: float = 0.0
    site: Site | None = None  # after an incremental build from summaries (sitewide.py): meetings without sections


def build(options: BuildOptions) -> BuildResult:
    """Build the site; on any error the previous output stays untouched."""
    started = time.perf_counter()
    diags = Diagnostics()
    result = BuildResult(diags)
    try:
        with output_lock(None if options.check_only else output_of(options.config_path, options.output_dir)):
            if options.incremental and not options.check_only and _unchanged(options, result):
                result.seconds = time.perf_counter() - started
                return result
            _build(options, result)
    except Exception as exc:  # an internal failure: say so plainly, never a bare traceback
        where = getattr(exc, "agendasite_path", None) or str(options.config_path)
        last = traceback.extract_tb(exc.__traceback__)[-1:]  # where it broke, without a traceback
        place = f" (raised in {Path(last[0].filename).name}, line {last[0].lineno}, {last[0].name})" if last else ""
        diags.error(where, None, f"internal error: {type(exc).__name__}: {exc}",
                    f"this is a bug in agendasite, not in your files; please report it with this message "
                    f"and the file named here{place}")
        result.ok = False
    finally:
        forget_scan()  # a scan kept for this build (cache.scan_once) must not serve a later one
    result.seconds = time.perf_counter() - started
    return result


def _build(options: BuildOptions, result: BuildResult) -> None:
    diags = result.diagnostics
    overrides = {"output_dir": str(options.output_dir)} if options.output_dir else None
    cache = resolve_cache_dir(options.config_path, options.cache_dir, options.environ)
    guard = OutputGuard(options.config_path, options.output_dir, cache, diags, repair=not options.check_only)
    config = load_config(options.config_path, diags, overrides, output_check=guard)  # the output is ours
    if config is None:
        return
    translations = load_translations(config.language)
    if options.incremental and not options.check_only:
        if not cache_usable(options, config, diags):
            return
        if not templates_use_site(config, cache):
            return incremental_run(options, result, config, translations.gettext, guard)  # same output, less work
    links = LinkCollector(Path(config.content_dir))
    site = load_site(config, diags, translations.gettext, today_from_env(options.environ), links)
    result.site = site
    result.meetings = len(site.meetings)
    result.items = sum(len(m.items) for m in site.meetings)
    result.annexes = sum(len(i.annexes) for m in site.meetings for i in m.items)
    if diags.has_errors or (options.strict and diags.count("warning")):
        return
    if not refuse_empty_site(config, len(site.meetings), options.allow_empty, diags):
        return
    pages, files = plan_site(site)
    for planner in OUTPUT_PLANNERS:
        files.extend(planner(site))
    files = [replace(f, data=resolve_file_links(f.data, config.base_url)) if f.data else f for f in files]
    check_unique_outputs(pages, files, diags)
    env = make_environment(config)
    texts: dict[str, str] = {}
    for page in pages:
        try:
            texts[page.path] = render_text(env, page, site, config)
        except TemplateError as exc:  # a site template with a mistake: its file and line
            report_template_error(exc, page, diags)
        except Exception as exc:  # name the editor's file the page comes from
            exc.agendasite_path = source_of(page) or f"{page.template} (rendering {page.path})"  # type: ignore
            raise
    check_site_links(links.links, texts, {f.path for f in files}, diags)
    if diags.has_errors:
        return
    rendered = [(path, text.encode("utf-8")) for path, text in texts.items()]
    result.pages = len(rendered)
    result.files = len(files)
    if options.check_only:
        result.ok = True
        return
    output = Path(config.output_dir)
    try:
        _write_site(StagingDir(output), rendered, files, site, diags)  # publishes it unless diags has errors
    except OSError as exc:  # a full disk, a read-only folder: its place and reason, not an internal error
        if not guard.write_failed(exc, config):
            raise
        return
    if diags.has_errors:
        return
    result.output_dir = output
    result.ok = True


def _write_site(staging: StagingDir, rendered: list[tuple[str, bytes]], files: list[FilePlan], site: Site,
                diags: Diagnostics) -> None:
    """Write every file into the staging folder, run the finishers and publish it (discarded on errors)."""
    try:
        for path, data in rendered:
            staging.write(path, data)
        for f in files:
            if f.data is not None:
                staging.write(f.path, f.data)
            elif f.copy_from is not None:
                staging.copy(f.path, Path(f.copy_from))
        _write_assets(staging)
        for finisher in FINISHERS:
            finisher(staging.path, site, diags)
        if diags.has_errors:
            staging.discard()
            return
        staging.meetings = len(site.meetings)
        staging.publish()
    except BaseException:
        staging.discard()
        raise


def render_text(env, page: PagePlan, site: Site, config) -> str:
    """One page: its planned values plus site, config, page and a `url()` relative to it; links resolved."""
    context = dict(page.context)
    context.update(site=site, config=config, page=page, url=_url_function(page.url, config))
    return resolve_site_links(render_page(env, page.template, context), page.url)


def _unchanged(options: BuildOptions, result: BuildResult) -> bool:
    """Nothing changed since the last build: report its summary again and keep its output."""
    summary = unchanged_summary(options.config_path, options.output_dir, options.strict, options.cache_dir,
                                options.environ)
    if summary is None:
        return False
    result.diagnostics.items.extend(summary.pop("diagnostics"))
    for name, value in summary.items():
        setattr(result, name, value)
    result.ok = True
    return True


def _write_assets(staging: StagingDir) -> None:
    for rel, path in asset_files():
        staging.copy(rel, path)


def _url_function(page_url: str, config):
    """Links relative to the page, except on the 404 page, which is served at any address; checked and
    escaped by urls.template_url."""
    if page_url == "404.html":
        from urllib.parse import urlparse

        base_path = urlparse(config.base_url).path if config.base_url else "/"
        return template_url(lambda target: target if target.startswith("#") else base_path + target)
    return template_url(lambda target: relative_url(page_url, target))
