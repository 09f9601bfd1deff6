"""The steps after the meetings: the site-level pages and files with the site-wide checks, the finishers,
and the publish."""

from __future__ import annotations

from pathlib import Path

from ..finish.handbook import HANDBOOK_DIR, finish_handbook
from ..finish.search import INDEX_DIR, index_search
from ..model import Site
from ..outputs import registry
from ..render.pages import render_text
from . import sitefiles as siteparts
from .meetings import Job, load_parsed, payer_entries_of
from .publish import step
from .record import count_pages
from .runstate import KEEP_HANDBOOK, KEEP_INDEX, Run
from .sitefiles import LeanOutputs
from .sitepages import SiteInputs, site_checks, site_step, whole_meetings
from .staged import keep_file, put_file, remove_unused, spare_path
from .staging import StagingDir, asset_files, keep_folder
from .workers import worker_count


def site_level(r: Run, job: Job, staging: StagingDir, site: Site) -> None:
    """The site-level pages and files (kept when their inputs did not change), and the site-wide checks."""
    r.progress.phase("site pages")
    diags = r.result.diagnostics
    kept = {p: d for p, d in r.previous.site_outputs.items() if p not in r.changed} if r.previous else {}

    def keep(rel: str) -> bytes | None:
        hashed = kept.get(rel)
        return hashed if hashed is not None and keep_file(staging, r.output, rel, hashed) else None

    def put(rel: str, data: bytes) -> None:
        put_file(staging, r.output, rel, data, kept, r.site_outputs)

    whole: list[Site] = []

    def whole_site() -> Site:
        whole[:] = whole or [whole_meetings(site, lambda n: load_parsed(job, n)[0])]
        return whole[0]

    inputs = SiteInputs(site, r.states, r.render_key, lambda n, s: payer_entries_of(job, n, s), whole_site,
                        lambda page, s: render_text(job.env, page, s, r.config), worker_count(r.options.jobs))
    lean = LeanOutputs(site, r.states, job, r.parse_key, registry.active(registry.OUTPUTS, r.config),
                       siteparts.WHOLE_SITE_PLANNERS)
    count, pages, r.memo = site_step(inputs, getattr(r.previous, "site_memo", None), keep, put, diags)
    r.site_outputs.update(pages)
    others = lean.whole_files(whole_site)  # planners that read the whole archive
    site_checks(r.states, site, r.memo, lean.entries() + [(f.path, f.path) for f in others], r.links, diags)
    if diags.has_errors:
        return
    r.site_outputs.update(lean.write([p for p, _ in r.memo.front], [p for p, _ in r.memo.rest],
                                     getattr(r.previous, "parts_memo", None), kept, put, keep))
    r.parts_memo = lean.keys
    for f in others:
        put(f.path, f.data if f.data is not None else Path(f.copy_from).read_bytes())  # type: ignore[arg-type]
    for rel, path in asset_files():
        put(rel, path.read_bytes())
    r.site_pages, r.site_files, r.parts_used = count, len(lean.files) + len(others), lean.parts.used
    r.progress.done(r.site_pages + r.site_files)
    step("site")


def checked(r: Run) -> None:
    """--check: everything was made and checked; nothing is published (the staged folder is discarded)."""
    count_pages(r)
    r.result.ok = True


def finish(r: Run, staging: StagingDir, site: Site, finishers: list) -> None:
    """Run the finishers over the staged site (a kept one's output linked from the published site)."""
    r.progress.phase("finish")
    for finisher in finishers:
        if finisher == KEEP_HANDBOOK:
            if not keep_folder(staging.path, r.output, HANDBOOK_DIR):
                finish_handbook(staging.path, site, r.result.diagnostics)
        elif finisher == KEEP_INDEX:
            r.index_kept = keep_folder(staging.path, r.output, INDEX_DIR)
            if not r.index_kept:
                index_search(staging.path, site, r.result.diagnostics)
        else:
            finisher(staging.path, site, r.result.diagnostics)
    r.progress.done()


def publish_site(r: Run, staging: StagingDir) -> None:
    """Swap the staged site in; the swapped-out one is kept as the spare copy when its files are known."""
    r.progress.phase("publish")
    remove_unused(staging, r.states, r.site_outputs)
    staging.meetings = r.result.meetings
    if r.previous is not None:
        staging.keep_old_as = spare_path(r.output)
    staging.publish()
    r.progress.done()
    count_pages(r)
    r.result.output_dir = r.output
    r.result.ok = True
