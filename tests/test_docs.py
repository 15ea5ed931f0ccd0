"""The project's documents stay in step with what they describe."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_CODEBOOK = ROOT.parent / "shared" / "CODEBOOK.md"


@pytest.mark.skipif(not SHARED_CODEBOOK.exists(), reason="the shared folder is not beside this checkout")
def test_codebook_copy_matches_the_shared_codebook():
    assert (ROOT / "docs" / "CODEBOOK.md").read_text(encoding="utf-8") == SHARED_CODEBOOK.read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = 'python3 -m pip install -e ".[dev]" && python3 -m pytest'
    assert command in readme
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
