"""The output folder is the build's own or refused, a publish never takes the site offline, an empty content
folder does not replace a site, and a failed write says where and why (issue 14, points 1, 2, 7 and 8).

Every case runs the real command (`python build.py`) in a small project built once before, and checks the
exit status, the message with its place (site_config.yml:line or --out), that no traceback or internal error
appears, and that every file of the project, the previous output with it, is byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, write

ITEM = "content/2030-01-15-udvalget/1-1-forste.md"
MARKER = ".agendasite-output"


def tree(root: Path) -> dict[str, str]:
    """Every file (its digest) and symlink (its target) under root, without following links."""
    found: dict[str, str] = {}
    for folder, dirs, names in os.walk(root):
        for name in names + [d for d in dirs if os.path.islink(os.path.join(folder, d))]:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            else:
                with open(path, "rb") as fh:
                    found[rel] = hashlib.sha256(fh.read()).hexdigest()
    return found


def command(project: Path, *args: str, env: dict[str, str] | None = None) -> dict:
    """The arguments of subprocess.run or Popen for `python build.py ARGS` in the project folder."""
    environ = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1732406400")
    environ.pop("AGENDASITE_CACHE_DIR", None)
    environ.update(env or {})
    return {"args": [sys.executable, str(ROOT / "build.py"), *args], "cwd": project, "env": environ}


def cli(project: Path, *args: str, env: dict[str, str] | None = None,
        timeout: float = 300) -> subprocess.CompletedProcess:
    """`python build.py ARGS` in the project folder."""
    return subprocess.run(**command(project, *args, env=env), capture_output=True, text=True, timeout=timeout)


def clean(proc: subprocess.CompletedProcess) -> None:
    """No traceback and no internal error anywhere in what the build printed."""
    text = proc.stdout + proc.stderr
    assert "Traceback" not in text and "internal error" not in text, text


def set_output(project: Path, value: str) -> None:
    """output_dir as line 4 of site_config.yml (the tiny site has three lines)."""
    config = project / "site_config.yml"
    lines = [line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("output_dir:")]
    assert len(lines) == 3
    config.write_text("\n".join(lines + [f"output_dir: {value}"]) + "\n", encoding="utf-8")


def search_off(project: Path) -> None:
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "search: false\n", encoding="utf-8")


@pytest.fixture
def project(tiny_site: Path) -> Path:
    """The tiny site with a handbook beside it (mkdocs.yml, docs/) and a notes file, built once into site/."""
    write(tiny_site, "mkdocs.yml", "site_name: Håndbog\n")
    write(tiny_site, "docs/index.md", "# Håndbog\n\nSådan skriver du en dagsorden.\n")
    write(tiny_site, "notes.txt", "Noter.\n")
    first = cli(tiny_site)
    assert first.returncode == 0, first.stderr
    assert (tiny_site / "site" / MARKER).is_file()
    return tiny_site


# (id, value of output_dir, expected end of the first message line)
REFUSED_SETTINGS = [
    ("content", "content", "is the content folder (content_dir)"),
    ("templates", "templates", "is the templates folder (templates_dir)"),
    ("project", ".", "is the project's folder (it holds site_config.yml)"),
    ("parent", "..", "holds the project (its folder {project} is inside it)"),
    ("grandparent", "../..", "holds the project (its folder {project} is inside it)"),
    ("root", "/", "holds the project (its folder {project} is inside it)"),
    ("docs", "docs", "is the handbook's sources (docs_dir of mkdocs.yml)"),
    ("inside-content", "content/site", "lies inside the content folder (content_dir), {project}/content"),
    ("inside-meeting", "content/2030-01-15-udvalget", "lies inside the content folder (content_dir), "
                                                      "{project}/content"),
    ("inside-templates", "templates/out", "lies inside the templates folder (templates_dir), {project}/templates"),
    ("inside-docs", "docs/site", "lies inside the handbook's sources (docs_dir of mkdocs.yml), {project}/docs"),
    ("cache", ".cache", "holds the build cache, {project}/.cache/agendasite"),
    ("symlink-to-content", "public", "is the content folder (content_dir)"),
    ("file", "notes.txt", "is a file, not a folder"),
    ("unmarked", "mine", "is a folder with files that no build of agendasite wrote there (it has no "
                         ".agendasite-output file): the build replaces the output folder whole, so they would "
                         "be lost"),
    ("tilde", "~/site", "starts with '~', which only a shell expands: the build would write into a folder named "
                      "'~' inside the project, not your home folder"),
]


def _prepare(project: Path, case_id: str) -> None:
    (project / "templates").mkdir(exist_ok=True)
    if case_id == "symlink-to-content":
        (project / "public").symlink_to(project / "content")
    if case_id == "unmarked":
        write(project, "mine/letter.txt", "Kære borger.\n")


@pytest.mark.parametrize("check", [False, True], ids=["build", "check"])
@pytest.mark.parametrize("case_id, value, problem", REFUSED_SETTINGS, ids=[c[0] for c in REFUSED_SETTINGS])
def test_an_output_dir_that_is_not_the_builds_own_is_refused(project: Path, case_id: str, value: str, problem: str,
                                                             check: bool) -> None:
    _prepare(project, case_id)
    set_output(project, value)
    (project / ITEM).write_text((project / ITEM).read_text(encoding="utf-8") + "\nMere.\n", encoding="utf-8")
    before = tree(project)
    proc = cli(project, *(["--check"] if check else []))
    assert proc.returncode == 1
    clean(proc)
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"site_config.yml:4: error: the output folder output_dir '{value}' "), first
    assert first.endswith(problem.format(project=project)), first
    assert "hint: " in proc.stderr
    assert tree(project) == before


# (id, --out argument, expected end of the first message line)
REFUSED_OPTIONS = [
    ("docs", "docs", "is the handbook's sources (docs_dir of mkdocs.yml)"),
    ("content", "content", "is the content folder (content_dir)"),
    ("project", ".", "is the project's folder (it holds site_config.yml)"),
    ("file", "notes.txt", "is a file, not a folder"),
    ("config-file", "site_config.yml", "is a file, not a folder"),
    ("home", str(Path.home()), "is your home folder"),
    ("tilde", "~/public_html", "starts with '~', which only a shell expands: the build would write into a folder "
                               "named '~' inside the project, not your home folder"),
    ("unmarked", "mine", "is a folder with files that no build of agendasite wrote there (it has no "
                         ".agendasite-output file): the build replaces the output folder whole, so they would "
                         "be lost"),
]


@pytest.mark.parametrize("check", [False, True], ids=["build", "check"])
@pytest.mark.parametrize("case_id, value, problem", REFUSED_OPTIONS, ids=[c[0] for c in REFUSED_OPTIONS])
def test_an_out_option_that_is_not_the_builds_own_is_refused(project: Path, case_id: str, value: str, problem: str,
                                                             check: bool) -> None:
    _prepare(project, case_id)
    before = tree(project)
    proc = cli(project, "--out", value, *(["--check"] if check else []))
    assert proc.returncode == 1
    clean(proc)
    first = proc.stderr.splitlines()[0]
    assert first.startswith(f"--out: error: the output folder --out '{value}' "), first
    assert first.endswith(problem.format(project=project)), first
    assert tree(project) == before


def test_a_mount_point_is_refused_before_any_work(project: Path) -> None:
    if not os.path.ismount("/dev/shm"):
        pytest.skip("needs /dev/shm as a mount point")
    before = tree(project)
    proc = cli(project, "--out", "/dev/shm")
    assert proc.returncode == 1
    clean(proc)
    assert proc.stderr.startswith("--out: error: the output folder --out '/dev/shm' is a mount point: the build "
                                  "replaces the output folder whole, which a mount point cannot be\n")
    assert "hint: publish into a folder inside it, e.g. /dev/shm/site" in proc.stderr
    assert tree(project) == before


def test_the_default_site_an_empty_folder_and_a_symlink_to_a_folder_of_its_own_are_built(project: Path,
                                                                                           tmp_path_factory) -> None:
    again = cli(project, "--no-cache")  # site/ carries the marker: replaced
    assert again.returncode == 0, again.stderr
    (project / "empty").mkdir()
    assert cli(project, "--out", "empty").returncode == 0
    assert (project / "empty" / "index.html").is_file() and (project / "empty" / MARKER).is_file()
    www = tmp_path_factory.mktemp("www") / "agendas"
    (project / "published").symlink_to(www, target_is_directory=True)
    proc = cli(project, "--out", "published")
    assert proc.returncode == 0, proc.stderr
    assert (project / "published").is_symlink() and (www / "index.html").is_file()
    assert cli(project, "--out", "published", "--no-cache").returncode == 0  # the marker is found through it


def test_an_output_of_an_earlier_version_is_recognised_by_the_cache(project: Path) -> None:
    (project / "site" / MARKER).unlink()  # as an earlier version left it: no marker
    (project / ITEM).write_text((project / ITEM).read_text(encoding="utf-8") + "\nMere.\n", encoding="utf-8")
    assert cli(project, "--check").returncode == 0
    proc = cli(project)
    assert proc.returncode == 0, proc.stderr
    assert (project / "site" / MARKER).is_file() and "Mere." in (project / "site/2030-01-15-udvalget/1-1-forste/index.html"
                                                                 ).read_text(encoding="utf-8")


class _Opens:
    """Unpickled, it creates a file: a record that would run code if the build unpickled it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple:
        return (open, (str(self.path), "w"))


