"""Report-level judgements checked against Ofsted's own grades.

Ofsted grades each full inspection's areas (outstanding, good, requires
improvement, inadequate). For each theme the matching area is
(``themeclass.judge.GRADED_AREA``): risk response ↔ help and protection,
supervision ↔ impact of leaders, permanence and sufficiency ↔ children in care
(Ofsted grades no sufficiency area: a proxy), care leavers ↔ care leavers. A
theme *is* a weakness of a report when its area is graded requires improvement
or inadequate.

Grades come from data nobody here wrote: the D2I judgement table
(``corpus/datasets/dataset_ilacs-sif_judgements_history_d2i.csv``) for ILACS
reports, with the few D2I errors listed in ``benchmarks/metadata_check.py``
corrected; the D2I table parses no SIF grades, so for SIF reports (2014–2018)
the grades printed in the report's own judgement table, as
``themeclass.extract_metadata`` reads them (checked against D2I on ILACS
reports by ``metadata_check.py``).

**Halves.** Authorities whose name begins A–L are the *fit* half: ``--fit``
fits the judge's weights and cuts on their graded reports and writes
``src/themeclass/data/judgement.json``. Authorities M–Z are *held out*: their
figures are what the README reports; nothing is tuned on them.

For each half and theme it prints, over graded full inspections (ILACS, SIF):

* sensitivity, specificity and balanced accuracy of the weakness call
  (judgement ``weakness`` or ``serious_weakness``);
* Spearman's rho of the judgement score against the grade (1 inadequate … 4 outstanding);
* recurrence precision, recall and F1 over pairs of consecutive graded
  inspections of one authority: a pair *recurs* when both are graded requires
  improvement or inadequate in the area; the trace calls it recurring when one
  recurring weakness spans both reports (letters between them count in runs);
* the same figures for the rule themeclass used before 2026-11-30 (a weakness
  when the count balance is below 0 or any "What needs to improve?" item
  touches the theme; a recurring weakness in consecutive such reports, or a
  report's own flag).

``--text-only`` hides the grade words of section headings from the model
("… help and protection: inadequate" becomes "… help and protection") before
classifying: how well the judgement reads the text itself, as it must in
letters, which carry no grade. ``--csv`` writes one row per graded report and
theme (score, judgement, grade) for the calibration figure of
``notebooks/04_grade_validity.ipynb``.

    python benchmarks/grade_validity.py [--fit] [--text-only] [--csv benchmarks/results/grade_validity.csv]
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed
from scipy.stats import spearmanr

import themeclass
from themeclass.files import atomic_write
from themeclass.judge import (GRADE_ORDER, GRADED_AREA, THEMES, WEAK_GRADES, ReportJudge, balanced_accuracy)
from themeclass.codebook import normalise_grade
from themeclass.tracing import ReportSummary, Trace, summarise

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from metadata_check import D2I_KNOWN_WRONG  # noqa: E402  the verified D2I errors

CORPUS = ROOT / "corpus"
D2I = CORPUS / "datasets" / "dataset_ilacs-sif_judgements_history_d2i.csv"
PARAMS = ROOT / "src" / "themeclass" / "data" / "judgement.json"
D2I_COLUMNS = {"overall_effectiveness": "overall_effectiveness_grade", "impact_of_leaders": "impact_of_leaders_grade",
               "help_and_protection": "help_and_protection_grade", "children_in_care": "in_care_grade",
               "care_leavers": "care_leavers_grade"}
FULL_INSPECTIONS = ("ilacs", "sif")
_GRADE_WORDS = re.compile(r"[:\s–-]*\b(is|are|that it is)?\s*\b(inadequate|requires? improvement( to be good)?|good|outstanding)\b\.?", re.I)


def half(authority: str | None) -> str:
    """'fit' for authorities A–L, 'held-out' for M–Z."""
    return "fit" if authority and authority[:1].upper() <= "L" else "held-out"


def report_id(file: str) -> str:
    return Path(file).name.split(".")[0]


def load_grades(reports: dict[str, "themeclass.Report"]) -> dict[str, dict[str, str]]:
    """Ofsted's grades of each graded full inspection: report id -> {area: grade}."""
    manifest = list(csv.DictReader((CORPUS / "MANIFEST.tsv").open(encoding="utf-8"), delimiter="\t"))
    d2i = {(d["urn"], d["pdf_filename"]): d for d in csv.DictReader(D2I.open(encoding="utf-8-sig"))}
    out: dict[str, dict[str, str]] = {}
    for row in manifest:
        rid = report_id(row["file"])
        if row["type"] not in FULL_INSPECTIONS or rid not in reports:
            continue
        grades = {}
        if row["type"] == "ilacs":
            d = d2i.get((row["ofsted_urn"], os.path.basename(row["source_path"])))
            for area, col in D2I_COLUMNS.items():
                known = D2I_KNOWN_WRONG.get((f"{rid}.txt", area))
                grade = known[0] if known else (normalise_grade(d[col]) if d else None)
                if grade:
                    grades[area] = grade
        else:  # SIF: D2I parses no grades; the report's own judgement table
            printed = dict(reports[rid].metadata.grades)
            if "leadership" in printed:
                printed["impact_of_leaders"] = printed.pop("leadership")
            grades = {a: g for a, g in printed.items() if g in GRADE_ORDER}
        if grades:
            out[rid] = grades
    return out


