"""The package's front: its public names, how it imports, and its shape."""

from __future__ import annotations

import ast
import subprocess
import sys
import types
from pathlib import Path

import pytest

import themeclass

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "themeclass"


def test_public_surface_is_pinned():
    assert themeclass.__all__ == [
        "DOC_TYPES", "LABELS", "THEMES", "Analysis", "Judgement", "Labelled", "Metadata", "Report", "ReportJudge", "Skipped",
        "ThemeClassifier", "ThemeModel", "ThemeResult", "ThemeSentiment", "ThemeclassError", "Trace", "Unit", "__version__",
        "analyse", "analyse_paths", "compare", "evaluate", "export_uncertain", "extract_metadata", "import_labels", "load",
        "load_labelled", "read", "read_all", "read_text", "report_paths", "save", "segment", "trace", "train",
    ]


@pytest.mark.parametrize("name", themeclass.__all__)
def test_every_public_name_resolves_to_a_function_class_or_value_not_a_module(name):
    value = getattr(themeclass, name)
    assert not isinstance(value, types.ModuleType)
    assert name in dir(themeclass)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'segment_text'"):
        themeclass.segment_text  # noqa: B018


def test_importing_the_package_is_quick_and_loads_neither_spacy_nor_scikit_learn():
    """Reading a trace and plotting it need neither spaCy nor scikit-learn."""
    code = ("import sys, time\nt = time.perf_counter()\nimport themeclass\nimport themeclass.tracing, themeclass.plots\n"
            "print(time.perf_counter() - t, 'spacy' in sys.modules, 'sklearn' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(3)]
    assert min(float(r[0]) for r in runs) < 0.3
    assert all(r[1:] == ["False", "False"] for r in runs)


# -- the shape of the package ---------------------------------------------------------------

def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package modules ``name`` imports, at any depth of its code (``if TYPE_CHECKING:`` blocks aside)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking(node):
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] == "themeclass":
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    found.add(sub if sub in known else target)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "themeclass")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in known and m != name}


def test_no_module_imports_the_package_front_or_forms_an_import_loop():
    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    for name, targets in graph.items():
        if name != "themeclass":
            assert "themeclass" not in targets, f"{name} imports the package's __init__"
    state: dict[str, str] = {}

    def walk(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                loop = trail[trail.index(nxt):] + [nxt] if nxt in trail else [node, nxt]
                raise AssertionError("import loop: " + " -> ".join(loop))
            if nxt not in state:
                walk(nxt, trail + [nxt])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state and name != "themeclass":
            walk(name, [name])


def test_the_import_check_sees_a_loop_when_there_is_one(tmp_path):
    """The check above must be able to fail: two modules importing each other."""
    (tmp_path / "a.py").write_text("from .b import x\n")
    (tmp_path / "b.py").write_text("def f():\n    from .a import y\n")
    known = {"themeclass.a": tmp_path / "a.py", "themeclass.b": tmp_path / "b.py"}
    graph = {n: imports(n, p, known) for n, p in known.items()}
    assert graph == {"themeclass.a": {"themeclass.b"}, "themeclass.b": {"themeclass.a"}}


def test_private_names_stay_inside_their_module():
    """Public modules, and no module reaches for another's ``_name``."""
    known = modules()
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("themeclass")):
                private = [a.name for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
                assert not private, f"{name} imports private {private} from {node.module}"


def test_every_module_has_a_test_file_of_its_own():
    names = {path.stem for path in modules().values() if path.name not in ("__init__.py", "version.py")}
    stems = [path.stem for path in modules().values() if path.name not in ("__init__.py",)]
    assert len(stems) == len(set(stems)), "module names must be unique for tests/test_<module>.py"
    missing = sorted(n for n in names if not (ROOT / "tests" / f"test_{n}.py").exists())
    assert not missing, f"modules without tests/test_<module>.py: {missing}"