def _as_before_the_marker(project: Path, named: Path) -> Path:
    """The cache as a version from before the marker left it: no marker in site/, and no msgpack record but
    a fast.pickle naming the output `named` (its path, inode and device), with a payload that must never run."""
    import pickle

    (project / "site" / MARKER).unlink()
    record = next((project / ".cache" / "agendasite" / "state").glob("*/fast.msgpack"))
    for entry in record.parent.iterdir():
        entry.unlink()
    st = os.stat(named)
    ran = project.parent / f"{project.name}-unpickled"
    record.with_name("fast.pickle").write_bytes(pickle.dumps(
        (_Opens(ran), {"output": (str(named), st.st_ino, st.st_dev, st.st_mtime_ns)})))
    return ran


def test_an_output_of_a_version_with_pickles_is_recognised_without_unpickling(project: Path) -> None:
    ran = _as_before_the_marker(project, project / "site")
    assert cli(project, "--check").returncode == 0
    proc = cli(project)
    assert proc.returncode == 0, proc.stderr
    assert (project / "site" / MARKER).is_file() and not ran.exists()


def test_a_pickled_record_of_another_folder_does_not_make_the_output_ours(project: Path) -> None:
    (project / "other").mkdir()
    ran = _as_before_the_marker(project, project / "other")
    before = tree(project)
    proc = cli(project)
    assert proc.returncode == 1 and "is a folder with files that no build of agendasite wrote" in proc.stderr
    clean(proc)
    assert tree(project) == before and not ran.exists()


