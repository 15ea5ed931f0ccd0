"""Write the notebooks in ``notebooks/`` from the cell texts below (outputs stripped).

Keeping the cells here, as plain strings, makes a notebook's change readable in a
diff. Run after editing:

    python scripts/make_notebooks.py
"""

from __future__ import annotations

from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS: dict[str, list[tuple[str, str]]] = {}

NOTEBOOKS["01_quickstart"] = [
    ("md", """# Quickstart: one report, its units, themes, sentiment and evidence

Everything here runs offline on the shipped corpus and the shipped default model."""),
    ("code", """import pandas as pd
import themeclass

report = themeclass.read("../corpus/reports/liverpool_2023-05_ilacs.txt.gz")
report.metadata"""),
    ("md", """A report is cut into **units** (paragraphs and bullet items) with the heading they sit under, the
paragraph number and the page."""),
    ("code", """units = pd.DataFrame([u.to_dict() for u in report.units])
units[["index", "kind", "number", "page", "section", "text"]].head(10)"""),
    ("md", """The default model tags each unit with themes; each theme gets its own sentiment, a score in [-1, 1],
the probability that the theme is there, and the sentences it rests on."""),
    ("code", """analysed = themeclass.analyse(path=report.path)
rows = [
    {"unit": u.id, "section": u.section, "theme": theme, "sentiment": r.sentiment, "score": r.score,
     "confidence": r.confidence, "recurring": r.recurring, "evidence": " | ".join(r.evidence)}
    for u in analysed.units for theme, r in u.themes.items()
]
results = pd.DataFrame(rows)
results.head(15)"""),
    ("code", """# How the units about each theme divide by sentiment
results.groupby(["theme", "sentiment"]).size().unstack(fill_value=0)"""),
    ("md", """The report's **judgement** of each theme weighs those units (`themeclass.judge`): a score, a label
on an ordered scale (strength, mixed, weakness, serious weakness), how many units it rests on and the
ids of the units that carry it. Ofsted graded this inspection inadequate for help and protection,
leadership and care leavers, and requires improvement for children in care."""),
    ("code", """summary = themeclass.trace([analysed]).reports[0]
judged = themeclass.ReportJudge.default().judge(summary.results)
pd.DataFrame([{"theme": t, **j.to_dict()} for t, j in judged.items()])[["theme", "judgement", "score", "units", "evidence"]]"""),
    ("md", """Any text works too, e.g. a paragraph you are reading:"""),
    ("code", """model = themeclass.load()
found = model.predict(["Supervision is regular but too often task-focused, and care leavers still wait too long for suitable homes."])[0]
{theme: (r.sentiment, round(r.score, 2), r.recurring, r.evidence) for theme, r in found.items()}"""),
    ("md", """The model's metadata says what it was trained on and how it scored on held-out reports:"""),
    ("code", """meta = model.info["meta"]
meta["scores"]["reports"], meta["scores"]["model"]["macro_f1"], meta["scores"]["model"]["weakness"]["f1"], meta["training"]["units"]"""),
]

NOTEBOOKS["02_recurring_weaknesses"] = [
    ("md", """# Recurring weaknesses: the national picture and one authority's timeline

Traces all shipped reports (891 reports of 153 authorities) with the default model. Each report's
judgement of each theme (strength, mixed, weakness, serious weakness) comes from `themeclass.judge`,
fitted on Ofsted's grades of authorities A–L and checked on M–Z (`notebooks/04_grade_validity.ipynb`)."""),
    ("code", """%matplotlib inline
import pandas as pd
import themeclass
from themeclass.analysis import analyse_paths

analysis = analyse_paths(["../corpus/reports"], progress=False)
trace = themeclass.trace(analysis.summaries, analysis.skipped)
national = trace.national()
pd.DataFrame(national["ranking"])"""),
    ("md", """**current**: the recurring weakness reaches the latest report that judges the theme; **historic**:
a later report judged the theme better. Themes that recur as weaknesses, by the year the run ends:"""),
    ("code", """pd.DataFrame(national["by_year"]).T.fillna(0).astype(int)"""),
    ("md", """The tidy table: one row per report and theme, with counts by sentiment, the judgement's score and
label, and the ids of the units that carry it."""),
    ("code", """frame = trace.to_frame()
frame[["authority", "report", "date", "theme", "units", "score", "judgement", "evidence"]].head()"""),
    ("code", """# Share of reports that judge each theme a weakness, by year
frame.assign(year=frame["date"].dt.year).pivot_table(index="year", columns="theme", values="weakness", aggfunc="mean").round(2)"""),
    ("md", """## One authority: Liverpool

Graded requires improvement in 2018, inadequate in 2023 and good in 2026 (care leavers: requires
improvement)."""),
    ("code", """recurring = trace.recurring()
recurring[recurring["authority"] == "Liverpool"][["theme", "status", "kind", "report", "judgement", "text"]]"""),
    ("code", """fig = trace.plot_timeline("Liverpool")"""),
    ("code", """fig = trace.plot_heatmap(["Liverpool", "Sefton", "Knowsley"])"""),
]

