"""Rendering a planned page, the one way every page is rendered: its context, its links, its mistakes."""

from __future__ import annotations

from typing import Callable
from urllib.parse import urlparse

from jinja2 import Environment, TemplateError

from ..diagnostics import Diagnostics
from ..model import Config, Site
from ..plan.checks import report_template_error, source_of
from ..plan.pages import PagePlan
from .environment import render_page
from ..markdown.sitelinks import resolve_site_links
from ..source.urls import relative_url, template_url


def render_text(env: Environment, page: PagePlan, site: Site, config: Config) -> str:
    """One page: its planned values plus site, config, page and a `url()` relative to it; links resolved."""
    context = dict(page.context)
    context.update(site=site, config=config, page=page, url=_url_function(page.url, config))
    return resolve_site_links(render_page(env, page.template, context), page.url)


def render_reporting(render: Callable[[PagePlan], str], page: PagePlan, diags: Diagnostics) -> str | None:
    """A page's text, or None with the template's mistake reported at its file and line; any other failure
    is raised with the editor's file the page comes from (for the internal-error message)."""
    try:
        return render(page)
    except TemplateError as exc:  # a site template with a mistake: its file and line
        report_template_error(exc, page, diags)
        return None
    except Exception as exc:
        if not hasattr(exc, "agendasite_path"):
            exc.agendasite_path = source_of(page) or f"{page.template} (rendering {page.path})"  # type: ignore
        raise


def _url_function(page_url: str, config: Config) -> Callable[[str], str]:
    """Links relative to the page, except on the 404 page, which is served at any address; checked and
    escaped by urls.template_url."""
    if page_url == "404.html":
        base_path = urlparse(config.base_url).path if config.base_url else "/"
        return template_url(lambda target: target if target.startswith("#") else base_path + target)
    return template_url(lambda target: relative_url(page_url, target))