def test_an_output_without_marker_and_without_cache_record_is_refused(project: Path) -> None:
    import shutil

    (project / "site" / MARKER).unlink()
    shutil.rmtree(project / ".cache")
    before = tree(project)
    for args in ([], ["--check"], ["--no-cache"]):
        proc = cli(project, *args)
        assert proc.returncode == 1
        clean(proc)
        assert proc.stderr.startswith("site_config.yml: error: the output folder output_dir 'site' "
                                      f"({project}/site) is a folder with files that no build of agendasite wrote")
        assert tree(project) == before


def test_the_marker_is_not_listed_anywhere(project: Path) -> None:
    site = project / "site"
    assert (site / MARKER).read_text(encoding="utf-8").endswith("meetings: 1\n")
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".json", ".txt", ".js"):
            assert MARKER.encode() not in path.read_bytes(), path


# --- Point 8: an empty content folder ---------------------------------------------------------------------


def _empty_content(project: Path) -> None:
    import shutil

    shutil.rmtree(project / "content" / "2030-01-15-udvalget")


@pytest.mark.parametrize("args", [[], ["--check"], ["--no-cache"]], ids=["build", "check", "no-cache"])
def test_an_empty_content_folder_does_not_replace_the_site(project: Path, args: list[str]) -> None:
    _empty_content(project)
    before = tree(project)
    proc = cli(project, *args)
    assert proc.returncode == 1
    clean(proc)
    assert proc.stderr.startswith("content: error: the content folder 'content' holds no meeting: the build would "
                                  f"replace the published site in {project}/site (1 meeting(s)) with an empty one\n")
    assert "--allow-empty" in proc.stderr
    assert tree(project) == before


