"""ExpertIndex keeps its records, reverse maps and FAISS ids consistent whatever the update order.

A reference model (plain dicts of what was applied) predicts what every public read must answer
after each random batch; ``problems()`` re-derives the maps and compares them with FAISS.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import store
from matching.index import ExpertIndex
from matching.index_entries import IndexContents, PreparedExpert, PreparedSociety, PreparedWork
from matching.lexical import Vocabulary
from matching.repository import ExpertCard

DIM = 8
KEYS = [f"doc{i}" for i in range(5)]
"""A small pool of work texts, so co-authored documents are common."""
OWN_TEXTS = [np.zeros(0, np.int32), np.asarray([1, 2], np.int32), np.asarray([3], np.int32)]


def _unit(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@dataclass
class Model:
    """What the index should hold: expert -> (own text, [(work id, key)]), society ids."""

    experts: dict[int, tuple[int, list[tuple[int, str]]]] = field(default_factory=dict)
    societies: set[int] = field(default_factory=set)


work_spec = st.tuples(st.integers(1, 12), st.sampled_from(KEYS))
expert_spec = st.tuples(st.integers(1, 6), st.integers(0, len(OWN_TEXTS) - 1), st.lists(work_spec, max_size=3))
batch_spec = st.fixed_dictionaries(
    {
        "experts": st.lists(expert_spec, max_size=3),
        "remove_experts": st.lists(st.integers(1, 6), max_size=2),
        "societies": st.lists(st.integers(1, 3), max_size=2),
        "remove_societies": st.lists(st.integers(1, 3), max_size=2),
    }
)


def _prepared(expert_id: int, own: int, works: list[tuple[int, str]]) -> PreparedExpert:
    return PreparedExpert(
        id=expert_id,
        vector=_unit(expert_id),
        tokens=OWN_TEXTS[own],
        works=tuple(
            PreparedWork(w, key, _unit(1000 + w), np.asarray([10 + KEYS.index(key)], np.int32), (f"w{w}", 2020, "论文"))
            for w, key in works
        ),
        card=ExpertCard(f"专家{expert_id}", "", "", None, 1, ()),
    )


def _acceptable(model: Model, batch: dict[str, list]) -> bool:  # type: ignore[type-arg]
    ids = [e for e, _, _ in batch["experts"]]
    work_ids = [w for _, _, works in batch["experts"] for w, _ in works]
    if (
        len(ids) != len(set(ids))
        or len(work_ids) != len(set(work_ids))
        or len(batch["societies"]) != len(set(batch["societies"]))
    ):
        return False
    dropped = set(ids) | set(batch["remove_experts"])
    owner = {w: e for e, (_, works) in model.experts.items() for w, _ in works}
    return all(w not in owner or owner[w] in dropped for w in work_ids)


def _advance(model: Model, batch: dict[str, list]) -> None:  # type: ignore[type-arg]
    for e in [*batch["remove_experts"], *(e for e, _, _ in batch["experts"])]:
        model.experts.pop(e, None)
    for e, own, works in batch["experts"]:
        model.experts[e] = (own, list(works))
    model.societies -= set(batch["remove_societies"])
    model.societies |= set(batch["societies"])


def _assert_agrees(index: ExpertIndex, model: Model) -> None:
    assert index.problems() == []
    works = {w: (e, key) for e, (_, ws) in model.experts.items() for w, key in ws}
    assert index.expert_ids() == set(model.experts)
    assert index.society_ids() == model.societies
    assert index.counts() == {"experts": len(model.experts), "works": len(works), "societies": len(model.societies)}
    with index.reading() as view:
        for key in KEYS:
            expected = sorted((e, w) for w, (e, k) in works.items() if k == key)
            assert sorted(view.experts_of_key(key)) == expected
        for e, (own, ws) in model.experts.items():
            assert [(w.id, w.key) for w in view.works_of(e)] == ws
            document = np.concatenate([OWN_TEXTS[own], *(np.asarray([10 + KEYS.index(k)]) for _, k in ws)])
            assert view.profile_document(e).tolist() == document.tolist()
            if ws:
                assert np.allclose(view.work_vectors([w for w, _ in ws]), [_unit(1000 + w) for w, _ in ws])
        for w in range(1, 13):
            assert view.label(w) == ((f"w{w}", 2020, "论文") if w in works else None)
        owners_of_text: dict[int, set[int]] = {}
        for e, (own, _) in model.experts.items():
            if own:
                owners_of_text.setdefault(own, set()).add(e)
        for owners in owners_of_text.values():
            expert = next(iter(owners))
            # the own document is one shared document, whoever of its holders asks
            key = _own_key_of(view.contents(), expert)
            assert sorted(view.experts_of_key(key)) == sorted((e, None) for e in owners)


def _own_key_of(contents: IndexContents, expert_id: int) -> str:
    entry = next(e for e in contents.experts if e.id == expert_id)
    assert entry.own_key is not None
    return entry.own_key


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(batch_spec, min_size=1, max_size=8))
def test_random_updates_keep_every_map_consistent(batches: list[dict[str, list]]) -> None:  # type: ignore[type-arg]
    index = ExpertIndex(model_id="test", dim=DIM, vocab=Vocabulary([f"t{i}" for i in range(20)]))
    model = Model()
    for batch in batches:
        call = {
            "experts": [_prepared(*spec) for spec in batch["experts"]],
            "remove_experts": batch["remove_experts"],
            "societies": [PreparedSociety(s, _unit(500 + s), np.asarray([s], np.int32)) for s in batch["societies"]],
            "remove_societies": batch["remove_societies"],
        }
        if _acceptable(model, batch):
            index.apply(**call)  # type: ignore[arg-type]
            _advance(model, batch)
        else:
            with pytest.raises(ValueError, match="twice|already belongs"):
                index.apply(**call)  # type: ignore[arg-type]
        _assert_agrees(index, model)  # a refused batch changed nothing
    index.refresh_lexical()
    assert index.lexical_is_current
    with tempfile.TemporaryDirectory() as tmp:
        store.save(index, Path(tmp))
        _assert_agrees(store.load(Path(tmp), model_id="test", dim=DIM), model)


def _two_experts() -> ExpertIndex:
    index = ExpertIndex(model_id="test", dim=DIM)
    index.apply(experts=[_prepared(1, 1, [(1, "doc0"), (2, "doc1")]), _prepared(2, 1, [(3, "doc0")])])
    return index


def test_a_work_cannot_belong_to_two_experts() -> None:
    index = _two_experts()
    with pytest.raises(ValueError, match="already belongs to expert 1"):
        index.apply(experts=[_prepared(3, 0, [(2, "doc2")])])
    assert index.expert_ids() == {1, 2}
    index.apply(experts=[_prepared(3, 0, [(2, "doc2")])], remove_experts=[1])  # moving it is fine
    with index.reading() as view:
        assert view.experts_of_key("doc2") == [(3, 2)]
        assert view.experts_of_key("doc1") == []
    assert index.problems() == []


def test_a_vector_of_the_wrong_dimension_changes_nothing() -> None:
    index = _two_experts()
    bad = PreparedExpert(9, np.ones(DIM + 1, np.float32), OWN_TEXTS[0], ())
    with pytest.raises(ValueError, match="dimension"):
        index.apply(experts=[bad], remove_experts=[1])
    assert index.expert_ids() == {1, 2}
    assert index.problems() == []


def test_restore_refuses_vectors_that_disagree_with_the_records() -> None:
    index = _two_experts()
    other = _two_experts()
    other.apply(remove_experts=[2])
    with index.reading() as view, other.reading() as other_view:
        contents = view.contents()
        short = IndexContents(
            experts=contents.experts,
            societies=contents.societies,
            documents=contents.documents,
            expert_vectors=contents.expert_vectors,
            work_vectors=other_view.contents().work_vectors,  # lacks work 3
            society_vectors=contents.society_vectors,
            items=contents.items,
        )
        with pytest.raises(ValueError, match="works vectors hold other ids"):
            ExpertIndex.restore(short, model_id="test", dim=DIM, vocab=Vocabulary(), watermark=0, built_at="")


def test_a_reader_cannot_be_used_after_its_block() -> None:
    index = _two_experts()
    with index.reading() as view:
        assert view.counts()["experts"] == 2
    with pytest.raises(RuntimeError, match="reading"):
        view.counts()
