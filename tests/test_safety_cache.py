"""Issue 14, points 4 and 5: templates cannot read files or reach Python internals, and the cache is data.

A site template that tries the sandbox's classic escapes or reads /etc/passwd fails the build with the
template's file and line and a hint, and the passwd file's contents never reach the output. Each kind
of cache file, crafted (a pickle that would create a file), of an unknown type, truncated or with a
flipped byte, is ignored and rebuilt: the output equals a `--no-cache` build byte for byte.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import pickle
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import msgspec
import pytest

from agendasite.engine import cachedata
from agendasite.engine.build import BuildOptions, BuildResult, build

from .conftest import ROOT, write

ENV = {"SOURCE_DATE_EPOCH": "1732406400"}
PASSWD = Path("/etc/passwd")


def _build(config: Path, out: Path, tmp_path: Path, incremental: bool = True) -> BuildResult:
    environ = dict(ENV, XDG_CONFIG_HOME=str(tmp_path / "xdg"))  # the compiled-template cache's key, not in ~
    return build(BuildOptions(config_path=config, output_dir=out, environ=environ, incremental=incremental))


def _digest(folder: Path) -> str:
    """One digest of a folder's tree: every file's path and bytes."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _errors(result: BuildResult) -> list:
    return [d for d in result.diagnostics.sorted() if d.severity == "error"]


def _override(site: Path, body: str) -> Path:
    """templates/item.html: the built-in one with `body` (one line) as its main block, on line 2."""
    return write(site, "templates/item.html", '{% extends "!default/item.html" %}\n{% block main %}'
                 + body + '{% endblock %}\n')


# --- point 4: templates are confined ---------------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ config.__class__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ url.__globals__ }}",
    "{{ gettext.__closure__ }}",
    "{{ site.meetings.__len__() }}",
    "{% set xs = [] %}{{ xs.append(1) }}",
    "{{ config.__init__('x') }}",
]


@pytest.mark.parametrize("body", ESCAPES)
def test_template_cannot_reach_python_internals(tiny_site: Path, tmp_path: Path, body: str) -> None:
    """The sandbox refuses the escape: the template's file and line, a hint, the last output untouched."""
    out = tmp_path / "out"
    assert _build(tiny_site / "site_config.yml", out, tmp_path).ok
    before = _digest(out)
    _override(tiny_site, body)
    result = _build(tiny_site / "site_config.yml", out, tmp_path)
    assert not result.ok
    errors = _errors(result)
    assert errors and all(d.path.endswith("templates/item.html") and d.line == 2 for d in errors), errors
    assert all("unsafe" in d.message for d in errors), errors
    assert all(d.hint and "docs/templates.md" in d.hint for d in errors), errors
    assert _digest(out) == before


READS = [
    ("include", '{% include "../../../../../../../../etc/passwd" %}'),
    ("include-absolute", '{% include "/etc/passwd" %}'),
    ("import", '{% import "../../../../../../../../etc/passwd" as p %}'),
    ("from-import", '{% from "/etc/passwd" import root %}'),
    ("include-default", '{% include "!default/../../../../../../../etc/passwd" %}'),
]


@pytest.mark.parametrize("how,body", READS, ids=[r[0] for r in READS])
def test_template_cannot_include_files_outside_the_template_folders(tiny_site: Path, tmp_path: Path, how: str,
                                                                    body: str) -> None:
    out = tmp_path / "out"
    _override(tiny_site, body)
    result = _build(tiny_site / "site_config.yml", out, tmp_path)
    assert not result.ok
    errors = _errors(result)
    assert errors and all(d.path.endswith("templates/item.html") and d.line == 2 for d in errors), errors
    assert all("outside the template folders" in d.message and "without `..`" in (d.hint or "") for d in errors)
    assert not out.exists()


def test_extends_with_dotdot_is_refused(tiny_site: Path, tmp_path: Path) -> None:
    write(tiny_site, "templates/item.html", '{# an override #}\n{% extends "../../../../../../etc/passwd" %}\n')
    result = _build(tiny_site / "site_config.yml", tmp_path / "out", tmp_path)
    errors = _errors(result)
    assert not result.ok and errors
    assert all(d.path.endswith("templates/item.html") and d.line == 2 for d in errors), errors
    assert "outside the template folders" in errors[0].message


