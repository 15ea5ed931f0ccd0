"""Shared fixtures: a tiny hand-labelled corpus and a model trained on it."""

from __future__ import annotations

import json

import pytest

# Hand-written units, labelled by reading them against docs/CODEBOOK.md.
TINY = [
    ("Management oversight is not consistently evident in case records.", {"supervision": "negative"}),
    ("Supervision is regular and reflective, and helps social workers to think about risk.", {"supervision": "positive"}),
    ("Care leavers are well supported by personal advisers who know them well.", {"care_leavers": "positive"}),
    ("Pathway plans are not always updated, and too many care leavers live in unsuitable accommodation.", {"care_leavers": "negative"}),
    ("There are not enough foster carers to meet children's needs, and some children are placed far from home.", {"sufficiency": "negative"}),
    ("The sufficiency strategy has increased the range of placements available.", {"sufficiency": "positive"}),
    ("Strategy discussions are timely and well attended by partners.", {"risk_response": "positive"}),
    ("Thresholds in the MASH are not consistently applied, leaving some children at risk.", {"risk_response": "negative"}),
    ("Children achieve permanence through adoption without delay.", {"permanence": "positive"}),
    ("Drift and delay in care proceedings mean that some children wait too long for permanence.", {"permanence": "negative"}),
    ("Leaders have a clear vision for the service.", {}),
    ("The virtual school supports children's education well.", {}),
]


def tiny_records(copies: int = 3) -> list[dict]:
    out = []
    for c in range(copies):
        for i, (text, themes) in enumerate(TINY):
            out.append({"id": f"tiny{c}#{i:03d}", "text": text, "themes": themes, "recurring": []})
    return out


@pytest.fixture
def tiny_labelled(tmp_path):
    path = tmp_path / "tiny.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in tiny_records()), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory):
    """Path to a model (``.npz``, format 2) trained on the tiny corpus with seed 0."""
    from themeclass.learning.dataset import load_labelled
    from themeclass.learning.train import fit_model
    from themeclass.model.format import save

    folder = tmp_path_factory.mktemp("model")
    labelled = folder / "tiny.jsonl"
    labelled.write_text("".join(json.dumps(r) + "\n" for r in tiny_records()), encoding="utf-8")
    model = fit_model(load_labelled([labelled]), seed=0)
    return save(model, folder / "tiny", training={"files": [str(labelled)]})


@pytest.fixture(scope="session")
def tiny_model_loaded(tiny_model):
    from themeclass.model.format import load

    return load(tiny_model)