NOTEBOOKS["03_retrain"] = [
    ("md", """# Retrain on newly labelled units

The loop a researcher follows: export units to label, label them in a spreadsheet, import them (every
row is checked), retrain beside the default model, and compare the two on the same held-out evaluation
reports, with a bootstrap interval over reports on each difference.

Here the batch is every unit of one focused-visit letter nobody has labelled yet (Telford & Wrekin, May
2022): `--uncertain 16` ranks all 16 of its units, so all of them are exported."""),
    ("code", """import csv, json, pathlib, subprocess, tempfile
work = pathlib.Path(tempfile.mkdtemp())

def themeclass_cli(*args):
    result = subprocess.run(["themeclass", *map(str, args)], capture_output=True, text=True)
    print(result.stdout + result.stderr)
    assert result.returncode == 0, "the command failed"


themeclass_cli("label", "export", "../corpus/reports/telford-and-wrekin_2022-05_focused.txt.gz", "--uncertain", "16",
               "-o", work / "batch.csv")"""),
    ("md", """Now label the batch. In practice you open `batch.csv` in a spreadsheet; here the labels below were
typed after reading each unit against `docs/CODEBOOK.md` (keyed by the unit's opening words, so that
they find their rows whatever order the export chose). A unit about no theme is marked `labelled = yes`;
a row left untouched would be skipped on import, not read as "no theme"."""),
    ("code", """OUR_LABELS = {  # opening words -> (themes, recurring)
    "This letter summarises": ({}, ""),  # who visited, when
    "Inspectors looked at the local authority’s arrangements": ({"risk_response": "neutral"}, ""),  # scope statement
    "This visit was carried out": ({}, ""),  # how inspectors worked; QA named only as a source
    "Since the last standard inspection": ({"risk_response": "positive"}, ""),
    "Consistency in the escalation": ({"risk_response": "negative"}, ""),  # an item to improve: pre-proceedings to protect
    "Effective partnership working": ({"risk_response": "positive"}, ""),  # caseloads alone take no theme
    "Children in Telford & Wrekin are seen regularly": ({"risk_response": "mixed"}, ""),  # "a small number ... adult-focused"
    "Most assessments are timely": ({"risk_response": "positive"}, ""),
    "Children receive a proportionate social work response": ({"risk_response": "mixed"}, ""),  # plans rarely timebound
    "Most children benefit from regular reviews": ({"risk_response": "positive", "supervision": "positive"}, ""),  # CP chairs' challenge
    "For those children living in crisis": ({"permanence": "positive"}, ""),  # reunification
    "Most children’s cases step up": ({"risk_response": "mixed", "permanence": "negative"}, ""),  # neglect not escalated; delay
    "Once children are in pre-proceedings": ({"permanence": "positive"}, ""),
    "Despite the challenges of COVID-19": ({"supervision": "mixed"}, ""),  # regular supervision; weak records
    "There continues to be significant financial investment": ({}, ""),  # workforce capacity
    "There has been a change in several key members": ({"supervision": "positive"}, ""),  # QA judged effective
}
rows = list(csv.DictReader(open(work / "batch.csv", encoding="utf-8")))
for row in rows:
    [(themes, recurring)] = [labels for opening, labels in OUR_LABELS.items() if row["text"].startswith(opening)]
    row.update(themes, recurring=recurring, labelled="yes")
with open(work / "batch.csv", "w", newline="", encoding="utf-8") as fh:
    writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
len(rows)"""),
    ("code", """themeclass_cli("label", "import", work / "batch.csv", "-o", work / "labelled" / "new.jsonl")"""),
    ("md", """Retrain on the shipped training split plus the new labels, as a new model beside the default (the
default is never overwritten without `--replace-default`; the evaluation units are scored, never trained on)."""),
    ("code", """themeclass_cli("train", "../corpus/labelled/train.jsonl", work / "labelled" / "new.jsonl", "../corpus/labelled/eval.jsonl",
               "-o", work / "retrained", "--seed", "0")
old = json.loads(pathlib.Path("../models/default.json").read_text())
new = json.loads((work / "retrained.json").read_text())
{"training units": (old["training"]["units"], new["training"]["units"]),
 "model arrays changed": old["arrays_sha256"] != new["arrays_sha256"]}"""),
    ("code", """themeclass_cli("compare", "../models/default.npz", work / "retrained.npz", "--on", "../corpus/labelled/eval.jsonl")"""),
    ("md", """Sixteen labels move the evaluation figures by little, and the bootstrap interval over the 18
evaluation reports says whether a change is more than noise. Use the new model with
`--model retrained.npz` on any command, or `themeclass.load("retrained.npz")`."""),
]

