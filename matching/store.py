"""Persisting an :class:`~matching.index.ExpertIndex` beside the database.

``<index_dir>/manifest.json`` is the only file ever replaced in place (``os.replace``, atomic); it
names a generation directory holding the FAISS files and the token store, with their SHA-256::

    index/
      manifest.json          {"format", "generation", "model", "dimension", "counts", "watermark",
                              "built_at", "saved_at", "files": {name: sha256}}
      g00000042-1a2b3c4d/    experts.faiss  works.faiss  societies.faiss  tokens.npz  vocab.json  cards.json
                             items.faiss  items.json  (field items, :mod:`matching.items`)

Writers take an exclusive ``flock`` on ``index/.lock`` (several API processes may save); a reader
that finds a file missing, a checksum wrong, a count or dimension off, or the model changed gets
:class:`IndexUnavailable` and the engine rebuilds from the database.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import astuple
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from matching import vectors
from matching.index import ExpertIndex
from matching.index_entries import ExpertEntry, IndexContents, SocietyEntry, WorkEntry, WorkLabel
from matching.items import ItemIndex
from matching.lexical import Vocabulary
from matching.repository import ExpertCard
from matching.state import IndexState

FORMAT = 2
"""2: field items (``items.faiss``, ``items.json``, ``"items"`` in the manifest); a format-1 index is rebuilt."""
MANIFEST = "manifest.json"
_FAISS_FILES = ("experts.faiss", "works.faiss", "societies.faiss")
_KEEP_GENERATIONS = 3
"""Older generations are deleted; a process still loading one of the last three finds it."""


class IndexUnavailable(Exception):
    """The persisted index cannot be used (missing, corrupt, other model); ``reason`` says why."""

    def __init__(self, reason: str, *, state: IndexState = IndexState.CORRUPT) -> None:
        super().__init__(reason)
        self.reason = reason
        self.state = state


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@contextmanager
def _exclusive(directory: Path) -> Iterator[None]:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / ".lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _ragged(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    lengths = np.fromiter((a.size for a in arrays), dtype=np.int64, count=len(arrays))
    offsets = np.concatenate([np.zeros(1, np.int64), np.cumsum(lengths)])
    flat = np.concatenate(arrays).astype(np.int32) if arrays else np.zeros(0, np.int32)
    return offsets, flat


def _unragged(offsets: np.ndarray, flat: np.ndarray) -> list[np.ndarray]:
    return [flat[offsets[i] : offsets[i + 1]] for i in range(len(offsets) - 1)]


def read_manifest(directory: Path) -> dict[str, Any] | None:
    path = directory / MANIFEST
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"format": None}
    return data if isinstance(data, dict) else {"format": None}


def save(index: ExpertIndex, directory: Path) -> dict[str, Any]:
    """Write ``index`` as a new generation and point the manifest at it."""
    directory = Path(directory)
    with _exclusive(directory), index.reading() as view:
        contents = view.contents()
        generation = f"g{index.watermark:08d}-{uuid.uuid4().hex[:8]}"
        gen_dir = directory / generation
        gen_dir.mkdir(parents=True)
        faiss.write_index(contents.expert_vectors, str(gen_dir / "experts.faiss"))
        faiss.write_index(contents.work_vectors, str(gen_dir / "works.faiss"))
        faiss.write_index(contents.society_vectors, str(gen_dir / "societies.faiss"))
        experts, societies = contents.experts, contents.societies
        keys = sorted(contents.documents)
        key_pos = {k: i for i, k in enumerate(keys)}
        works = [w for e in experts for w in e.works]
        p_off, p_flat = _ragged([e.tokens for e in experts])
        k_off, k_flat = _ragged([contents.documents[k] for k in keys])
        s_off, s_flat = _ragged([s.tokens for s in societies])
        with (gen_dir / "tokens.npz").open("wb") as fh:
            np.savez(
                fh,
                expert_ids=np.asarray([e.id for e in experts], dtype=np.int64),
                expert_work_counts=np.asarray([len(e.works) for e in experts], dtype=np.int64),
                work_ids=np.asarray([w.id for w in works], dtype=np.int64),
                work_keys=np.asarray([key_pos[w.key] for w in works], dtype=np.int64),
                profile_offsets=p_off,
                profile_tokens=p_flat,
                key_offsets=k_off,
                key_tokens=k_flat,
                society_ids=np.asarray([s.id for s in societies], dtype=np.int64),
                society_offsets=s_off,
                society_tokens=s_flat,
            )
        (gen_dir / "vocab.json").write_text(
            json.dumps({"tokens": index.vocab.tokens, "keys": keys}, ensure_ascii=False), encoding="utf-8"
        )
        cards = {
            "experts": [[e.id, *astuple(e.card)] for e in experts],
            "societies": [[s.id, s.code, s.name] for s in societies],
            "works": [[w.id, *w.label] for w in works],
        }
        (gen_dir / "cards.json").write_text(json.dumps(cards, ensure_ascii=False), encoding="utf-8")
        contents.items.save(gen_dir)
        files = {p.name: _sha256(p) for p in sorted(gen_dir.iterdir())}
        for p in gen_dir.iterdir():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "generation": generation,
            "model": index.model_id,
            "dimension": index.dim,
            "counts": view.counts(),
            "items": len(contents.items),
            "kinds": {"experts": vectors.kind(contents.expert_vectors), "works": vectors.kind(contents.work_vectors)},
            "watermark": index.watermark,
            "built_at": index.built_at,
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": files,
        }
        tmp = directory / f".{MANIFEST}.{uuid.uuid4().hex[:8]}"
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, directory / MANIFEST)
        _prune(directory, keep=generation)
    return manifest


def _prune(directory: Path, keep: str) -> None:
    generations = sorted(
        (p for p in directory.iterdir() if p.is_dir() and p.name.startswith("g")),
        key=lambda p: p.stat().st_mtime,
    )
    stale = [p for p in generations if p.name != keep][: max(0, len(generations) - _KEEP_GENERATIONS)]
    for p in stale:
        shutil.rmtree(p, ignore_errors=True)


def load(directory: Path, *, model_id: str, dim: int) -> ExpertIndex:
    """Read and verify the persisted index; raise :class:`IndexUnavailable` if it cannot be trusted."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    if manifest is None:
        raise IndexUnavailable("索引文件不存在", state=IndexState.MISSING)
    if manifest.get("format") != FORMAT:
        raise IndexUnavailable("索引清单无法识别")
    if manifest.get("model") != model_id or manifest.get("dimension") != dim:
        raise IndexUnavailable(
            f"索引由模型 {manifest.get('model')}（{manifest.get('dimension')} 维）生成，当前为 {model_id}（{dim} 维）",
            state=IndexState.STALE,
        )
    gen_dir = directory / str(manifest.get("generation"))
    files: dict[str, str] = manifest.get("files") or {}
    for name in (*_FAISS_FILES, "tokens.npz", "vocab.json", "cards.json", *ItemIndex.FILES):
        path = gen_dir / name
        if not path.exists():
            raise IndexUnavailable(f"索引文件 {name} 缺失")
        if files.get(name) != _sha256(path):
            raise IndexUnavailable(f"索引文件 {name} 校验失败")
    try:
        vocab_data = json.loads((gen_dir / "vocab.json").read_text(encoding="utf-8"))
        keys: list[str] = vocab_data["keys"]
        cards = json.loads((gen_dir / "cards.json").read_text(encoding="utf-8"))
        expert_cards = {
            int(c[0]): ExpertCard(str(c[1]), str(c[2]), str(c[3]), c[4], int(c[5]), tuple(int(x) for x in c[6]))
            for c in cards["experts"]
        }
        labels: dict[int, WorkLabel] = {int(c[0]): (str(c[1]), c[2], str(c[3])) for c in cards["works"]}
        names = {int(c[0]): (str(c[1]), str(c[2])) for c in cards["societies"]}
        with np.load(gen_dir / "tokens.npz", allow_pickle=False) as z:
            expert_ids = z["expert_ids"].tolist()
            counts = z["expert_work_counts"].tolist()
            work_ids = z["work_ids"].tolist()
            work_keys = z["work_keys"].tolist()
            profile_tokens = _unragged(z["profile_offsets"], z["profile_tokens"])
            key_tokens = _unragged(z["key_offsets"], z["key_tokens"])
            society_ids = z["society_ids"].tolist()
            society_tokens = _unragged(z["society_offsets"], z["society_tokens"])
        if set(expert_cards) != set(expert_ids) or set(names) != set(society_ids) or set(labels) != set(work_ids):
            raise IndexUnavailable("索引中的专家卡片与条目不符")
        works = iter(WorkEntry(w, keys[k], labels[w]) for w, k in zip(work_ids, work_keys, strict=True))
        experts = tuple(
            ExpertEntry.of_parts(e, expert_cards[e], tokens, tuple(next(works) for _ in range(n)))
            for e, n, tokens in zip(expert_ids, counts, profile_tokens, strict=True)
        )
        contents = IndexContents(
            experts=experts,
            societies=tuple(
                SocietyEntry(s, *names[s], tokens) for s, tokens in zip(society_ids, society_tokens, strict=True)
            ),
            documents=dict(zip(keys, key_tokens, strict=True)),
            expert_vectors=faiss.read_index(str(gen_dir / "experts.faiss")),
            work_vectors=faiss.read_index(str(gen_dir / "works.faiss")),
            society_vectors=faiss.read_index(str(gen_dir / "societies.faiss")),
            items=ItemIndex.load(gen_dir, dim),
        )
        expected = manifest.get("counts") or {}
        actual = {"experts": len(experts), "works": len(work_ids), "societies": len(society_ids)}
        if actual != expected:
            raise IndexUnavailable(f"索引条目数与清单不符（{actual} ≠ {expected}）")
        if len(contents.items) != manifest.get("items"):
            raise IndexUnavailable(
                f"索引中的研究方向条目数与清单不符（{len(contents.items)} ≠ {manifest.get('items')}）"
            )
        return ExpertIndex.restore(
            contents,
            model_id=model_id,
            dim=dim,
            vocab=Vocabulary(vocab_data["tokens"]),
            watermark=int(manifest["watermark"]),
            built_at=str(manifest.get("built_at", "")),
        )
    except (OSError, ValueError, KeyError, IndexError, TypeError, RuntimeError, StopIteration) as exc:
        raise IndexUnavailable(f"索引文件无法读取：{exc}") from exc
