"""The ``themeclass`` command line.

Every command reads reports or units, writes JSON Lines (or CSV/JSON) to stdout or
to ``-o FILE``, and reports problems as one line on stderr naming the file and the
problem. Output files are written atomically: on failure nothing is left behind.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from pathlib import Path
from typing import IO, Callable, Iterator, Sequence

from . import __version__
from .api import Skipped, read, report_paths
from .atomic import atomic_write
from .errors import ThemeclassError


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """stdout for None or "-", else an atomically written file."""
    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
    else:
        with atomic_write(path) as fh:
            yield fh


def _read_each(paths: Sequence[str], skipped: list[Skipped]):
    for file in report_paths(paths):
        try:
            yield read(file)
        except ThemeclassError as err:
            skipped.append(Skipped(str(file), err.problem))


def _report_skipped(skipped: list[Skipped], total: int) -> int:
    if not skipped:
        return 0
    print(f"themeclass: skipped {len(skipped)} of {total} files:", file=sys.stderr)
    for s in skipped:
        print(f"  {s.path}: {s.problem}", file=sys.stderr)
    return 1


def cmd_segment(args: argparse.Namespace) -> int:
    skipped: list[Skipped] = []
    paths = report_paths(args.files)
    lines: list[str] = []
    for report in _read_each([str(p) for p in paths], skipped):
        lines.extend(json.dumps(u.to_dict(), ensure_ascii=False) for u in report.units)
    if len(skipped) == len(paths):
        if len(paths) == 1:
            raise ThemeclassError(skipped[0].problem, skipped[0].path)
        return _report_skipped(skipped, len(paths))
    with _output(args.output) as out:
        for line in lines:
            out.write(line + "\n")
    return _report_skipped(skipped, len(paths))


def cmd_info(args: argparse.Namespace) -> int:
    skipped: list[Skipped] = []
    paths = report_paths(args.files)
    rows = []
    for report in _read_each([str(p) for p in paths], skipped):
        row = report.metadata.to_dict()
        row["units"] = len(report.units)
        row["path"] = str(report.path)
        rows.append(row)
    if len(skipped) == len(paths) and len(paths) == 1:
        raise ThemeclassError(skipped[0].problem, skipped[0].path)
    with _output(args.output) as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, indent=None if args.output or len(rows) > 1 else 2) + "\n")
    return _report_skipped(skipped, len(paths))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="themeclass",
        description="Read Ofsted children's social care reports, tag themes and trace recurring weaknesses.",
    )
    parser.add_argument("--version", action="version", version=f"themeclass {__version__}")
    parser.add_argument("--debug", action="store_true", help="show a full traceback on unexpected errors")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("segment", help="cut reports into units; one JSON object per unit")
    p.add_argument("files", nargs="+", metavar="FILE", help="report files or folders (txt, PDF, HTML)")
    p.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    p.set_defaults(func=cmd_segment)

    p = sub.add_parser("info", help="print each report's metadata as JSON")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("-o", "--output", metavar="FILE")
    p.set_defaults(func=cmd_info)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except ThemeclassError as err:
        print(f"themeclass: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("themeclass: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as err:  # noqa: BLE001 - the last line of defence: no tracebacks for users
        if args.debug:
            raise
        print(f"themeclass: internal error: {type(err).__name__}: {err} (rerun with --debug for details)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