def _read(path: str):
    try:
        return themeclass.read(path)
    except themeclass.ThemeclassError:
        return None


def analyse(model, text_only: bool = False) -> tuple[dict[str, ReportSummary], dict]:
    """Read, segment and classify every shipped report; (summaries, reports)."""
    files = [str(p) for p in themeclass.report_paths([CORPUS / "reports"])]
    reports = [r for r in Parallel(n_jobs=-1)(delayed(_read)(f) for f in files) if r is not None]
    units = [u for r in reports for u in r.units]
    sections = [_GRADE_WORDS.sub("", u.section).strip() or None if (text_only and u.section) else u.section for u in units]
    results = iter(model.predict([u.text for u in units], sections, n_jobs=-1))
    summaries = {}
    for r in reports:
        r.units = [dataclasses.replace(u, themes=next(results)) for u in r.units]
        summaries[r.id] = summarise(r)
    return summaries, {r.id: r for r in reports}


def old_rule(summary: ReportSummary) -> dict[str, bool]:
    """The pre-2026-11-30 call: balance below 0, or any improvement item on the theme."""
    improve = {r.theme for r in summary.results if r.improvement and r.sentiment in ("negative", "mixed")}
    return {t: c.balance < 0 or t in improve for t, c in summary.themes.items()}


def old_runs(timeline: list[ReportSummary], theme: str) -> list[set[str]]:
    """Runs of the old rule: consecutive weakness calls (silent reports skipped), or a report's own flag."""
    runs, run = [], []
    for r in timeline:
        call = old_rule(r).get(theme)
        if call is None:
            continue
        if call:
            run.append(r.report)
        else:
            if len(run) >= 2:
                runs.append(set(run))
            run = []
    if len(run) >= 2:
        runs.append(set(run))
    return runs


