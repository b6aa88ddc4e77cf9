"""Large indexes switch to IVF and keep every operation the engine relies on, across a save and load."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import faiss
import numpy as np
import pytest

from matching import store, vectors
from matching.index import ExpertIndex
from matching.index_entries import PreparedExpert, PreparedWork
from matching.lexical import Bm25, Vocabulary

DIM = 32


def _expert(rng: np.random.Generator, expert_id: int, centre: np.ndarray) -> PreparedExpert:
    def unit(v: np.ndarray) -> np.ndarray:
        return (v / np.linalg.norm(v)).astype(np.float32)

    works = tuple(
        PreparedWork(
            id=expert_id * 10 + k,
            key=f"{expert_id:08d}{k:08d}",
            vector=unit(centre + 0.3 * rng.standard_normal(DIM)),
            tokens=np.asarray([expert_id % 50, 50 + k], dtype=np.int32),
        )
        for k in range(3)
    )
    return PreparedExpert(expert_id, unit(centre + 0.3 * rng.standard_normal(DIM)), np.zeros(0, np.int32), works)


@pytest.fixture
def big_index() -> tuple[ExpertIndex, np.ndarray]:
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((20, DIM))
    index = ExpertIndex(model_id="test", dim=DIM, vocab=Vocabulary([f"t{i}" for i in range(60)]))
    index.apply(experts=[_expert(rng, i, centres[i % 20]) for i in range(1, 1201)], watermark=1)
    index.optimise(min_vectors=1000)
    index.refresh_lexical()
    return index, centres


def test_large_indexes_become_ivf_and_small_ones_stay_flat(big_index: tuple[ExpertIndex, np.ndarray]) -> None:
    index, _ = big_index
    assert index.kinds() == {"experts": "ivf", "works": "ivf", "items": "flat"}  # no field items here
    assert index.counts() == {"experts": 1200, "works": 3600, "societies": 0}
    small = ExpertIndex(model_id="test", dim=DIM)
    small.optimise(min_vectors=1000)
    assert small.kinds() == {"experts": "flat", "works": "flat", "items": "flat"}


def test_ivf_index_finds_neighbours_and_supports_updates(big_index: tuple[ExpertIndex, np.ndarray]) -> None:
    index, centres = big_index
    query = (centres[4] / np.linalg.norm(centres[4])).astype(np.float32)[None]
    with index.reading() as view:
        owners = {e for key, _ in view.nearest_documents(query, 30) for e, _ in view.experts_of_key(key)}
    assert owners
    assert all(e % 20 == 4 for e in owners)  # all from the queried cluster

    index.apply(remove_experts=[24], experts=[_expert(np.random.default_rng(9), 2000, centres[4])])
    assert 24 not in index.expert_ids()
    assert index.counts()["works"] == 3600
    assert index.problems() == []
    with index.reading() as view:
        assert view.work_vectors([20000, 20001]).shape == (2, DIM)
        found = {w for key, _ in view.nearest_documents(query, 3600) for _, w in view.experts_of_key(key)}
    assert not {240, 241, 242} & found
    assert {20000, 20001, 20002} <= found


def test_ivf_index_survives_save_and_load(big_index: tuple[ExpertIndex, np.ndarray], tmp_path: Path) -> None:
    index, centres = big_index
    manifest = store.save(index, tmp_path)
    assert manifest["kinds"] == {"experts": "ivf", "works": "ivf"}
    loaded = store.load(tmp_path, model_id="test", dim=DIM)
    assert loaded.kinds() == index.kinds()
    assert loaded.counts() == index.counts()
    query = (centres[7] / np.linalg.norm(centres[7])).astype(np.float32)[None]
    with loaded.reading() as after, index.reading() as before:
        assert after.nearest_documents(query, 10) == before.nearest_documents(query, 10)
    assert loaded.problems() == []
    loaded.apply(remove_experts=[7])
    assert loaded.counts()["experts"] == 1199


def test_ivf_lists_are_half_precision_and_score_like_exact_search() -> None:
    rng = np.random.default_rng(5)
    data = rng.standard_normal((3000, DIM)).astype(np.float32)
    data /= np.linalg.norm(data, axis=1, keepdims=True)
    exact = vectors.new_flat(DIM)
    exact.add_with_ids(data, np.arange(100, 3100, dtype=np.int64))
    ivf = vectors.to_ivf(exact, min_vectors=1000)
    assert isinstance(ivf, faiss.IndexIVFScalarQuantizer)
    assert vectors.kind(ivf) == "ivf"
    assert ivf.code_size == 2 * DIM  # two bytes a component
    query = data[:20] + 0.1 * rng.standard_normal((20, DIM)).astype(np.float32)
    query /= np.linalg.norm(query, axis=1, keepdims=True)
    ivf.nprobe = int(ivf.nlist)  # every list: what is left is the precision of the stored vectors
    found, ids = ivf.search(query, 10)
    truth, truth_ids = exact.search(query, 10)
    overlap = [len(set(a) & set(b)) / 10 for a, b in zip(ids, truth_ids, strict=True)]
    assert np.mean(overlap) >= 0.95  # only near-ties may swap places
    assert np.abs(np.sort(found, axis=1) - np.sort(truth, axis=1)).max() < 2e-3
    assert np.abs(ivf.reconstruct(100) - data[0]).max() < 1e-3


def test_an_index_saved_with_float32_lists_still_loads(
    big_index: tuple[ExpertIndex, np.ndarray], tmp_path: Path
) -> None:
    """Index files written before the lists were half precision (``IndexIVFFlat``) are used as they are."""
    index, centres = big_index
    manifest = store.save(index, tmp_path)
    works_file = tmp_path / manifest["generation"] / "works.faiss"
    saved = faiss.read_index(str(works_file))
    ids = vectors.ids_of(saved)
    old = faiss.IndexIVFFlat(faiss.IndexFlatIP(DIM), DIM, 64, faiss.METRIC_INNER_PRODUCT)
    stored = np.vstack([saved.reconstruct(int(i)) for i in ids])
    old.train(stored)
    old.set_direct_map_type(faiss.DirectMap.Hashtable)
    old.add_with_ids(stored, ids)
    old.nprobe = 64
    faiss.write_index(old, str(works_file))
    manifest["files"]["works.faiss"] = hashlib.sha256(works_file.read_bytes()).hexdigest()
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    loaded = store.load(tmp_path, model_id="test", dim=DIM)
    assert loaded.kinds()["works"] == "ivf"
    assert loaded.problems() == []
    query = (centres[7] / np.linalg.norm(centres[7])).astype(np.float32)[None]
    with loaded.reading() as view:
        owners = {e for key, _ in view.nearest_documents(query, 30) for e, _ in view.experts_of_key(key)}
        assert view.work_vectors([70, 71]).shape == (2, DIM)
    assert owners
    assert all(e % 20 == 7 for e in owners)
    loaded.apply(remove_experts=[7])
    assert loaded.counts()["works"] == 3597


def test_bm25_wrapper_scores_like_bm25s_on_strings() -> None:
    import bm25s

    docs = [["锂电池", "隔膜", "涂布"], ["茶叶", "做青"], ["隔膜", "热收缩", "隔膜"], ["茶叶"]]
    vocab = Vocabulary()
    index = Bm25(["a", "b", "c", "d"], [vocab.encode(d) for d in docs], vocab)
    reference = bm25s.BM25()
    reference.index(docs, show_progress=False)
    query = ["隔膜", "涂布", "未知词"]
    ours = index.scores(vocab.lookup(query))
    theirs = reference.get_scores([t for t in query if t in reference.vocab_dict])
    assert np.allclose(ours, theirs, atol=1e-5)
    keys, scores = index.top(vocab.lookup(query), 3)
    assert keys == ["a", "c"]  # documents without a match are not returned
    assert scores[0] > scores[1] > 0
    assert index.idf(vocab.lookup(["隔膜"])[0]) < index.idf(vocab.lookup(["涂布"])[0])
    assert Bm25([], [], vocab).scores(vocab.lookup(query)).size == 0


def test_bm25_counts_a_repeated_query_token_like_bm25s() -> None:
    """A long demand repeats its words: each occurrence still counts, as in bm25s."""
    import bm25s

    rng = np.random.default_rng(11)
    vocab = Vocabulary([f"w{i}" for i in range(40)])
    docs = [rng.integers(0, 40, size=int(rng.integers(1, 30))).astype(np.int32) for _ in range(300)]
    index = Bm25(list(range(300)), docs, vocab)
    reference = bm25s.BM25()
    reference.index(([d.tolist() for d in docs], {i: i for i in range(40)}), show_progress=False)
    for _ in range(20):
        query = rng.integers(0, 40, size=int(rng.integers(1, 60))).tolist()  # repeats, in any order
        ours = index.scores(query)
        assert np.allclose(ours, reference.get_scores(query), rtol=1e-6, atol=1e-6)
    once, twice = index.scores([3]), index.scores([3, 3])
    assert np.allclose(twice, 2 * once)
    assert twice.max() > once.max() > 0