@pytest.mark.skipif(not PASSWD.is_file(), reason="needs /etc/passwd")
@pytest.mark.parametrize("kind", ["template", "included", "folder"])
def test_symlinked_template_out_of_the_folder_is_not_read(tiny_site: Path, tmp_path: Path, kind: str) -> None:
    """A template (or a folder of templates) that is a link to a file outside: refused, never read."""
    out = tmp_path / "out"
    assert _build(tiny_site / "site_config.yml", out, tmp_path).ok
    before = _digest(out)
    templates = tiny_site / "templates"
    templates.mkdir(exist_ok=True)
    if kind == "template":
        (templates / "item.html").symlink_to(PASSWD)
        link = "templates/item.html"
    elif kind == "included":
        (templates / "secret.html").symlink_to(PASSWD)
        _override(tiny_site, '{% include "secret.html" %}')
        link = "templates/secret.html"
    else:
        (templates / "etc").symlink_to(PASSWD.parent)
        _override(tiny_site, '{% include "etc/passwd" %}')
        link = "templates/etc/passwd"
    result = _build(tiny_site / "site_config.yml", out, tmp_path)
    assert not result.ok
    errors = _errors(result)
    assert errors and all("a link to a file outside the template folders" in d.message for d in errors), errors
    assert all(link in d.message and "copy of the template" in (d.hint or "") for d in errors)
    assert _digest(out) == before
    first_line = PASSWD.read_text(encoding="utf-8", errors="replace").splitlines()[0]
    assert all(first_line not in d.message for d in result.diagnostics.items)


def test_symlink_inside_the_template_folder_still_works(tiny_site: Path, tmp_path: Path) -> None:
    """A link from one template to another inside templates/ is allowed."""
    write(tiny_site, "templates/extra.html", "<p>Tilføjet</p>")
    (tiny_site / "templates" / "shared.html").symlink_to(tiny_site / "templates" / "extra.html")
    _override(tiny_site, '{% include "shared.html" %}')
    out = tmp_path / "out"
    result = _build(tiny_site / "site_config.yml", out, tmp_path)
    assert result.ok, _errors(result)
    assert "<p>Tilføjet</p>" in (out / "2030-01-15-udvalget" / "1-1-forste" / "index.html").read_text("utf-8")


def test_a_template_that_is_not_utf8_is_named_with_its_line(tiny_site: Path, tmp_path: Path) -> None:
    path = tiny_site / "templates" / "item.html"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b'{% extends "!default/item.html" %}\n{# ok #}\n{% block main %}K\xf8benhavn{% endblock %}\n')
    result = _build(tiny_site / "site_config.yml", tmp_path / "out", tmp_path)
    errors = _errors(result)
    assert not result.ok and errors
    assert all(d.path.endswith("templates/item.html") and d.line == 3 for d in errors), errors
    assert "not UTF-8" in errors[0].message and "UTF-8" in (errors[0].hint or "")


def test_cli_reports_a_sandbox_escape_without_a_traceback(tiny_site: Path, tmp_path: Path) -> None:
    _override(tiny_site, "{{ cycler.__init__.__globals__.os.system('touch " + str(tmp_path / "ran") + "') }}")
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--config", str(tiny_site / "site_config.yml"),
                           "--out", str(tmp_path / "out")], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, **ENV, XDG_CONFIG_HOME=str(tmp_path / "xdg"), PYTHONPATH=str(ROOT)))
    assert proc.returncode != 0
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "internal error" not in text
    assert "templates/item.html:2" in text and "hint:" in text
    assert not (tmp_path / "ran").exists()


# --- point 5: the cache is data --------------------------------------------------------------------

KINDS = {  # the cache's kinds of files, under .cache/agendasite/
    "parsed": "parsed/*",
    "state": "state/*/state*",
    "fast": "state/*/fast*",
    "summaries": "summaries/*",
    "parts": "parts/*",
    "compiled": "**/*.cache",
}


