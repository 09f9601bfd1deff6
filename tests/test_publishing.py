"""The CI workflows: linted with actionlint, and doing what the handbook says they do."""

from __future__ import annotations

import platform
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from agendasite.cli.main import make_parser

from .conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
PAGES = WORKFLOWS / "pages.yml"
GITLAB = ROOT / ".gitlab-ci.yml"


def _actionlint() -> str:
    """The actionlint binary that the test extra installs (where a wheel with the binary exists)."""
    found = shutil.which("actionlint") or shutil.which("actionlint", path=str(Path(sys.executable).parent))
    supported = (sys.platform == "linux" and platform.machine() == "x86_64") or sys.platform == "win32"
    if found is None and not supported:
        pytest.skip("no actionlint wheel for this platform")
    assert found, "actionlint is missing: pip install -e '.[test]' installs it"
    return found


def _load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _uses(workflow: dict) -> dict[str, dict]:
    return {step["uses"].split("@")[0]: step for step in _steps(workflow) if "uses" in step}


def _build_commands(lines: list[str]) -> list[list[str]]:
    return [shlex.split(line)[2:] for line in lines if line.startswith("python build.py")]


def test_actionlint_finds_nothing_in_the_workflows():
    files = sorted(str(p.relative_to(ROOT)) for p in WORKFLOWS.glob("*.yml"))
    assert files == [".github/workflows/pages.yml", ".github/workflows/pull-request.yml"]
    done = subprocess.run([_actionlint(), "-no-color", "-oneline", *files], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""


def test_actionlint_would_catch_a_broken_workflow(tmp_path: Path):
    broken = PULL_REQUEST.read_text(encoding="utf-8").replace("retention-days:", "retention-dayz:")
    path = tmp_path / "broken.yml"
    path.write_text(broken, encoding="utf-8")
    done = subprocess.run([_actionlint(), "-no-color", "-oneline", str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode != 0 and "retention-dayz" in done.stdout


def test_pull_requests_run_the_tests_build_strictly_and_upload_a_preview():
    workflow = _load(PULL_REQUEST)
    assert "pull_request" in workflow["on"]
    runs = [step["run"] for step in _steps(workflow) if "run" in step]
    assert "bash .ci/run" in runs
    commands = _build_commands(runs)
    assert commands and all("--strict" in args for args in commands)
    for args in commands:
        make_parser().parse_args(args)  # the CLI accepts exactly these arguments
    upload = _uses(workflow)["actions/upload-artifact"]
    out = make_parser().parse_args(commands[0]).out
    assert upload["with"]["path"].rstrip("/") == str(out)


def test_merges_to_main_build_with_the_cache_and_deploy_to_pages():
    workflow = _load(PAGES)
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    assert workflow["concurrency"]["group"]
    uses = _uses(workflow)
    assert {"actions/cache", "actions/configure-pages", "actions/upload-pages-artifact",
            "actions/deploy-pages"} <= set(uses)
    assert uses["actions/cache"]["with"]["path"] == ".cache/agendasite"
    runs = [step["run"] for step in _steps(workflow) if "run" in step]
    assert any("SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)" in run for run in runs)
    commands = _build_commands(runs)
    assert len(commands) == 1 and "--strict" in commands[0]
    out = make_parser().parse_args(commands[0]).out
    assert uses["actions/upload-pages-artifact"]["with"]["path"].rstrip("/") == str(out)
    steps = _steps(workflow)
    order = [s.get("uses", "").split("@")[0] or s.get("run", "") for s in steps]
    assert order.index("actions/cache") < next(i for i, s in enumerate(order) if s.startswith("python build.py"))


def test_gitlab_pages_job_publishes_public_with_a_cache():
    ci = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    assert {"image", "cache", "stages", "pages", "test"} <= set(ci)
    assert ".cache/agendasite" in ci["cache"]["paths"]
    assert any("SOURCE_DATE_EPOCH" in line and "git log -1 --format=%ct" in line for line in ci["before_script"])
    pages = ci["pages"]
    assert pages["stage"] in ci["stages"]
    assert pages["artifacts"]["paths"] == ["public"]
    assert pages["artifacts"]["exclude"] == ["public/.agendasite-output"]  # the build's marker is not published
    assert any("$CI_DEFAULT_BRANCH" in rule["if"] for rule in pages["rules"])
    commands = _build_commands(pages["script"])
    assert len(commands) == 1 and "--strict" in commands[0]
    assert str(make_parser().parse_args(commands[0]).out) == "public"
    test = ci["test"]
    assert "bash .ci/run" in test["script"] and test["artifacts"]["paths"] == ["public"]
    assert any("merge_request_event" in rule["if"] for rule in test["rules"])
