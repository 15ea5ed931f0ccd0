"""How much do more labels help? Train on growing parts of the training split, score on the evaluation split.

    python benchmarks/learning_curve.py

Trains today's model (``themeclass.learning.train.fit_model``, seed 0) on

* the units of labelling rounds 1-5,
* those plus round 6's units drawn at random,
* those plus round 6's units chosen by the model's uncertainty instead,
* the whole training split (what ships),

and prints macro-F1, weakness-F1 and sentiment accuracy of each on
``corpus/labelled/eval.jsonl`` (whole held-out reports), then a paired bootstrap
over those reports of the change from rounds 1-5 to all. Takes about 3 minutes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from themeclass.learning.dataset import load_labelled
from themeclass.learning.evaluate import score
from themeclass.learning.train import fit_model

LABELLED = Path(__file__).resolve().parents[1] / "corpus" / "labelled"


def main() -> None:
    context = {c["id"]: c for c in map(json.loads, (LABELLED / "context" / "units.jsonl").open(encoding="utf-8"))}
    train = load_labelled([LABELLED / "train.jsonl"])
    evaluation = load_labelled([LABELLED / "eval.jsonl"])
    before = [r for r in train if context[r.id].get("round") != 6]
    parts = {
        "rounds 1-5": before,
        "+ round 6 random": before + [r for r in train if context[r.id].get("selection") == "random"],
        "+ round 6 uncertain": before + [r for r in train if context[r.id].get("selection") == "uncertain"],
        "all (shipped)": train,
    }
    texts, sections = [r.text for r in evaluation], [r.section for r in evaluation]
    predictions = {}
    print(f"evaluation split: {len(evaluation)} units, {len({r.report for r in evaluation})} reports")
    for name, records in parts.items():
        start = time.perf_counter()
        predictions[name] = fit_model(records, seed=0).predict(texts, sections)
        s = score(evaluation, predictions[name])
        print(f"{name:22s} {len(records):5d} units  macro-F1 {s['macro_f1']:.3f}  weakness-F1 {s['weakness']['f1']:.3f}"
              f"  sentiment {s['sentiment_accuracy']:.3f}  ({time.perf_counter() - start:.0f} s)", flush=True)
    reports = sorted({r.report for r in evaluation})
    rows = {rep: [i for i, r in enumerate(evaluation) if r.report == rep] for rep in reports}
    rng = np.random.default_rng(0)
    changes = []
    for _ in range(300):
        pick = [i for rep in rng.choice(reports, len(reports)) for i in rows[rep]]
        gold = [evaluation[i] for i in pick]
        a = score(gold, [predictions["rounds 1-5"][i] for i in pick])
        b = score(gold, [predictions["all (shipped)"][i] for i in pick])
        changes.append((b["macro_f1"] - a["macro_f1"], b["weakness"]["f1"] - a["weakness"]["f1"]))
    mean, sd = np.mean(changes, axis=0), np.std(changes, axis=0)
    print(f"rounds 1-5 -> all, bootstrap over reports: macro-F1 {mean[0]:+.3f} (sd {sd[0]:.3f}), "
          f"weakness-F1 {mean[1]:+.3f} (sd {sd[1]:.3f})")


if __name__ == "__main__":
    main()