class _Touch:
    """Unpickled, it creates a file: what a crafted cache entry would do with pickle."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _unknown_type() -> bytes:
    """A well-formed entry (right header and CRC) of a type the format does not know."""
    payload = msgspec.msgpack.encode([msgspec.msgpack.Ext(cachedata.OBJECTS + len(cachedata.ALLOWED), b"\x90"),
                                      msgspec.msgpack.Ext(127, b"\xc0")])
    return cachedata.MAGIC + cachedata._HEADER.pack(len(payload), zlib.crc32(payload)) + payload


def _compiled_code(data: bytes, marker: Path) -> bytes:
    """The compiled-template file with its code replaced by code that creates a file (Jinja's layout: magic,
    the source's checksum, marshal), anything before Jinja's part kept."""
    import io

    from jinja2.bccache import bc_magic

    start = data.index(bc_magic)
    checksum = pickle.load(io.BytesIO(data[start + len(bc_magic):]))
    code = compile(f"open({str(marker)!r}, 'w').close()", "<crafted>", "exec")
    return data[:start] + bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)


def _tamper(path: Path, how: str, marker: Path) -> None:
    data = path.read_bytes()
    if how == "flipped":
        i = len(data) // 2
        path.write_bytes(data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:])
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "crafted":
        path.write_bytes(_compiled_code(data, marker) if path.suffix == ".cache" else pickle.dumps(_Touch(marker)))
    else:
        path.write_bytes(_unknown_type())


def _two_meetings(site: Path) -> None:
    """A second meeting (one keeps its cache while the other changes) and a site template (compiled)."""
    write(site, "content/2030-02-15-udvalget/meeting.md", """
        ---
        body: Udvalget
        date: 2030-02-15
        start: "09:30"
        sections:
          - number: 1
            title: Sager
        ---
        Anden.
    """)
    write(site, "content/2030-02-15-udvalget/1-1-sag.md",
          "---\nnumber: 1.1\ntitle: Sag\n---\n## Indstilling\n\nTekst.\n")
    _override(site, "{{ super() }}<p>Version 1</p>")


CASES = [(kind, how) for kind in KINDS for how in ("crafted", "unknown", "truncated", "flipped")
         if not (kind == "compiled" and how == "unknown")]


@pytest.mark.parametrize("kind,how", CASES, ids=[f"{k}-{h}" for k, h in CASES])
def test_damaged_cache_file_is_ignored_and_rebuilt(tiny_site: Path, tmp_path: Path, kind: str, how: str) -> None:
    _two_meetings(tiny_site)
    config = tiny_site / "site_config.yml"
    out, marker = tmp_path / "out", tmp_path / "ran"
    assert _build(config, out, tmp_path).ok
    files = [p for p in (tiny_site / ".cache" / "agendasite").glob(KINDS[kind]) if p.is_file()]
    assert files, kind
    for path in files:
        _tamper(path, how, marker)
    # a change to one meeting and to the template: the other meeting's entries are read back
    _override(tiny_site, "{{ super() }}<p>Version 2</p>")
    with open(tiny_site / "content/2030-01-15-udvalget/1-2-anden.md", "a", encoding="utf-8") as fh:
        fh.write("\nRettet.\n")
    result = _build(config, out, tmp_path)
    assert result.ok, _errors(result)
    assert not marker.exists()
    clean = _build(config, tmp_path / "clean", tmp_path, incremental=False)
    assert clean.ok
    assert _digest(out) == _digest(tmp_path / "clean")
    again = _build(config, out, tmp_path)  # and the cache written back is good again
    assert again.ok and _digest(out) == _digest(tmp_path / "clean") and not marker.exists()


@pytest.mark.parametrize("folder", ["parsed", "parts", "summaries", "compiled", "state", "state/*"])
def test_a_cache_folder_replaced_by_a_file_is_rebuilt(tiny_site: Path, tmp_path: Path, folder: str) -> None:
    _two_meetings(tiny_site)
    config = tiny_site / "site_config.yml"
    out = tmp_path / "out"
    assert _build(config, out, tmp_path).ok
    assert _build(config, out, tmp_path).ok  # unchanged: the state remembers a spare copy too
    for path in (tiny_site / ".cache" / "agendasite").glob(folder):
        shutil.rmtree(path)
        path.write_bytes(b"\x80\x04garbage")
    with open(tiny_site / "content/2030-01-15-udvalget/1-2-anden.md", "a", encoding="utf-8") as fh:
        fh.write("\nRettet.\n")
    result = _build(config, out, tmp_path)
    assert result.ok, _errors(result)
    assert _build(config, tmp_path / "clean", tmp_path, incremental=False).ok
    assert _digest(out) == _digest(tmp_path / "clean")


def test_a_cache_folder_that_is_a_file_is_named_and_the_file_kept(tiny_site: Path, tmp_path: Path) -> None:
    notes = write(tiny_site, "notes.txt", "Noter.\n")
    result = build(BuildOptions(config_path=tiny_site / "site_config.yml", output_dir=tmp_path / "out",
                                cache_dir=notes, environ=dict(ENV, XDG_CONFIG_HOME=str(tmp_path / "xdg"))))
    assert not result.ok
    (error,) = _errors(result)
    assert (error.path, error.message) == ("--cache-dir", f"the cache folder {notes} is a file, not a folder")
    assert notes.read_text(encoding="utf-8") == "Noter.\n" and not (tmp_path / "out").exists()


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom"])
def test_a_template_key_that_is_a_device_does_not_hang_the_build(tiny_site: Path, tmp_path: Path, target: str) -> None:
    key = tmp_path / "xdg" / "agendasite" / "template-cache.key"
    key.parent.mkdir(parents=True)
    key.symlink_to(target)
    environ = dict(os.environ, PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=str(tmp_path / "xdg"), **ENV)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(tmp_path / "out")], cwd=tiny_site,
                          env=environ, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert (tmp_path / "out" / "index.html").is_file()


@pytest.mark.parametrize("cache, problem", [("content", "is the content folder (content_dir)"),
                                            ("content/cache", "lies inside the content folder (content_dir), "),
                                            ("templates", "is the templates folder (templates_dir)"),
                                            ("templates/x", "lies inside the templates folder (templates_dir), ")])
def test_a_cache_folder_among_the_projects_files_is_refused(tiny_site: Path, tmp_path: Path, cache: str,
                                                            problem: str) -> None:
    (tiny_site / "templates").mkdir(exist_ok=True)
    before = {p: p.read_bytes() for p in tiny_site.rglob("*") if p.is_file()}
    result = build(BuildOptions(config_path=tiny_site / "site_config.yml", output_dir=tmp_path / "out",
                                cache_dir=tiny_site / cache, environ=dict(ENV, XDG_CONFIG_HOME=str(tmp_path / "x"))))
    assert not result.ok
    (error,) = _errors(result)
    assert error.path == "--cache-dir" and problem in error.message, error.message
    assert {p: p.read_bytes() for p in tiny_site.rglob("*") if p.is_file()} == before  # nothing written there


def test_entries_round_trip_every_kind_of_value() -> None:
    import datetime as dt
    import zoneinfo
    from decimal import Decimal

    from agendasite.diagnostics import Diagnostic
    from agendasite.model import MeetingDate

    value = {"t": (1, "a", b"\x00", None, True, 1.5), "s": frozenset({"x"}), "set": {3}, "d": Decimal("-1.50"),
             "day": dt.date(2030, 1, 2), "time": dt.time(9, 30), "nested": [(MeetingDate(2030, 1), ())],
             "moment": dt.datetime(2030, 3, 31, 2, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Copenhagen")),
             "utc": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc), "keys": {(1, 2): "pair", 3: "int"},
             "diag": [Diagnostic("error", "a.md", 1, None, "m")]}
    back = cachedata.decode_entry(cachedata.encode_entry(value))
    assert back == value and repr(back) == repr(value)


def test_the_format_refuses_values_it_does_not_know() -> None:
    with pytest.raises(TypeError):
        cachedata.encode_entry(object())
    with pytest.raises(TypeError):
        cachedata.encode_entry(_Touch(Path("x")))
