"""Passage-level dense evidence: each part of a long demand against each item of a thin profile.

A real enterprise demand is 600–2,500 characters in three paragraphs (需求背景 / 技术难题 / 技术目标);
one vector for all of it is near the average of its topics, and a fields line encoded whole is near
the average of its fields. Matching parts against parts finds the expert one of whose fields is
what one paragraph asks for (issue #11, ``matching/NOTES.md``):

- the demand's **passages** are its title with its keywords, and each paragraph of its description
  (:func:`demand_passages`), encoded in the one encoder call the demand already costs;
- the expert's **items** are its field items (:mod:`matching.items`) and its works;
- per passage, each expert's best item cosine, measured above that passage's background cosine
  and relative to the passage's best (see :mod:`matching.scoring`); the evidence is the mean over
  the passages, so an expert matching several parts of the demand beats one matching one part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from matching.documents import demand_text
from matching.embedding import QUERY_MAX_CHARS, Encoder, embed_texts
from matching.index_reader import IndexReader
from matching.repository import DemandRecord

MAX_PASSAGES = 8
"""Title passage plus at most this many − 1 paragraph passages (longer lists are grouped)."""


def _group(lines: list[str], groups: int) -> list[str]:
    """``lines`` joined into ``groups`` consecutive runs of about equal length."""
    total = sum(len(line) for line in lines)
    out: list[str] = []
    current: list[str] = []
    done = 0
    for line in lines:
        current.append(line)
        done += len(line)
        if done * groups >= total * (len(out) + 1) and len(out) < groups - 1:
            out.append("\n".join(current))
            current = []
    if current:
        out.append("\n".join(current))
    return out


def _paragraphs(demand: DemandRecord) -> list[str]:
    return [line.strip() for line in demand.description.splitlines() if line.strip()]


def demand_passages(demand: DemandRecord) -> list[str]:
    """Title + keywords, then each paragraph of the description; each at most ``QUERY_MAX_CHARS``."""
    head = "；".join(p for p in (demand.title.strip(), "；".join(demand.keywords).strip()) if p)
    lines = _paragraphs(demand)
    if len(lines) > MAX_PASSAGES - 1:
        lines = _group(lines, MAX_PASSAGES - 1)
    passages = [p[:QUERY_MAX_CHARS] for p in [head, *lines] if p]
    return list(dict.fromkeys(passages))


def encode_demand(
    encode: Callable[[list[str]], np.ndarray], demand: DemandRecord, text: str, *, passages: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """The vector of ``text`` (the demand's whole text) and, with ``passages``, one vector per passage,
    in one encoder batch.

    A one-paragraph demand's paragraph is its whole text less the title: the whole text's vector
    stands for it instead of a second encoding of nearly the same tokens (the encoder is the
    largest part of a match at 100k experts; the evaluation sets' figures are unchanged by it).
    """
    parts = demand_passages(demand) if passages else []
    if not parts:
        return encode([text])[0], None
    if len(parts) == 2 and len(_paragraphs(demand)) == 1 and parts[0] != parts[1]:
        vectors = encode([text, parts[0]])
        return vectors[0], np.vstack([vectors[1], vectors[0]])
    vectors = encode([text, *parts])
    return vectors[0], vectors[1:]


def demand_vectors(encoder: Encoder, demand: DemandRecord, *, passages: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """The demand's whole-text vector and, with ``passages``, its passages' (else ``None``).

    Demands are not kept in the database cache (a row per match would cost more than it saves); the
    in-process LRU serves repeats. A match encodes in line, before it reads the index. On a thread
    of its own, beside the reads and the BM25 step, the encoding made a match slower on the two-core
    target machine: the encoder's two BLAS threads and its Python share the cores and the GIL with
    the rest of the match (``matching/NOTES.md``, "Latency at 100k, fourth pass").
    """
    return encode_demand(
        lambda texts: embed_texts(None, encoder, texts, "query"), demand, demand_text(demand), passages=passages
    )


@dataclass
class PassageHits:
    """One passage's best item per expert: ``expert id -> (cosine, field item id or None for a work)``."""

    best: dict[int, tuple[float, int | None]]
    floor: float | None
    """The passage's cosine to the background (``None``: the index has no background vector)."""


def passage_hits(
    view: IndexReader,
    passages: np.ndarray,
    depth: int,
    works: tuple[np.ndarray, np.ndarray] | None = None,
) -> list[PassageHits]:
    """Each passage's nearest field items and works, reduced to each expert's best.

    ``works``: the passages' :meth:`~IndexReader.search_works` rows (at least ``depth`` wide) when
    the caller searched them with the demand's own vector in one call.
    """
    queries = np.ascontiguousarray(passages, dtype=np.float32)
    if queries.ndim != 2 or queries.shape[0] == 0 or depth <= 0:
        return []
    item_scores, item_ids = view.search_items(queries, depth)
    work_scores, work_ids = works if works is not None else view.search_works(queries, depth)
    work_scores, work_ids = work_scores[:, :depth], work_ids[:, :depth]
    background = view.background
    holders, works_by_id = view.item_holders(), view.work_authors()
    no_holders: set[int] = set()
    out: list[PassageHits] = []
    for row in range(queries.shape[0]):
        best: dict[int, tuple[float, int | None]] = {}
        held_by = best.get
        for score, item_id in zip(item_scores[row].tolist(), item_ids[row].tolist(), strict=True):
            if item_id < 0:
                break
            for expert_id in holders.get(item_id, no_holders):
                held = held_by(expert_id)
                if held is None or held[0] < score:
                    best[expert_id] = (score, item_id)
        for score, work_id in zip(work_scores[row].tolist(), work_ids[row].tolist(), strict=True):
            if work_id < 0:
                break
            work = works_by_id.get(work_id)
            if work is not None:
                author = work[0]
                held = held_by(author)
                if held is None or held[0] < score:
                    best[author] = (score, None)
        floor = float(queries[row] @ background) if background is not None else None
        out.append(PassageHits(best, floor))
    return out
