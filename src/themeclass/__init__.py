"""themeclass: read Ofsted children's social care reports, tag paragraphs by theme and
sentiment, and trace recurring weaknesses across reports, authorities and years.

>>> import themeclass
>>> report = themeclass.read("corpus/reports/liverpool_2023-05_ilacs.txt.gz")
>>> report.metadata.authority
'Liverpool'
>>> model = themeclass.load()               # the shipped default model
>>> analysed = model.analyse("corpus/reports/liverpool_2023-05_ilacs.txt.gz")
>>> sorted({theme for unit in analysed.units for theme in unit.themes})
['care_leavers', 'permanence', 'risk_response', 'sufficiency', 'supervision']
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib
from typing import TYPE_CHECKING

from .errors import ThemeclassError
from .report import DOC_TYPES, Metadata, Report, Unit
from .trace import Trace, trace  # eager: the function must win over the submodule of the same name

# The rest loads on first use (PEP 562), so that ``themeclass classify`` does not
# pay for the readers, segmenter and metadata it never calls.
_LAZY = {
    "read": "api", "read_all": "api", "report_paths": "api", "extract_metadata": "metadata",
    "read_text": "readers", "ThemeResult": "evidence", "ThemeModel": "model", "load": "model",
}


_SUBMODULES = {
    "analyse", "api", "atomic", "classify", "cli", "component", "corpus", "evaluate", "evidence", "features",
    "label", "metadata", "model", "plots", "readers", "report", "rules", "segment", "sentiment", "trace",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:  # e.g. themeclass.segment.segment(text) cuts text into units
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY) | _SUBMODULES)


if TYPE_CHECKING:  # for type checkers and IDEs: the names above, eagerly
    from . import segment  # noqa: F401
    from .api import read, read_all, report_paths  # noqa: F401
    from .evidence import ThemeResult  # noqa: F401
    from .metadata import extract_metadata  # noqa: F401
    from .model import ThemeModel, load  # noqa: F401
    from .readers import read_text  # noqa: F401

__all__ = [
    "DOC_TYPES",
    "Metadata",
    "Report",
    "ThemeModel",
    "ThemeResult",
    "ThemeclassError",
    "Trace",
    "Unit",
    "__version__",
    "extract_metadata",
    "load",
    "read",
    "read_all",
    "read_text",
    "report_paths",
    "segment",
    "trace",
]