def test_allow_empty_publishes_an_empty_site_and_an_empty_site_may_be_rebuilt(project: Path) -> None:
    _empty_content(project)
    proc = cli(project, "--allow-empty")
    assert proc.returncode == 0, proc.stderr
    assert not (project / "site" / "2030-01-15-udvalget").exists()
    config = project / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: Test", "title: Tom"), encoding="utf-8")
    assert cli(project).returncode == 0  # the published site was empty already: nothing to lose
    assert "Tom" in (project / "site" / "index.html").read_text(encoding="utf-8")


# --- Point 2: a killed publish ----------------------------------------------------------------------------


def _change(project: Path) -> None:
    (project / ITEM).write_text((project / ITEM).read_text(encoding="utf-8").replace("Tekst.", "Ny tekst."),
                                encoding="utf-8")


def _kill_setup(project: Path, spare: bool) -> tuple[dict[str, str], dict[str, str]]:
    """The tiny site (search off: a small change) built into site/ (with `spare`, built again after a first
    change, so that the old site is kept beside it as the spare copy the next build writes into), then changed;
    returns the trees of the old output and of a clean build of the change."""
    search_off(project)
    assert cli(project).returncode == 0
    if spare:
        (project / ITEM).write_text((project / ITEM).read_text(encoding="utf-8") + "\nFørst.\n", encoding="utf-8")
        assert cli(project).returncode == 0
        assert (project / ".site.spare").is_dir()
    old = tree(project / "site")
    _change(project)
    assert cli(project, "--no-cache", "--out", "../clean").returncode == 0
    new = tree(project.parent / "clean")
    assert new != old
    return old, new


@pytest.fixture
def changed(tiny_site: Path) -> tuple[Path, dict[str, str], dict[str, str]]:
    """See _kill_setup (without a spare copy)."""
    return (tiny_site, *_kill_setup(tiny_site, False))


def _leftovers(project: Path) -> list[str]:
    return sorted(p.name for p in project.iterdir() if p.name.startswith(".site."))


STEPS = [("staged", ""), ("swapped", ""), ("published", ""), ("staged", "1"), ("aside", "1"), ("swapped", "1")]
MODES = ["incremental", "spare", "no-cache"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("step, no_exchange", STEPS,
                         ids=[f"{s}-{'renames' if n else 'exchange'}" for s, n in STEPS])
def test_a_build_killed_at_each_step_of_the_publish(tiny_site: Path, step: str, no_exchange: str, mode: str) -> None:
    project = tiny_site
    old, new = _kill_setup(project, mode == "spare")
    args = ["--no-cache"] if mode == "no-cache" else []
    env = {"AGENDASITE_TEST_KILL_AT": step, "AGENDASITE_TEST_NO_EXCHANGE": no_exchange}
    proc = cli(project, *args, env=env)
    assert proc.returncode == -signal.SIGKILL
    if step == "aside":  # two renames (no atomic exchange on this system): the one moment without an output
        assert not (project / "site").exists()
    else:
        assert tree(project / "site") == (old if step == "staged" else new)
    after = cli(project, *args, env={"AGENDASITE_TEST_NO_EXCHANGE": no_exchange})
    assert after.returncode == 0, after.stderr
    assert tree(project / "site") == new and _leftovers(project) in ([], [".site.spare"])
    _change_again = (project / ITEM).read_text(encoding="utf-8") + "\nSidst.\n"
    (project / ITEM).write_text(_change_again, encoding="utf-8")
    assert cli(project, *args).returncode == 0  # and the build after that (into the spare copy, if kept)
    assert cli(project, "--no-cache", "--out", "../clean2").returncode == 0
    assert tree(project / "site") == tree(project.parent / "clean2")


def test_a_failing_build_after_a_kill_between_the_renames_puts_the_old_site_back(changed) -> None:
    project, old, _new = changed
    proc = cli(project, env={"AGENDASITE_TEST_KILL_AT": "aside", "AGENDASITE_TEST_NO_EXCHANGE": "1"})
    assert proc.returncode == -signal.SIGKILL and not (project / "site").exists()
    (project / ITEM).write_bytes(b"\xff\xfe")
    failed = cli(project)
    assert failed.returncode == 1
    clean(failed)
    assert tree(project / "site") == old and _leftovers(project) == []


def test_the_exchange_keeps_the_output_folder_a_folder_at_every_moment(changed) -> None:
    """With the atomic exchange the old site is swapped out in the same step the new one comes in: a reader
    watching the output path during ten publishes never finds it missing or half."""
    project, old, new = changed
    import threading

    seen: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            try:
                names = os.listdir(project / "site")
            except FileNotFoundError:
                seen.append("missing")
                continue
            if MARKER not in names or "index.html" not in names:
                seen.append("half: " + ",".join(sorted(names)))

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        for n in range(10):
            (project / ITEM).write_text((project / ITEM).read_text(encoding="utf-8") + f"\n{n}\n", encoding="utf-8")
            assert cli(project).returncode == 0
    finally:
        stop.set()
        thread.join()
    assert seen == []


# --- Point 7: writing fails (a read-only or full disk), on real file systems -----------------------------


@pytest.fixture
def mounted(tmp_path: Path):
    """Mount a small tmpfs (needs root); yields a function that mounts it with options, unmounted after."""
    point = tmp_path / "disk"
    point.mkdir()
    mounted: list[Path] = []

    def mount(options: str) -> Path:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)], capture_output=True)
        if done.returncode != 0:
            pytest.skip("cannot mount a tmpfs here (needs root)")
        mounted.append(point)
        return point

    yield mount
    for path in mounted:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def test_a_read_only_output_location_names_the_folder_and_the_reason(tiny_site: Path, mounted) -> None:
    disk = mounted("size=4m")
    assert cli(tiny_site, "--out", str(disk / "site")).returncode == 0
    old = tree(disk / "site")
    _change(tiny_site)
    assert subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True).returncode == 0
    proc = cli(tiny_site, "--out", str(disk / "site"))
    assert proc.returncode == 1
    clean(proc)
    assert proc.stderr.startswith(f"--out: error: cannot write the site to {disk}/site: Read-only file system")
    assert "hint: the file system is mounted read-only: choose an output folder on a writable disk" in proc.stderr
    assert tree(disk / "site") == old


