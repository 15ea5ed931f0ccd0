"""Copy the redistributable reports from ``shared/corpus/raw`` into ``corpus/reports``.

Ships every report whose licence basis allows redistribution: ``ogl_printed``
(the Open Government Licence printed in the document) and
``none_printed_default_ogl`` (no notice printed; Ofsted publications are OGL v3.0
unless otherwise stated). Leaves out ``noncommercial_printed`` reports: their own
pre-OGL notice allows reproduction only for non-commercial purposes, which an
MIT-licensed package cannot promise its users. Files are gzip-compressed with a
fixed timestamp, so rebuilding gives byte-identical files.

    python scripts/build_corpus.py [--raw ../shared/corpus/raw] [--out corpus]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REDISTRIBUTABLE = {"ogl_printed", "none_printed_default_ogl"}
DATASETS = ("dataset_ilacs-sif_judgements_history_d2i.csv", "dataset_la_lookup_d2i.csv")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", type=Path, default=ROOT.parent / "shared" / "corpus" / "raw")
    parser.add_argument("--out", type=Path, default=ROOT / "corpus")
    args = parser.parse_args()
    with (args.raw / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t")
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    keep = [r for r in rows if r["licence_basis"] in REDISTRIBUTABLE]
    reports = args.out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    for row in keep:
        data = (args.raw / row["file"]).read_bytes()
        buf = io.BytesIO()
        with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
            gz.write(data)
        (reports / (row["file"] + ".gz")).write_bytes(buf.getvalue())
    with (args.out / "MANIFEST.tsv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        for row in keep:
            writer.writerow({**row, "file": "reports/" + row["file"] + ".gz"})
    datasets = args.out / "datasets"
    datasets.mkdir(exist_ok=True)
    for name in DATASETS:
        (datasets / name).write_bytes((args.raw / name).read_bytes())
    left_out = len(rows) - len(keep)
    print(f"shipped {len(keep)} reports to {reports}; left out {left_out} (noncommercial_printed)")


if __name__ == "__main__":
    main()
