"""Evidence for a query from the index, and its fusion into one relevance per expert.

Four kinds of evidence, each normalised per query to [0, 1] so that no single one can swamp the
others whatever its raw scale (BM25 is unbounded, cosines bunch together near 0.3–0.9):

- ``lexical_profile`` — BM25 of the whole profile document (fields, bio, every work), divided by the
  query's best; this is the classic baseline and the strongest signal when profiles are thin.
- ``lexical_works`` / ``dense_works`` — document-centric "votes" (Balog's model 2, Macdonald & Ounis'
  CombSUM voting): retrieve the ``work_depth`` best *distinct* work documents by BM25 and by cosine
  (for BM25 an expert's own text — fields, bio — is one more document of that expert),
  normalise their scores within that list, and give each expert the sum over its ``works_per_expert``
  best retrieved works. An expert with several works on the topic beats one stray mention; works
  outside the list do not vote, so a long unrelated track record earns nothing.
- ``dense_profile`` — cosine of the demand to the profile vector, min–max normalised within the
  retrieved list.

The fused relevance is a weighted sum (CombSUM over normalised scores). The weights favour the
lexical side (dense evidence is the weaker signal on long, specific demands) and were chosen on one
half of the dev set's demands and checked on the other half; numbers in ``matching/NOTES.md``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from core.settings import MatchingSettings
from matching.index import ExpertIndex
from matching.index_reader import IndexReader
from matching.lexical import top_indices
from matching.passages import PassageHits, passage_hits


@dataclass(frozen=True)
class FusionWeights:
    """How the evidence is fused; the values (and their defaults) come from ``MatchingSettings``."""

    lexical_profile: float
    lexical_works: float
    dense_works: float
    dense_profile: float
    work_depth: int
    works_per_expert: int
    profile_depth: int
    works_evidence_tokens: int
    dense_passages: float
    passage_depth: int

    @classmethod
    def from_settings(cls, m: MatchingSettings | None = None) -> FusionWeights:
        m = m or MatchingSettings()
        return cls(
            lexical_profile=m.weight_lexical_profile,
            lexical_works=m.weight_lexical_works,
            dense_works=m.weight_dense_works,
            dense_profile=m.weight_dense_profile,
            work_depth=m.work_depth,
            works_per_expert=m.works_per_expert,
            profile_depth=m.profile_depth,
            works_evidence_tokens=m.works_evidence_tokens,
            dense_passages=m.weight_dense_passages,
            passage_depth=m.passage_depth,
        )

    def total(self) -> float:
        return self.lexical_profile + self.lexical_works + self.dense_works + self.dense_profile + self.dense_passages


@dataclass(slots=True)
class ExpertEvidence:
    lexical_profile: float = 0.0
    lexical_works: float = 0.0
    dense_works: float = 0.0
    dense_profile: float = 0.0
    dense_passages: float = 0.0
    best_item: int | None = None
    """The field item that matched a demand passage best, when an item (not a work) did."""
    best_item_value: float = 0.0

    def relevance(self, w: FusionWeights) -> float:
        return (
            w.lexical_profile * self.lexical_profile
            + w.lexical_works * self.lexical_works
            + w.dense_works * self.dense_works
            + w.dense_profile * self.dense_profile
            + w.dense_passages * self.dense_passages
        )

    def parts(self, w: FusionWeights) -> dict[str, float]:
        return {
            "lexical_profile": w.lexical_profile * self.lexical_profile,
            "lexical_works": w.lexical_works * self.lexical_works,
            "dense_works": w.dense_works * self.dense_works,
            "dense_profile": w.dense_profile * self.dense_profile,
            "dense_passages": w.dense_passages * self.dense_passages,
        }


@dataclass
class QueryEvidence:
    experts: dict[int, ExpertEvidence]
    work_scores: np.ndarray
    """BM25 of every distinct work document (aligned with the lexical works index keys)."""
    societies_dense: dict[int, float]
    """Society cosines above the query's background, relative to the best (0–1)."""
    societies_lexical: dict[int, float]
    """Society BM25 relative to the best (0–1)."""


def _evidence(into: dict[int, ExpertEvidence], expert_id: int) -> ExpertEvidence:
    """The expert's evidence record, made on first use (``setdefault`` would build one every call)."""
    evidence = into.get(expert_id)
    if evidence is None:
        evidence = into[expert_id] = ExpertEvidence()
    return evidence


def _minmax(scores: np.ndarray) -> np.ndarray:
    if scores.size == 0:
        return scores
    lo, hi = float(scores.min()), float(scores.max())
    if hi - lo <= 1e-9:
        return np.ones_like(scores)
    return (scores - lo) / (hi - lo)