NOTEBOOKS["04_grade_validity"] = [
    ("md", """# Do the report judgements agree with Ofsted's grades?

`benchmarks/grade_validity.py --csv benchmarks/results/grade_validity.csv` judged every graded full
inspection (ILACS and SIF) of the shipped corpus with the default model and judge, and wrote one row per
report and theme: the judgement's score and label, and Ofsted's grade of the matching area (help and
protection for risk response, impact of leaders for supervision, children in care for permanence and
sufficiency, care leavers for care leavers). The judge was fitted on authorities A–L; M–Z are held out."""),
    ("code", """%matplotlib inline
import matplotlib.pyplot as plt
import pandas as pd
from themeclass.judge import GRADE_ORDER, WEAK_GRADES, ReportJudge, balanced_accuracy

rows = pd.read_csv("../benchmarks/results/grade_validity.csv")
rows["weak_grade"] = rows["grade"].isin(WEAK_GRADES)
rows["called_weak"] = rows["judgement"].isin(["weakness", "serious_weakness"])
rows.groupby(["half", "theme"]).size().unstack(0)"""),
    ("md", """Balanced accuracy of the weakness call (the mean of sensitivity and specificity), per half:"""),
    ("code", """table = rows.groupby(["theme", "half"]).apply(
    lambda g: balanced_accuracy(g["weak_grade"], g["called_weak"]), include_groups=False).unstack().round(3)
table.loc["mean"] = table.mean().round(3)
table"""),
    ("md", """The calibration figure: each report's score against Ofsted's grade of the area, per theme
(held-out reports filled, fit-half reports hollow); the dashed line is the theme's weakness cut."""),
    ("code", """judge = ReportJudge.default()
themes = ["risk_response", "supervision", "permanence", "care_leavers", "sufficiency"]
grades = sorted(GRADE_ORDER, key=GRADE_ORDER.get)
fig, axes = plt.subplots(1, len(themes), figsize=(16, 4), sharey=True)
for ax, theme in zip(axes, themes):
    sub = rows[rows["theme"] == theme]
    for half, style in (("held-out", dict(color="C0")), ("fit", dict(facecolors="none", edgecolors="C1"))):
        part = sub[sub["half"] == half]
        x = part["grade"].map(GRADE_ORDER) + (0.12 if half == "fit" else -0.12)
        ax.scatter(x, part["score"], s=14, alpha=0.7, label=half, **style)
    ax.axhline(judge.cuts_[theme][1], color="grey", linestyle="--", linewidth=1)
    ax.set_xticks(range(1, 5), [g.replace("requires_improvement", "req. impr.") for g in grades], rotation=30, fontsize=8)
    ax.set_title(theme.replace("_", " "))
axes[0].set_ylabel("judgement score")
axes[0].legend(fontsize=8)
fig.tight_layout()"""),
]


def build(name: str, cells: list[tuple[str, str]]) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src) for kind, src in cells]
    for i, cell in enumerate(nb.cells):  # stable ids: a rebuilt notebook diffs only where its text changed
        cell["id"] = f"{name[:2]}-{i:02d}"
    nbformat.write(nb, ROOT / "notebooks" / f"{name}.ipynb")


def main() -> None:
    for name, cells in NOTEBOOKS.items():
        build(name, cells)
        print(f"wrote notebooks/{name}.ipynb")


if __name__ == "__main__":
    main()
