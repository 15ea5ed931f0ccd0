"""themeclass: read Ofsted children's social care reports, tag paragraphs by theme and
sentiment, and trace recurring weaknesses across reports, authorities and years.

>>> import themeclass
>>> report = themeclass.read("corpus/reports/liverpool_2023-05_ilacs.txt.gz")
>>> report.metadata.authority
'Liverpool'
>>> analysed = themeclass.analyse(path="corpus/reports/liverpool_2023-05_ilacs.txt.gz")
>>> sorted({theme for unit in analysed.units for theme in unit.themes})
['care_leavers', 'permanence', 'risk_response', 'sufficiency', 'supervision']

The names below are the public API (``__all__``, pinned by a test). They load on
first use (PEP 562), so ``import themeclass`` is quick and does not import spaCy
or scikit-learn until something needs them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from .codebook import LABELS, THEMES
from .errors import ThemeclassError
from .report import DOC_TYPES, Metadata, Report, Skipped, ThemeResult, Unit
from .version import __version__

#: Public name -> the module that defines it (imported when the name is first used).
_LAZY = {
    # reading
    "read": "reading.read", "read_all": "reading.read", "read_text": "reading.read", "report_paths": "reading.read",
    "extract_metadata": "reading.metadata", "segment": "reading.segment",
    # models
    "ThemeModel": "model.predictor", "load": "model.format", "save": "model.format",
    "analyse": "analysis", "analyse_paths": "analysis", "Analysis": "analysis",
    # learning
    "Labelled": "learning.dataset", "load_labelled": "learning.dataset",
    "ThemeClassifier": "learning.classify", "ThemeSentiment": "learning.sentiment",
    "train": "learning.train", "evaluate": "learning.evaluate", "compare": "learning.evaluate",
    "export_uncertain": "label", "import_labels": "label",
    # judging and tracing
    "ReportJudge": "judge", "Judgement": "judge", "Trace": "tracing", "trace": "tracing",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # for type checkers and IDEs: the names above, eagerly
    from .analysis import Analysis, analyse, analyse_paths  # noqa: F401
    from .judge import Judgement, ReportJudge  # noqa: F401
    from .label import export_uncertain, import_labels  # noqa: F401
    from .learning.classify import ThemeClassifier  # noqa: F401
    from .learning.dataset import Labelled, load_labelled  # noqa: F401
    from .learning.evaluate import compare, evaluate  # noqa: F401
    from .learning.sentiment import ThemeSentiment  # noqa: F401
    from .learning.train import train  # noqa: F401
    from .model.format import load, save  # noqa: F401
    from .model.predictor import ThemeModel  # noqa: F401
    from .reading.metadata import extract_metadata  # noqa: F401
    from .reading.read import read, read_all, read_text, report_paths  # noqa: F401
    from .reading.segment import segment  # noqa: F401
    from .tracing import Trace, trace  # noqa: F401

__all__ = [
    "DOC_TYPES",
    "LABELS",
    "THEMES",
    "Analysis",
    "Judgement",
    "Labelled",
    "Metadata",
    "Report",
    "ReportJudge",
    "Skipped",
    "ThemeClassifier",
    "ThemeModel",
    "ThemeResult",
    "ThemeSentiment",
    "ThemeclassError",
    "Trace",
    "Unit",
    "__version__",
    "analyse",
    "analyse_paths",
    "compare",
    "evaluate",
    "export_uncertain",
    "extract_metadata",
    "import_labels",
    "load",
    "load_labelled",
    "read",
    "read_all",
    "read_text",
    "report_paths",
    "save",
    "segment",
    "trace",
    "train",
]
