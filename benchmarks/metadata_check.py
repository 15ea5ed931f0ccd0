"""Check :func:`themeclass.reading.metadata.extract_metadata` against the corpus manifest.

    python benchmarks/metadata_check.py [CORPUS_DIR] [--quiet]

CORPUS_DIR (default /work/shared/corpus/raw) holds the report .txt files,
MANIFEST.tsv and, for grades, dataset_ilacs-sif_judgements_history_d2i.csv.
Prints authority and type accuracy (listing every miss), publication and
inspection date agreement, and grade agreement with the D2I judgements table on
the ILACS reports it grades (plus a cross-check against the independent GOV.UK
2023 latest-judgements table). The manifest and the tables are used only here,
to score; extraction sees the text alone (the file name is passed as the report
id and nothing else). Where a table contradicts the report text, the verified
cases are listed in D2I_KNOWN_WRONG / GOV_KNOWN_WRONG and counted separately.

Exit status 0 when the bars are met (authority and type right for every report,
grades agree on >= 98% of graded ILACS reports), 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import re
import sys
import time
from collections import Counter
from datetime import date, datetime
from pathlib import Path

try:
    from themeclass.reading.metadata import extract_metadata, normalise_authority, normalise_grade
except ImportError:  # run from a checkout without installing
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from themeclass.reading.metadata import extract_metadata, normalise_authority, normalise_grade

DEFAULT_CORPUS = Path("/work/shared/corpus/raw")
D2I_FILE = "dataset_ilacs-sif_judgements_history_d2i.csv"
GOV_FILE = "dataset_ilacs_latest_judgements_2023_gov.csv"  # independent cross-check
GOV_COLUMNS = [
    ("overall_effectiveness", "Overall effectiveness"),
    ("impact_of_leaders", "Impact of leaders"),
    ("help_and_protection", "Experiences and progress of children who need help and protection"),
    ("children_in_care", "Experiences and progress of children in care"),
    ("care_leavers", "Experiences and progress of care leavers"),
]
JUDGEMENTS = [
    ("overall_effectiveness", "overall_effectiveness_grade"),
    ("impact_of_leaders", "impact_of_leaders_grade"),
    ("help_and_protection", "help_and_protection_grade"),
    ("children_in_care", "in_care_grade"),
    ("care_leavers", "care_leavers_grade"),
]
# D2I values meaning "this report has no such judgement".
D2I_NONE = {"inspection_pre_dates_judgement", "not_reported_post_reform"}
D2I_UNREADABLE = {"data_unreadable"}

# D2I values that contradict the report text, each checked by reading the
# judgement table on the report's first page: (corpus file, judgement) ->
# (what the report prints, None = no such judgement; why).  Counted and listed
# as D2I errors, not as extraction misses.
D2I_KNOWN_WRONG: dict[tuple[str, str], tuple[str | None, str]] = {
    ("oxfordshire_2018-05_ilacs.txt", "children_in_care"): (
        "good",
        "table prints 'children in care and care leavers: Good' (help and protection is the"
        " 'Requires improvement to / be good' row)",
    ),
    ("rochdale_2018-03_ilacs.txt", "children_in_care"): (
        "good",
        "table prints 'children in care and care leavers: Good' (the rows around it are"
        " 'Requires improvement to / be good')",
    ),
    ("st-helens_2023-09_ilacs.txt", "help_and_protection"): (
        "requires_improvement",
        "table prints help and protection 'Requires improvement to be good'; D2I's row values look shifted by one",
    ),
    ("st-helens_2023-09_ilacs.txt", "children_in_care"): (
        "good",
        "table prints children in care 'Good'; D2I shifted by one row",
    ),
    ("st-helens_2023-09_ilacs.txt", "care_leavers"): (
        "outstanding",
        "table prints care leavers 'Outstanding'; D2I shifted by one row",
    ),
    ("nottingham_2022-09_ilacs.txt", "care_leavers"): (
        None,
        "2022 report has one combined judgement 'children in care and care leavers' (RI);"
        " no separate care-leavers judgement to be 'inadequate'",
    ),
    ("redcar-and-cleveland_2022-09_ilacs.txt", "care_leavers"): (
        None,
        "2022 report has one combined judgement 'children in care and care leavers';"
        " no separate care-leavers judgement",
    ),
}

# Same idea for the GOV.UK table: (corpus file, judgement) -> (report value, why).
GOV_KNOWN_WRONG: dict[tuple[str, str], tuple[str | None, str]] = {
    ("swindon_2023-09_ilacs.txt", "children_in_care"): (
        "inadequate",
        "table prints children in care 'Inadequate' (D2I agrees); GOV.UK gives the care-leavers grade here too",
    ),
}

_MONTHS = "january february march april may june july august september october november december".split()


def _read_report(corpus: Path, name: str) -> str | None:
    """Text of a manifest entry: plain .txt or gzipped .txt.gz, at the manifest's
    path or under reports/ (the layout of the repository's corpus/ folder)."""
    for rel in (name, f"reports/{name}"):
        for cand in (corpus / rel, corpus / f"{rel}.gz"):
            if cand.exists():
                if cand.suffix == ".gz":
                    return gzip.decompress(cand.read_bytes()).decode("utf-8", errors="replace")
                return cand.read_text(encoding="utf-8", errors="replace")
    return None


def _stem(name: str) -> str:
    """reports/x.txt.gz -> x.txt (the keys of the *_KNOWN_WRONG tables)."""
    return os.path.basename(name).removesuffix(".gz")


def _dataset(corpus: Path, name: str) -> Path:
    for cand in (corpus / name, corpus / "datasets" / name):
        if cand.exists():
            return cand
    return corpus / name


def expected_type(row: dict) -> str:
    return "send" if row["subtype"] == "area_send_inspection" else row["type"]


def _parse_visit_text(s: str, year_hint: int) -> tuple[date | None, date | None]:
    """Manifest visit_dates_text -> (start, end); end None when only one date is given."""
    s = s.strip().replace("\u2013", "-").replace("\u2014", "-")
    if not s:
        return None, None
    s = re.sub(  # 12/09/2016 -> 12 september 2016
        r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b",
        lambda m: f"{int(m[1])} {_MONTHS[int(m[2]) - 1]} {m[3]}" if 1 <= int(m[2]) <= 12 else m[0],
        s,
    )
    tokens = re.findall(r"\d{4}|\d{1,2}|[A-Za-z]+", s)
    dates: list[list] = []  # [day, month, year]
    for tok in tokens:
        low = tok.lower()
        if tok.isdigit() and len(tok) <= 2:
            dates.append([int(tok), None, None])
        elif tok.isdigit():
            for d in dates:
                if d[2] is None:
                    d[2] = int(tok)
        elif low in _MONTHS or low[:3] in [m[:3] for m in _MONTHS] and len(low) >= 3:
            mi = [m[:3] for m in _MONTHS].index(low[:3]) + 1
            for d in dates:
                if d[1] is None:
                    d[1] = mi
    out = []
    for d, m, y in dates:
        if m is None:
            return None, None
        try:
            out.append(date(y or year_hint, m, d))
        except ValueError:
            return None, None
    if not out:
        return None, None
    if len(out) == 1:
        return out[0], None
    return out[0], out[-1]


def _d2i_date(s: str) -> date | None:
    for fmt in ("%d/%m/%y", "%d/%m/%Y"):
        try:
            return datetime.strptime(s.strip(), fmt).date()
        except ValueError:
            pass
    return None


def pct(a: int, b: int) -> str:
    return f"{a}/{b} ({100.0 * a / b:.1f}%)" if b else "0/0"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    ap.add_argument("--quiet", action="store_true", help="print figures only, no miss lists")
    args = ap.parse_args(argv)
    corpus = Path(args.corpus)
    manifest_path = corpus / "MANIFEST.tsv"
    if not manifest_path.exists():
        print(f"{manifest_path}: not found", file=sys.stderr)
        return 2
    rows = list(csv.DictReader(manifest_path.open(encoding="utf-8"), delimiter="\t"))
    say = (lambda *a: None) if args.quiet else print

    texts = {}
    for r in rows:
        text = _read_report(corpus, r["file"])
        if text is not None:
            texts[r["file"]] = text
    if not texts:
        print(f"{corpus}: no report texts found", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    metas = {f: extract_metadata(t, f) for f, t in texts.items()}
    elapsed = time.perf_counter() - t0
    rows = [r for r in rows if r["file"] in metas]
    n = len(rows)
    print(f"reports: {n} (extraction {elapsed:.2f}s, {1000 * elapsed / max(n, 1):.1f} ms/report)")

    # ---- authority
    ok = 0
    misses = []
    for r in rows:
        want = normalise_authority(r["local_authority"])
        got = metas[r["file"]].authority
        if want is None:
            misses.append(f"  {r['file']}: manifest name {r['local_authority']!r} not normalisable")
        elif got == want:
            ok += 1
        else:
            misses.append(f"  {r['file']}: got {got!r}, expected {want!r}")
    print(f"authority: {pct(ok, n)}")
    for m in misses:
        say(m)
    auth_ok = ok == n

    # ---- type
    ok = 0
    misses = []
    confusion: Counter = Counter()
    for r in rows:
        want, got = expected_type(r), metas[r["file"]].type
        confusion[(want, got)] += 1
        if want == got:
            ok += 1
        else:
            misses.append(f"  {r['file']}: got {got!r}, expected {want!r} ({r['subtype']})")
    print(f"type: {pct(ok, n)}")
    by_type = Counter(expected_type(r) for r in rows)
    print("  per type: " + ", ".join(f"{t} {confusion[(t, t)]}/{c}" for t, c in sorted(by_type.items())))
    for m in misses:
        say(m)
    type_ok = ok == n

    # ---- publication date
    have = agree = near = 0
    misses = []
    none_by_type: Counter = Counter()
    for r in rows:
        got = metas[r["file"]].published
        if got is None:
            none_by_type[expected_type(r)] += 1
            continue
        have += 1
        want = date.fromisoformat(r["date"])
        if got == want:
            agree += 1
        else:
            misses.append(f"  {r['file']}: printed {got}, manifest {want} ({(want - got).days:+d} days)")
        if abs((want - got).days) <= 7:
            near += 1
    print(
        f"publication date: printed in {pct(have, n)}; agrees with manifest date in {pct(agree, have)},"
        f" within 7 days in {pct(near, have)}"
    )
    say("  (a letter's date and its web publication date can differ by a few days)")
    print("  not printed, by type: " + ", ".join(f"{t} {c}" for t, c in sorted(none_by_type.items())))
    for m in misses:
        say(m)

    # ---- inspection dates
    comparable = agree = found = 0
    misses = []
    for r in rows:
        meta = metas[r["file"]]
        if meta.inspection_start:
            found += 1
        year_hint = int(r["date"][:4])
        ws, we = _parse_visit_text(r["visit_dates_text"], year_hint)
        if ws is None:
            continue
        comparable += 1
        good = meta.inspection_start == ws and (we is None or meta.inspection_end == we)
        if good:
            agree += 1
        else:
            why = ""
            if meta.inspection_start == ws and we and meta.inspection_end and meta.inspection_end > we:
                why = " (report prints a second, later period; manifest gives the first)"
            misses.append(
                f"  {r['file']}: got {meta.inspection_start}..{meta.inspection_end},"
                f" manifest {r['visit_dates_text']!r}{why}"
            )
    print(f"inspection dates: found in {pct(found, n)}; agree with manifest visit_dates_text in {pct(agree, comparable)}")
    for m in misses:
        say(m)

    # ---- grades vs D2I
    d2i_path = _dataset(corpus, D2I_FILE)
    grades_ok = True
    if d2i_path.exists():
        d2i = {}
        for d in csv.DictReader(d2i_path.open(encoding="utf-8-sig")):
            d2i[(d["urn"], d["pdf_filename"])] = d
        graded = whole = whole_raw = 0
        per = Counter()
        per_n = Counter()
        per_raw = Counter()
        d2i_wrong = 0
        d2i_blank: list[str] = []
        misses = []
        for r in rows:
            if expected_type(r) != "ilacs":
                continue
            d = d2i.get((r["ofsted_urn"], os.path.basename(r["source_path"])))
            if d is None:
                continue
            values = {k: d[col].strip() for k, col in JUDGEMENTS}
            if all(v in D2I_UNREADABLE or v == "" for v in values.values()):
                continue
            graded += 1
            got = metas[r["file"]].grades
            for key, v in values.items():
                if v == "" and got.get(key):
                    d2i_blank.append(f"  {r['file']}: D2I {key} blank, report prints {got[key]!r}")
            report_ok = raw_ok = True
            why = []
            for key, _col in JUDGEMENTS:
                v = values[key]
                if v == "":
                    continue  # D2I left it blank: nothing to compare
                want = None if v in D2I_NONE else normalise_grade(v)
                per_n[key] += 1
                known = D2I_KNOWN_WRONG.get((_stem(r["file"]), key))
                if got.get(key) == want:
                    per[key] += 1
                    per_raw[key] += 1
                elif known is not None and got.get(key) == known[0]:
                    per[key] += 1
                    d2i_wrong += 1
                    raw_ok = False
                    why.append(f"{key}: D2I {v!r}, got {got.get(key)!r} as printed (D2I error: {known[1]})")
                else:
                    report_ok = raw_ok = False
                    why.append(f"{key}: got {got.get(key)!r}, D2I {v!r}")
            if report_ok:
                whole += 1
            if raw_ok:
                whole_raw += 1
            if why:
                misses.append(f"  {r['file']}: " + "; ".join(why))
        print(f"grades (ILACS reports graded by D2I): {graded}")
        print(f"  whole report agrees with D2I as is: {pct(whole_raw, graded)}")
        print(f"  whole report agrees after {d2i_wrong} verified D2I errors: {pct(whole, graded)}")
        print("  per judgement (as is / after D2I errors):")
        for key, _col in JUDGEMENTS:
            print(f"    {key}: {pct(per_raw[key], per_n[key])} / {pct(per[key], per_n[key])}")
        for m in misses:
            say(m)
        if d2i_blank:
            print(f"  D2I blank where the report prints a grade (not compared): {len(d2i_blank)}")
            for m in d2i_blank:
                say(m)
        grades_ok = graded > 0 and whole / graded >= 0.98
    else:
        print(f"grades: {d2i_path.name} not found, skipped")

    # ---- independent cross-check: GOV.UK latest judgements (mid-2023)
    gov_path = _dataset(corpus, GOV_FILE)
    if gov_path.exists():
        by_key = {}
        for r in rows:
            meta = metas[r["file"]]
            if meta.type == "ilacs" and meta.inspection_start:
                by_key[(meta.authority, meta.inspection_start)] = (r["file"], meta)
        matched = agree = gov_wrong = 0
        misses = []
        for g in csv.DictReader(gov_path.open(encoding="utf-8-sig")):
            start = _d2i_date(g["Inspection date"])
            hit = by_key.get((normalise_authority(g["Local authority name"]), start))
            if hit is None:
                continue
            matched += 1
            file, meta = hit
            diffs = []
            for key, col in GOV_COLUMNS:
                want = normalise_grade(g[col]) if g[col].strip() else None
                known = GOV_KNOWN_WRONG.get((_stem(file), key))
                if meta.grades.get(key) == want:
                    continue
                if known is not None and meta.grades.get(key) == known[0]:
                    gov_wrong += 1
                    say(f"  {file}: {key}: GOV.UK {g[col]!r}, got {known[0]!r} as printed (GOV.UK error: {known[1]})")
                    continue
                diffs.append(f"{key}: got {meta.grades.get(key)!r}, GOV.UK {g[col]!r}")
            if diffs:
                misses.append(f"  {file}: " + "; ".join(diffs))
            else:
                agree += 1
        print(
            f"grades vs GOV.UK 2023 latest-judgements table (independent of D2I): whole report agrees"
            f" {pct(agree, matched)} after {gov_wrong} verified GOV.UK error(s)"
        )
        for m in misses:
            say(m)

    met = auth_ok and type_ok and grades_ok
    print("bars met" if met else "bars NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
