"""Field items: an expert's research-fields line split into items, each with a vector of its own.

Thin profiles are one line of research fields ("1、3D打印工艺装备及应用 2、机械摩擦学…"). Encoded
whole, a line of five unrelated fields is a vector near none of them; split, each item is evidence
of its own, and a demand passage about one of them finds it (enterprise dev set, issue #11:
``matching/NOTES.md``). Items are what :mod:`matching.passages` scores demand passages against,
together with the works.

:class:`ItemIndex` keeps one vector per *distinct* item text (FAISS ``IndexIDMap2(IndexFlatIP)``,
IVF when large) and which experts hold it, as the works index does for co-authored works: the same
item under several experts is one document voting for each. It has no lock of its own; it lives
inside :class:`~matching.index.ExpertIndex`, whose lock covers it.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from matching import vectors

MAX_ITEMS = 16
"""Items kept per expert (the first ones: a fields line lists its main fields first)."""
MAX_ITEM_CHARS = 80
"""Longer pieces are prose (a career summary), not a field: cut to this length."""
MIN_ITEM_CHARS = 2

_NUMBERING = re.compile(
    r"(?:^|(?<=[\s；;，,。、:：]))[(（]?\d{1,2}(?:[)）]|[、.．](?!\d))"  # 1、 2. (3) （4） 5）
    r"|[(（]\d{1,2}[)）]"  # (1) glued to the previous item
    r"|[①-⑳]"
)
_SEPARATORS = re.compile(r"[；;。\n\r、]+|[\s\u3000]{2,}")


def split_fields(text: str) -> list[str]:
    """The items of a fields line: split at numbering, ``；``, ``、`` and line breaks; deduplicated.

    ``"1、3D打印工艺装备及应用 2、机械摩擦学"`` → ``["3D打印工艺装备及应用", "机械摩擦学"]``.
    """
    normal = unicodedata.normalize("NFC", text or "")  # not NFKC: ① would become a plain 1
    pieces = _SEPARATORS.split(_NUMBERING.sub("\n", normal))
    items: list[str] = []
    for piece in pieces:
        item = piece.strip(" \t,，:：.．-—·")[:MAX_ITEM_CHARS].strip()
        if len(item) >= MIN_ITEM_CHARS and not item.isdigit():
            items.append(item)
    return list(dict.fromkeys(items))[:MAX_ITEMS]


@dataclass(frozen=True, slots=True)
class PreparedItem:
    text: str
    vector: np.ndarray


class ItemIndex:
    """Distinct item texts with vectors, and the experts holding each (callers hold the owner's lock)."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.vectors: faiss.Index = vectors.new_flat(dim)
        self.text_id: dict[str, int] = {}
        self.item_text: dict[int, str] = {}
        self.holders: dict[int, set[int]] = {}
        self.expert_items: dict[int, tuple[int, ...]] = {}
        self._next_id = 1

    def __len__(self) -> int:
        return int(self.vectors.ntotal)

    def remove(self, expert_id: int) -> None:
        """Forget the expert's items; an item nobody holds any more leaves the vector index."""
        dropped: list[int] = []
        for item_id in self.expert_items.pop(expert_id, ()):
            holders = self.holders.get(item_id)
            if holders is None:
                continue
            holders.discard(expert_id)
            if not holders:
                del self.holders[item_id]
                del self.text_id[self.item_text.pop(item_id)]
                dropped.append(item_id)
        if dropped:
            vectors.remove_ids(self.vectors, dropped)

    def add(self, expert_id: int, items: Iterable[PreparedItem]) -> None:
        """Give the expert these items (call :meth:`remove` first when replacing)."""
        ids: list[int] = []
        new_ids: list[int] = []
        new_vectors: list[np.ndarray] = []
        for item in items:
            item_id = self.text_id.get(item.text)
            if item_id is None:
                vector = np.ascontiguousarray(item.vector, dtype=np.float32).reshape(-1)
                if vector.shape[0] != self.dim:
                    raise ValueError(
                        f"item vector of dimension {vector.shape[0]} given to a {self.dim}-dimension index"
                    )
                item_id, self._next_id = self._next_id, self._next_id + 1
                self.text_id[item.text] = item_id
                self.item_text[item_id] = item.text
                self.holders[item_id] = set()
                new_ids.append(item_id)
                new_vectors.append(vector)
            if item_id not in ids:
                ids.append(item_id)
                self.holders[item_id].add(expert_id)
        if new_ids:
            self.vectors.add_with_ids(np.vstack(new_vectors), np.asarray(new_ids, dtype=np.int64))
        self.expert_items[expert_id] = tuple(ids)

    def optimise(self, min_vectors: int = vectors.IVF_MIN_VECTORS) -> None:
        self.vectors = vectors.to_ivf(self.vectors, min_vectors=min_vectors)

    def search(self, queries: np.ndarray, depth: int) -> tuple[np.ndarray, np.ndarray]:
        """Cosines and item ids of the ``depth`` nearest items per query row (``-1`` pads)."""
        k = min(depth, len(self))
        if k <= 0:
            n = int(queries.shape[0])
            return np.zeros((n, 0), dtype=np.float32), np.zeros((n, 0), dtype=np.int64)
        scores, ids = self.vectors.search(np.ascontiguousarray(queries, dtype=np.float32), k)
        return scores, ids

    def problems(self, experts: set[int]) -> list[str]:
        """Broken invariants: holders re-derived from the experts' items, texts, vector ids."""
        holders: dict[int, set[int]] = {}
        for expert_id, ids in self.expert_items.items():
            for item_id in ids:
                holders.setdefault(item_id, set()).add(expert_id)
        out = []
        if not set(self.expert_items) <= experts:
            out.append("field items kept for experts not in the index")
        if holders != self.holders:
            out.append("field item -> experts map differs from the experts' items")
        if set(self.item_text) != set(holders) or {t: i for i, t in self.item_text.items()} != self.text_id:
            out.append("field item texts differ from the held items")
        stored = vectors.ids_of(self.vectors)
        if len(stored) != len(self.item_text) or set(stored.tolist()) != set(self.item_text):
            out.append("item vectors hold other ids than the field items")
        return out

    def texts_of(self, expert_id: int) -> list[str]:
        return [self.item_text[i] for i in self.expert_items.get(expert_id, ())]

    # -- persistence (inside the index's generation directory; checksums are the store's) ---------

    FILES = ("items.faiss", "items.json")

    def save(self, directory: Path) -> None:
        faiss.write_index(self.vectors, str(directory / "items.faiss"))
        body = {
            "next_id": self._next_id,
            "items": [[i, self.item_text[i]] for i in sorted(self.item_text)],
            "experts": [[e, list(ids)] for e, ids in sorted(self.expert_items.items())],
        }
        (directory / "items.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, dim: int) -> ItemIndex:
        """Read what :meth:`save` wrote; ``ValueError`` when the parts do not agree."""
        items = cls(dim)
        items.vectors = faiss.read_index(str(directory / "items.faiss"))
        if not vectors.is_supported(items.vectors) or items.vectors.d != dim:
            raise ValueError("field-item index type or dimension does not match")
        body = json.loads((directory / "items.json").read_text(encoding="utf-8"))
        items._next_id = int(body["next_id"])
        for item_id, text in body["items"]:
            items.item_text[int(item_id)] = str(text)
            items.text_id[str(text)] = int(item_id)
            items.holders[int(item_id)] = set()
        for expert_id, ids in body["experts"]:
            held = tuple(int(i) for i in ids)
            items.expert_items[int(expert_id)] = held
            for item_id in held:
                items.holders[item_id].add(int(expert_id))
        if any(i >= items._next_id for i in items.item_text):
            raise ValueError("field-item ids beyond the next id")
        return items