def recurrence(trace: Trace, summaries, grades, authorities: set[str], theme: str, old: bool = False) -> tuple[int, int, int]:
    """(tp, fp, fn) over pairs of consecutive graded inspections of the given authorities."""
    area = GRADED_AREA[theme]
    tp = fp = fn = 0
    for authority, timeline in trace.authorities().items():
        if authority not in authorities:
            continue
        graded = [r for r in timeline if r.date and r.report in grades and grades[r.report].get(area) in GRADE_ORDER]
        spans = old_runs([r for r in timeline if r.date], theme) if old else \
            [set(w.reports) for w in trace.recurring_for(authority) if w.theme == theme]
        for a, b in zip(graded, graded[1:]):
            gold = grades[a.report][area] in WEAK_GRADES and grades[b.report][area] in WEAK_GRADES
            called = any(a.report in s and b.report in s for s in spans)
            tp += gold and called
            fp += called and not gold
            fn += gold and not called
    return tp, fp, fn


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def figures(trace: Trace, summaries, grades, which: str) -> dict:
    """Every figure for one half."""
    ids = [r for r in grades if half(summaries[r].authority) == which]
    authorities = {summaries[r].authority for r in summaries if half(summaries[r].authority) == which}
    out = {}
    for theme in THEMES:
        area = GRADED_AREA[theme]
        rows = [(r, trace.judgements(summaries[r]).get(theme), grades[r][area]) for r in ids
                if grades[r].get(area) in GRADE_ORDER and theme in summaries[r].themes]
        y = np.array([g in WEAK_GRADES for _, _, g in rows])
        pred = np.array([j.weakness for _, j, _ in rows])
        old = np.array([old_rule(summaries[r])[theme] for r, _, _ in rows])
        score = [j.score for _, j, _ in rows]
        balance = [summaries[r].themes[theme].balance for r, _, _ in rows]
        grade = [GRADE_ORDER[g] for _, _, g in rows]
        rec = recurrence(trace, summaries, grades, authorities, theme)
        rec_old = recurrence(trace, summaries, grades, authorities, theme, old=True)
        silent = sum(1 for r in ids if grades[r].get(area) in GRADE_ORDER and theme not in summaries[r].themes)
        out[theme] = {
            "reports": len(rows), "weak": int(y.sum()), "silent": silent,
            "sensitivity": float((pred & y).sum() / y.sum()) if y.any() else 0.0,
            "specificity": float((~pred & ~y).sum() / (~y).sum()) if (~y).any() else 0.0,
            "balanced": balanced_accuracy(y, pred),
            "rho": float(spearmanr(score, grade).correlation) if len(rows) > 2 else float("nan"),
            "recurrence": rec, "recurrence_prf": _prf(*rec),
            "old_sensitivity": float((old & y).sum() / y.sum()) if y.any() else 0.0,
            "old_specificity": float((~old & ~y).sum() / (~y).sum()) if (~y).any() else 0.0,
            "old_balanced": balanced_accuracy(y, old),
            "old_rho": float(spearmanr(balance, grade).correlation) if len(rows) > 2 else float("nan"),
            "old_recurrence": rec_old, "old_recurrence_prf": _prf(*rec_old),
        }
    return out


def within_report(trace: Trace, summaries, grades, which: str) -> tuple[float, int]:
    """Does the judgement tell a report's areas apart? Over pairs of themes of one
    report whose areas Ofsted graded differently (sufficiency left out: it shares
    permanence's grade), the share in which the better-graded area's theme scores higher."""
    hits = []
    for r in grades:
        if half(summaries[r].authority) != which:
            continue
        judged = trace.judgements(summaries[r])
        items = [(t, judged[t].score, GRADE_ORDER[grades[r][GRADED_AREA[t]]]) for t in THEMES
                 if t != "sufficiency" and t in judged and grades[r].get(GRADED_AREA[t]) in GRADE_ORDER]
        for i, (_, s1, g1) in enumerate(items):
            for _, s2, g2 in items[i + 1:]:
                if g1 != g2:
                    hits.append((s1 - s2) * (g1 - g2) > 0)
    return (float(np.mean(hits)) if hits else float("nan")), len(hits)


def print_half(name: str, figs: dict) -> None:
    print(f"\n{name}: graded full inspections (ILACS, SIF)")
    print(f"  {'theme':<15}{'n':>5}{'weak':>6}{'sens':>7}{'spec':>7}{'bal':>7}{'rho':>7}   {'recurrence P/R/F1 (tp fp fn)':<34}"
          f"| before 2026-11-30: {'sens':>5}{'spec':>6}{'bal':>6}{'rho':>6}  rec-F1")
    for theme, f in figs.items():
        (p, r, f1), (tp, fp, fn) = f["recurrence_prf"], f["recurrence"]
        print(f"  {theme:<15}{f['reports']:>5}{f['weak']:>6}{f['sensitivity']:>7.2f}{f['specificity']:>7.2f}{f['balanced']:>7.2f}"
              f"{f['rho']:>7.2f}   {p:.2f}/{r:.2f}/{f1:.2f} ({tp:>2} {fp:>2} {fn:>2}){'':<11}"
              f"| {'':<19}{f['old_sensitivity']:>5.2f}{f['old_specificity']:>6.2f}{f['old_balanced']:>6.2f}{f['old_rho']:>6.2f}"
              f"  {f['old_recurrence_prf'][2]:.2f}")
    print(f"  mean balanced accuracy {np.mean([f['balanced'] for f in figs.values()]):.3f} "
          f"(before: {np.mean([f['old_balanced'] for f in figs.values()]):.3f})")


