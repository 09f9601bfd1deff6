"""The package's shape, checked as a compiler would: imports go one way (a stage imports only the stages below
it, never one above), no import cycle, small modules, small engine functions, each sub-package saying its job.

Every import counts, wherever it stands: at the top, inside a function, under `if TYPE_CHECKING:`. One
exemption: an import under TYPE_CHECKING does not make a cycle (it never runs), but it still may not point
upwards (it still ties the lower stage to the higher one).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "agendasite"

# Lowest first: a module may import its own stage and those before it in this list.
STAGES = ["base", "source", "compute", "markdown", "load", "plan", "render", "outputs", "finish", "engine", "cli"]
# The top-level modules beneath every stage (the model, its headings, the diagnostics, digests).
BASE_MODULES = ["model", "funding_model", "diagnostics", "digests", "headings"]
ENGINE_MODULES: list[str] = []  # every engine module is in engine/ now
MAX_MODULE_LINES = 300
MAX_ENGINE_FUNCTION_LINES = 60
# What `build.py --help` may load: the command line and what it needs to print its options.
HELP_MODULES = {"cli", "cli.main", "diagnostics", "engine", "engine.progress"}
HEAVY_LIBRARIES = ("jinja2", "markdown_it", "mdit_py_plugins", "babel", "yaml", "msgspec", "nh3", "icalendar")


@dataclass(frozen=True)
class Import:
    """One import of a module of the package by another."""

    source: str  # the importing module, relative to agendasite ("source.files")
    target: str
    line: int
    type_checking: bool


def _modules() -> dict[str, Path]:
    """Every module of the package by its dotted name relative to agendasite ("" is agendasite itself)."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _stage(module: str) -> str:
    """The stage of a module: its sub-package, or one of the lists above ("?" if none)."""
    head = module.split(".")[0]
    if module and (PACKAGE / head).is_dir():
        return head if head in STAGES else "?"
    if module == "" or module in BASE_MODULES:
        return "base"
    if module in ENGINE_MODULES:
        return "engine"
    return "?"


def _known(name: str) -> str | None:
    """The module of the package a dotted name (relative to agendasite) refers to: its longest known prefix."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name if name in MODULES else None


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                lines.update(range(child.lineno, (child.end_lineno or child.lineno) + 1))
    return lines


def _imports_of(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    guarded = _type_checking_lines(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = [p for p in package if p]
    out = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name.removeprefix("agendasite.") for a in node.names if a.name.startswith("agendasite.")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)] + ([node.module] if node.module else [])
                base_name = ".".join(base)
            elif node.module and (node.module == "agendasite" or node.module.startswith("agendasite.")):
                base_name = node.module.removeprefix("agendasite").lstrip(".")
            else:
                continue
            # `from pkg import module` imports the module; `from module import name` the module
            names = [f"{base_name}.{a.name}".lstrip(".") if f"{base_name}.{a.name}".lstrip(".") in MODULES
                     else base_name for a in node.names]
        for name in names:
            target = _known(name)
            if target is not None and target != module:
                out.append(Import(module, target, node.lineno, node.lineno in guarded))
    return out


IMPORTS = [imp for module, path in MODULES.items() for imp in _imports_of(module, path)]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _import_cycles() -> list[list[str]]:
    edges: dict[str, set[str]] = {m: set() for m in MODULES}
    for imp in IMPORTS:
        if not imp.type_checking:
            edges[imp.source].add(imp.target)
    return _cycles(edges)


def _shown(module: str) -> str:
    return f"agendasite.{module}" if module else "agendasite"


def test_every_module_belongs_to_a_stage():
    unplaced = [_shown(m) for m in MODULES if _stage(m) == "?"]
    assert not unplaced, f"put each module in a stage's package, or name it in BASE_MODULES/ENGINE_MODULES: {unplaced}"
    for name in BASE_MODULES + ENGINE_MODULES:
        assert name in MODULES, f"agendasite.{name} is named in a list of this test but does not exist"


def test_no_import_cycle_outside_the_engine():
    cycles = [c for c in _import_cycles() if not all(_stage(m) == "engine" for m in c)]
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(map(_shown, c)) for c in cycles)


def test_no_import_cycle_in_the_engine():
    cycles = _import_cycles()
    assert not cycles, "import cycles: " + "; ".join(" <-> ".join(map(_shown, c)) for c in cycles)


def test_imports_go_from_higher_stages_to_lower_ones():
    upward = [f"{_shown(i.source)}:{i.line} ({_stage(i.source)}) imports {_shown(i.target)} ({_stage(i.target)})"
              for i in IMPORTS if "?" not in (_stage(i.source), _stage(i.target))
              and STAGES.index(_stage(i.target)) > STAGES.index(_stage(i.source))]
    assert not upward, "imports from a lower stage into a higher one:\n" + "\n".join(upward)


def _long_modules() -> list[tuple[str, int]]:
    return [(m, n) for m, path in MODULES.items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES]


def test_no_module_over_300_lines_outside_the_engine():
    long = [f"{_shown(m)}: {n} lines" for m, n in _long_modules() if _stage(m) != "engine"]
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_engine_module_over_300_lines():
    long = [f"{_shown(m)}: {n} lines" for m, n in _long_modules()]
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_engine_function_over_60_lines():
    long = []
    for module, path in MODULES.items():
        if _stage(module) != "engine":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_ENGINE_FUNCTION_LINES:
                    long.append(f"{_shown(module)}:{node.lineno} {node.name}: {length} lines")
    assert not long, f"engine functions over {MAX_ENGINE_FUNCTION_LINES} lines: {long}"


def test_each_sub_package_says_its_job_and_imports_nothing():
    packages = sorted(p for p in PACKAGE.rglob("__init__.py") if p.parent != PACKAGE and "__pycache__" not in p.parts)
    assert packages, "the package has no sub-packages"
    for init in packages:
        tree = ast.parse(init.read_text(encoding="utf-8"))
        name = init.parent.relative_to(ROOT).as_posix()
        assert ast.get_docstring(tree), f"{name}/__init__.py has no docstring saying the package's job"
        imports = [n.lineno for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert not imports, f"{name}/__init__.py imports (lines {imports}): importing the package must stay cheap"


def test_the_help_loads_no_heavy_library_and_no_stage():
    code = ("import sys\nfrom agendasite.cli.main import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "usage:" in proc.stdout
    modules = set(proc.stdout.splitlines()[-1].split())
    heavy = sorted(m for m in modules if m.split(".")[0] in HEAVY_LIBRARIES)
    assert not heavy, f"`build.py --help` loads {heavy}"
    ours = {m.removeprefix("agendasite.") for m in modules if m.startswith("agendasite.")}
    assert ours <= HELP_MODULES, f"`build.py --help` loads {sorted(ours - HELP_MODULES)} of agendasite"
