"""The project's documents stay in step with what they describe."""

import doctest
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CODEBOOK = ROOT.parent / "shared" / "CODEBOOK.md"
README = ROOT / "README.md"


@pytest.mark.skipif(not SHARED_CODEBOOK.exists(), reason="the shared folder is not beside this checkout")
def test_codebook_copy_matches_the_shared_codebook():
    assert (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8") == SHARED_CODEBOOK.read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    readme = README.read_text(encoding="utf-8")
    command = 'python3 -m pip install -e ".[dev]" && python3 -m pytest'
    assert command in readme
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_readme_examples_print_what_the_readme_shows(monkeypatch):
    """Issue 12 point 17: every ``>>>`` example of the README runs, and prints what it shows."""
    pytest.importorskip("pandas")
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    monkeypatch.chdir(ROOT)
    text = README.read_text(encoding="utf-8")
    examples = len(re.findall(r"^>>> ", text, re.M))
    assert examples >= 15
    failures, tried = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS,
                                       verbose=False, report=True)
    assert tried == examples and failures == 0


def test_the_readme_names_the_commands_that_measured_its_figures():
    readme = README.read_text(encoding="utf-8")
    for script in sorted((ROOT / "benchmarks").glob("*.py")):
        if script.name not in ("metadata_check.py", "pdf_reader_check.py", "learning_curve.py"):
            assert f"benchmarks/{script.name}" in readme, f"{script.name} is not cited in the README"
