"""themeclass: read Ofsted children's social care reports, tag paragraphs by theme and
sentiment, and trace recurring weaknesses across reports, authorities and years.

>>> import themeclass
>>> report = themeclass.read("corpus/reports/liverpool_2023-05_ilacs.txt.gz")  # doctest: +SKIP
>>> report.metadata.authority                                                   # doctest: +SKIP
'Liverpool'
"""

from __future__ import annotations

__version__ = "0.1.0"

from .api import read, read_all, report_paths
from .errors import ThemeclassError
from .metadata import extract_metadata
from .readers import read_text
from .report import DOC_TYPES, Metadata, Report, Unit
from . import segment  # the module: themeclass.segment.segment(text) cuts text into units

__all__ = [
    "DOC_TYPES",
    "Metadata",
    "Report",
    "ThemeclassError",
    "Unit",
    "__version__",
    "extract_metadata",
    "read",
    "read_all",
    "read_text",
    "report_paths",
    "segment",
]