def sufficiency_check(grades) -> None:
    """How often Ofsted's own text (the hand-labelled units) calls sufficiency a
    weakness in reports it grades good or outstanding for children in care."""
    from themeclass.learning.dataset import load_labelled

    records = load_labelled([CORPUS / "labelled" / "train.jsonl", CORPUS / "labelled" / "eval.jsonl"])
    by_grade: dict[str, Counter] = defaultdict(Counter)
    for rec in records:
        g = grades.get(rec.report, {}).get("children_in_care")
        for theme in ("sufficiency", "permanence"):
            if g and theme in rec.themes:
                side = "weak grade" if g in WEAK_GRADES else "good or outstanding"
                by_grade[(theme, side)][rec.themes[theme] in ("negative", "mixed")] += 1
    print("\nHand-labelled units of graded reports: share judged a weakness (negative or mixed), by the children-in-care grade")
    for theme in ("sufficiency", "permanence"):
        cells = []
        for side in ("good or outstanding", "weak grade"):
            c = by_grade[(theme, side)]
            n = c[True] + c[False]
            cells.append(f"{side}: {c[True]}/{n} = {c[True] / n:.0%}" if n else f"{side}: none")
        print(f"  {theme:<12} " + "; ".join(cells))


def model_sha(model) -> str:
    return model.info.get("meta", {}).get("arrays_sha256") or model.info.get("meta", {}).get("model_sha256", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fit", action="store_true", help="refit the judge on authorities A-L and write " + str(PARAMS.relative_to(ROOT)))
    parser.add_argument("--text-only", action="store_true", help="hide the grade words of section headings from the model")
    parser.add_argument("--fit-half-only", action="store_true", help="print the fit half only (while developing)")
    parser.add_argument("--csv", type=Path, help="write one row per graded report and theme here")
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    model = themeclass.load(args.model)
    summaries, reports = analyse(model, args.text_only)
    grades = load_grades(reports)
    print(f"analysed {len(summaries)} reports in {time.perf_counter() - started:.0f} s; {len(grades)} graded full inspections "
          f"({sum(half(summaries[r].authority) == 'fit' for r in grades)} of authorities A-L, "
          f"{sum(half(summaries[r].authority) == 'held-out' for r in grades)} of M-Z)"
          + ("; grade words hidden from headings" if args.text_only else ""))
    if args.fit:
        fit_ids = [r for r in grades if half(summaries[r].authority) == "fit"]
        judge = ReportJudge().fit({r: summaries[r].results for r in fit_ids}, grades,
                                  groups={r: summaries[r].authority for r in fit_ids})
        judge.info_.update({"half": "authorities A-L, graded ILACS and SIF inspections", "model_sha256": model_sha(model),
                            "fitted": date.today().isoformat(), "command": "python benchmarks/grade_validity.py --fit"})
        with atomic_write(PARAMS) as fh:
            json.dump(judge.to_dict(), fh, indent=2)
            fh.write("\n")
        print(f"fitted on {len(fit_ids)} reports: improvement_weight {judge.improvement_weight}, prior_units {judge.prior_units}; "
              f"wrote {PARAMS}")
    else:
        judge = ReportJudge.from_dict(json.loads(PARAMS.read_text(encoding="utf-8")))
    trace = Trace(list(summaries.values()), judge=judge)
    halves = ("fit",) if args.fit_half_only else ("fit", "held-out")
    for which in halves:
        label = "FIT HALF (authorities A-L)" if which == "fit" else "HELD-OUT HALF (authorities M-Z)"
        print_half(label, figures(trace, summaries, grades, which))
        share, pairs = within_report(trace, summaries, grades, which)
        print(f"  within a report, areas graded differently: the better-graded theme scores higher in {share:.2f} of {pairs} pairs")
    sufficiency_check(grades)
    if args.csv:
        with atomic_write(args.csv, newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(["report", "authority", "half", "type", "date", "theme", "area", "grade", "units", "score", "judgement"])
            for r in sorted(grades):
                s = summaries[r]
                for theme, j in trace.judgements(s).items():
                    g = grades[r].get(GRADED_AREA[theme])
                    if g in GRADE_ORDER:
                        writer.writerow([r, s.authority, half(s.authority), s.type, s.date, theme, GRADED_AREA[theme], g,
                                         j.units, f"{j.score:.4f}", j.label])
        print(f"wrote {args.csv}")
    print(f"\n{time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