def _above(scores: np.ndarray, floor: float) -> np.ndarray:
    """``(s - floor) / (max - floor)`` clipped to [0, 1]."""
    if scores.size == 0:
        return scores
    hi = float(scores.max())
    if hi - floor <= 1e-9:
        return np.ones_like(scores) if hi > floor - 1e-9 else np.zeros_like(scores)
    return np.clip((scores - floor) / (hi - floor), 0.0, 1.0).astype(np.float32)


def _by_max(scores: np.ndarray) -> np.ndarray:
    if scores.size == 0:
        return scores
    hi = float(scores.max())
    return scores / hi if hi > 0 else np.zeros_like(scores)


def _vote(
    ranked: list[tuple[str, float]],
    normalised: np.ndarray,
    view: IndexReader,
    per_expert: int,
    into: dict[int, ExpertEvidence],
) -> dict[int, float]:
    votes: dict[int, list[float]] = defaultdict(list)
    voted: set[int] = set()  # a work votes once
    for (key, _), value in zip(ranked, normalised.tolist(), strict=True):
        for expert_id, work_id in view.experts_of_key(key):
            _evidence(into, expert_id)  # a voter is a candidate
            if work_id is not None:
                if work_id in voted:
                    continue
                voted.add(work_id)
            votes[expert_id].append(value)
    # ``ranked`` is best first, so each expert's votes already are: keep the first ``per_expert``
    return {e: sum(v[:per_expert]) for e, v in votes.items()}


def _work_richness(view: IndexReader, expert_id: int, full_at: int) -> float:
    """How far an expert's works can speak for it: its work text in tokens / ``full_at``, at most 1.

    Document votes add evidence when an expert has several substantial works (abstracts); with a
    fields line and a few titles they only repeat the whole-profile BM25 with noisier length
    normalisation (enterprise dev set: lexical votes alone 0.33 nDCG@10 against 0.50 for BM25).
    """
    if full_at <= 0:
        return 1.0
    return min(1.0, view.work_text_size(expert_id) / full_at)


def _passage_evidence(hits: list[PassageHits], into: dict[int, ExpertEvidence], newcomers: int) -> None:
    """Mean over passages of each expert's best item cosine, above the passage's background, relative
    to the passage's best (see :mod:`matching.passages`).

    Experts the other evidence already found get it in full; of those found by a passage alone, only
    its ``newcomers`` best join the candidates (an item many experts share would otherwise bring
    hundreds of weak candidates, each costing the ranking time, none reaching the top).
    """
    known = set(into)
    for passage in hits:
        if not passage.best:
            continue
        expert_ids = list(passage.best)
        found = list(passage.best.values())
        cosines = np.asarray([cosine for cosine, _ in found], dtype=np.float32)
        values = _minmax(cosines) if passage.floor is None else _above(cosines, passage.floor)
        fresh = np.flatnonzero([e not in known for e in expert_ids])
        # best cosine first, ties by position
        dropped = set(fresh[np.lexsort((fresh, -cosines[fresh]))][newcomers:].tolist())
        for i, (expert_id, value, (_, item)) in enumerate(zip(expert_ids, values.tolist(), found, strict=True)):
            if i in dropped:
                continue
            evidence = _evidence(into, expert_id)
            evidence.dense_passages += value / len(hits)
            if item is not None and value > evidence.best_item_value:
                evidence.best_item, evidence.best_item_value = item, value


def _search_works(
    view: IndexReader, query: np.ndarray, passages: np.ndarray | None, weights: FusionWeights
) -> tuple[tuple[np.ndarray, np.ndarray], list[int]]:
    """The work search of the demand (row 0) and of its passages, in one FAISS call; each passage's
    row in it. A passage whose vector is the demand's own (a one-paragraph demand) reuses row 0."""
    if passages is None:
        return view.search_works(query, 2 * weights.work_depth), []
    rows = [query[0]]
    passage_rows: list[int] = []
    for vector in np.ascontiguousarray(passages, dtype=np.float32):
        if np.array_equal(vector, query[0]):
            passage_rows.append(0)
        else:
            passage_rows.append(len(rows))
            rows.append(vector)
    depth = max(2 * weights.work_depth, weights.passage_depth)
    return view.search_works(np.vstack(rows), depth), passage_rows


