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

from .api import read, read_all, report_paths
from .errors import ThemeclassError
from .metadata import extract_metadata
from .readers import read_text
from .report import DOC_TYPES, Metadata, Report, Unit
from .evidence import ThemeResult
from .model import ThemeModel, load
from .trace import Trace, trace
from . import component as component  # noqa: F401  (registers the "themeclass" spaCy component)
from . import segment  # the module: themeclass.segment.segment(text) cuts text into units

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