@pytest.mark.parametrize("search", [True, False], ids=["pagefind", "pages"])
def test_a_full_disk_names_the_folder_and_the_reason(tiny_site: Path, mounted, search: bool) -> None:
    if not search:
        search_off(tiny_site)
    probe = cli(tiny_site, "--out", "../probe")
    assert probe.returncode == 0, probe.stderr
    size = sum(-(-p.stat().st_size // 4096) * 4096 for p in (tiny_site.parent / "probe").rglob("*") if p.is_file())
    disk = mounted(f"size={size * 3 // 2}")  # room for the site, not for a second copy beside it
    assert cli(tiny_site, "--out", str(disk / "site")).returncode == 0
    old = tree(disk / "site")
    _change(tiny_site)
    proc = cli(tiny_site, "--out", str(disk / "site"), "--no-cache")
    assert proc.returncode == 1
    clean(proc)
    assert proc.stderr.startswith(f"--out: error: cannot write the site to {disk}/site: No space left on device")
    assert "Pagefind" not in proc.stderr and "Expecting value" not in proc.stderr
    assert "hint: free space on that disk" in proc.stderr
    assert tree(disk / "site") == old
    assert sorted(p.name for p in disk.iterdir()) == ["site"]



# --- The spare copy: a small change is written into the site swapped out by the last publish -----------

from .test_incremental import EDITS, _assert_same_as_clean, _build, _edit_item_text, _search, corpus  # noqa: E402,F401


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__.lstrip("_") for e in EDITS])
def test_a_build_into_the_spare_copy_equals_a_clean_build(corpus: Path, tmp_path: Path, edit) -> None:
    """Each kind of edit, built when a spare copy (two builds old) exists: the same bytes as a clean build,
    and the published files of the build before are never written through (their bytes stay)."""
    _search(corpus, False)
    out = tmp_path / "out"
    _build(corpus, out)
    _edit_item_text(corpus)
    _build(corpus, out)
    spare = tmp_path / ".out.spare"
    assert spare.is_dir()
    published = tree(out)
    inodes = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    edit(corpus)
    _build(corpus, out)
    kept = {p: ino for p, ino in inodes.items() if p.exists() and p.stat().st_ino == ino}
    assert kept  # unchanged files are shared, not copied
    swapped_out = tree(spare)  # the site of the build before, now the spare copy: byte for byte as published
    assert swapped_out == published
    _assert_same_as_clean(corpus, out, tmp_path)