def gather_evidence(
    index: ExpertIndex,
    query_vector: np.ndarray,
    query_ids: list[int],
    weights: FusionWeights,
    passage_vectors: np.ndarray | None = None,
) -> QueryEvidence:
    """Collect and normalise all evidence for one query (takes the index read lock).

    ``passage_vectors``: one row per demand passage (:func:`matching.passages.demand_passages`),
    or ``None`` for no passage evidence.
    """
    experts: dict[int, ExpertEvidence] = {}
    with index.reading() as view:
        lexical = view.lexical

        live = view.expert_ids()
        keys, scores = lexical.profiles.top(query_ids, weights.profile_depth)
        for expert_id, value in zip(keys, _by_max(scores).tolist(), strict=True):
            if expert_id in live:  # the first evidence: every record is new
                experts[expert_id] = ExpertEvidence(lexical_profile=value)

        work_scores = lexical.works.scores(query_ids)
        top = top_indices(work_scores, weights.work_depth)
        ranked = [(lexical.works.keys[i], float(work_scores[i])) for i in top]
        values = _by_max(np.asarray([s for _, s in ranked], dtype=np.float32))
        lex_votes = _vote(ranked, values, view, weights.works_per_expert, experts)
        richness = {e: _work_richness(view, e, weights.works_evidence_tokens) for e in lex_votes}
        society_scores = lexical.societies.scores(query_ids)
        societies_lexical = {
            int(s): float(v) for s, v in zip(lexical.societies.keys, _by_max(society_scores), strict=True)
        }

        query = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(1, -1)
        # Zero point of a cosine: the query's cosine to the mean of generic reference texts
        # (:mod:`matching.background`); min-max within the list for an index without one.
        background = view.background
        floor = float(query[0] @ background) if background is not None else None
        use_passages = passage_vectors is not None and weights.dense_passages > 0
        searched, passage_rows = _search_works(view, query, passage_vectors if use_passages else None, weights)
        dense_ranked = view.nearest_documents(query, weights.work_depth, (searched[0][0], searched[1][0]))
        cosines = np.asarray([s for _, s in dense_ranked], dtype=np.float32)
        values = _minmax(cosines) if floor is None else _above(cosines, floor)
        dense_votes = _vote(dense_ranked, values, view, weights.works_per_expert, experts)

        counts = view.counts()
        if counts["experts"]:
            d, ids = view.search_experts(query, min(weights.profile_depth, counts["experts"]))
            valid = ids[0] >= 0
            cosines = d[0][valid]
            values = _minmax(cosines) if floor is None else _above(cosines, floor)
            for expert_id, value in zip(ids[0][valid].tolist(), values.tolist(), strict=True):
                _evidence(experts, expert_id).dense_profile = value

        societies_dense: dict[int, float] = {}
        if counts["societies"]:
            d, ids = view.search_societies(query, counts["societies"])
            valid = ids[0] >= 0
            cosines = d[0][valid]
            values = _minmax(cosines) if floor is None else _above(cosines, floor)
            societies_dense = {int(s): float(v) for s, v in zip(ids[0][valid], values, strict=True)}
        if use_passages:
            assert passage_vectors is not None
            works = (searched[0][passage_rows], searched[1][passage_rows])
            hits = passage_hits(view, passage_vectors, weights.passage_depth, works)
            _passage_evidence(hits, experts, weights.passage_depth)

        # an expert removed by a sync while the lexical snapshot still lists it does not count
        active = experts.keys() & live

    for votes, attr in ((lex_votes, "lexical_works"), (dense_votes, "dense_works")):
        if votes:
            top_vote = max(votes.values())
            for expert_id, value in votes.items():
                share = richness[expert_id] if attr == "lexical_works" else 1.0
                setattr(experts[expert_id], attr, share * value / top_vote if top_vote > 0 else 0.0)
    return QueryEvidence(
        experts=experts if len(active) == len(experts) else {e: ev for e, ev in experts.items() if e in active},
        work_scores=work_scores,
        societies_dense=societies_dense,
        societies_lexical=societies_lexical,
    )


def supporting_works(
    index: ExpertIndex,
    evidence: QueryEvidence,
    query_vector: np.ndarray,
    expert_ids: list[int],
    weights: FusionWeights,
    per_expert: int = 3,
) -> dict[int, list[tuple[int, float]]]:
    """The best works of each expert for this query: ``(work id, score in [0, 1])``, best first.

    Uses every work of the expert, not only those that voted: lexical score relative to the query's
    best work document, cosine relative to 1.
    """
    query = np.ascontiguousarray(query_vector, dtype=np.float32).reshape(-1)
    out: dict[int, list[tuple[int, float]]] = {}
    with index.reading() as view:
        lexical = view.lexical.works
        best = float(evidence.work_scores.max()) if evidence.work_scores.size else 0.0
        share = weights.lexical_works + weights.dense_works
        for expert_id in expert_ids:
            works = view.works_of(expert_id)
            if not works:
                out[expert_id] = []
                continue
            cosines = view.work_vectors([w.id for w in works]) @ query
            scored: dict[str, tuple[int, float]] = {}
            for work, cosine in zip(works, cosines, strict=True):
                work_id, key = work.id, work.key
                position = lexical.position.get(key)
                lex = float(evidence.work_scores[position]) / best if position is not None and best > 0 else 0.0
                value = (weights.lexical_works * lex + weights.dense_works * max(float(cosine), 0.0)) / share
                if key not in scored or scored[key][1] < value:
                    scored[key] = (work_id, value)
            ranked = sorted(scored.values(), key=lambda t: -t[1])
            out[expert_id] = ranked[:per_expert]
    return out
