"""A new site-level file, `sager.txt`: every case number on the site with the address of its item.

Added to the site by one entry in agendasite/outputs/registry.py's OUTPUTS:
    SiteOutput("case list", (case_lines,), case_list, needs_base_url=False),
"""

from agendasite.model import Config, Meeting, Site
from agendasite.plan.published import Parts, SiteFile


def case_lines(config: Config, meeting: Meeting) -> dict[str, str]:
    """Made by the meeting's worker from the complete meeting, kept with it: its lines of the file."""
    return {"case lines": "".join(f"{item.case}\t{item.url}\n" for item in meeting.items
                                  if item.case and item.public)}


def case_list(site: Site, parts: Parts, site_pages) -> list[SiteFile]:
    """The file, from the site of meeting headings and each meeting's part."""
    def inputs() -> object:  # equal inputs, equal bytes: the published file is kept
        return [parts.key(meeting, "case lines", case_lines) for meeting in site.meetings]

    def make() -> bytes:
        return "".join(parts.get(meeting, "case lines", case_lines) for meeting in site.meetings).encode("utf-8")

    return [SiteFile("sager.txt", inputs, make)]
