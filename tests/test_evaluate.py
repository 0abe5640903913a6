from __future__ import annotations

import json
from pathlib import Path

import pytest

from matcher.errors import InputError
from matcher.evaluate import evaluate_runs, load_queries, mrr_at, ndcg_at, recall_at


def test_metrics_by_hand() -> None:
    judgments = {"a": 3, "b": 2, "c": 1}
    assert ndcg_at(["a", "b", "c"], judgments) == pytest.approx(1.0)
    assert ndcg_at(["x", "a"], judgments) == pytest.approx(
        (3 / 1.58496) / (3 + 2 / 1.58496 + 1 / 2), rel=1e-4
    )
    assert recall_at(["c", "b"], judgments) == 0.5
    assert mrr_at(["c", "x", "b"], judgments) == pytest.approx(1 / 3)
    assert mrr_at(["c"], judgments) == 0.0


def test_metrics_agree_with_ranx() -> None:
    ranx = pytest.importorskip("ranx")
    qrels_dict = {
        "q1": {"a": 3, "b": 2, "c": 1, "d": 2},
        "q2": {"x": 2, "y": 1},
        "q3": {"m": 3},
    }
    runs = {"q1": ["c", "a", "z", "d"], "q2": ["y", "z", "x"], "q3": ["n", "o"]}
    run_dict = {q: {d: float(10 - i) for i, d in enumerate(ids)} for q, ids in runs.items()}
    queries = [
        type("Q", (), {"qid": q, "judgments": j, "style": "s"})() for q, j in qrels_dict.items()
    ]
    ours = evaluate_runs(queries, runs)["overall"]
    qrels, run = ranx.Qrels(qrels_dict), ranx.Run(run_dict)
    theirs = ranx.evaluate(qrels, run, ["ndcg@10", "recall@10", "mrr@10"])
    # ranx's nDCG uses the grades as linear gains, like the eval conventions
    assert ours["ndcg@10"] == pytest.approx(theirs["ndcg@10"], abs=1e-4)
    # ranx counts any grade >= 1 as relevant for recall and MRR; ours use grade >= 2
    strict = ranx.Qrels({q: {d: g for d, g in j.items() if g >= 2} for q, j in qrels_dict.items()})
    strict_scores = ranx.evaluate(strict, run, ["recall@10", "mrr@10"])
    assert ours["recall@10"] == pytest.approx(strict_scores["recall@10"], abs=1e-4)
    assert ours["mrr@10"] == pytest.approx(strict_scores["mrr@10"], abs=1e-4)


def test_bad_query_files(tmp_path: Path) -> None:
    path = tmp_path / "q.json"
    with pytest.raises(InputError, match="no such file"):
        load_queries(path)
    path.write_text("{")
    with pytest.raises(InputError, match="not valid JSON"):
        load_queries(path)
    path.write_text(json.dumps({"qid": 1}))
    with pytest.raises(InputError, match="expected a JSON list"):
        load_queries(path)
    path.write_text(json.dumps([{"query": "x"}]))
    with pytest.raises(InputError, match="needs a 'qid'"):
        load_queries(path)


def test_training_statements_become_partly_judged_queries(tmp_path) -> None:
    from matcher.evaluate import load_training_statements

    path = tmp_path / "train.json"
    path.write_text(
        json.dumps(
            [
                {"sid": "T1", "lang": "fr", "statement": "Nous voulons des chiens.",
                 "needs": [{"text": "chiens", "status": "served", "served_by": ["1209"]},
                           {"text": "pompiers", "status": "gap", "served_by": []}]},
                {"sid": "T2", "lang": "en", "statement": "Fire engines.",
                 "needs": [{"text": "fire engines", "status": "gap", "served_by": []}]},
            ]
        )
    )
    [query] = load_training_statements(path)  # a statement nothing serves has nothing to rank
    assert (query.qid, query.style, query.judgments) == ("T1", "train-fr", {"1209": 2})
    path.write_text("{}")
    with pytest.raises(InputError, match="JSON list"):
        load_training_statements(path)
