"""One exception type for every problem a user can fix, so the CLI can print one line."""

from __future__ import annotations

from pathlib import Path


class ThemeclassError(Exception):
    """A problem with an input or output file, phrased for the person who supplied it.

    ``str(err)`` is one line: ``"<path>: <problem>"`` (or just the problem when no
    file is involved). The CLI prints exactly that and exits non-zero.
    """

    def __init__(self, problem: str, path: str | Path | None = None) -> None:
        self.problem = problem
        self.path = None if path is None else str(path)
        super().__init__(f"{self.path}: {problem}" if self.path else problem)
