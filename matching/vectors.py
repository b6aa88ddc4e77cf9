"""The FAISS index types the matcher uses, and the switch from exact to inverted-file search.

A flat inner-product index reads every vector on every search: at 512 dimensions that is 2 KB per
vector, so 30k work vectors already cost ~15 ms of memory bandwidth on the 2-core target machine and
300k cost ~150 ms. Small collections stay exact (``IndexIDMap2(IndexFlatIP)``); from
:data:`IVF_MIN_VECTORS` on, a rebuild trains an inverted-file index (nlist ≈ 4·√n, inner product,
database ids as its own ids, hash-table direct map so ``remove_ids`` and ``reconstruct`` keep
working) and searches ``nprobe`` lists (3–6 % of the vectors). Both types take incremental
``add_with_ids`` / ``remove_ids``; an index that outgrows the threshold between rebuilds stays flat
until the next rebuild.

The inverted lists hold half-precision vectors (``IndexIVFScalarQuantizer``, ``QT_fp16``): a search
reads 1 KB per vector instead of 2 KB, and reading is what it costs (300k works, 64 lists, two
queries: 3.5 → 2.2 ms). A unit vector's components lose nothing that matters in fp16: cosines move
by about 1e-4 and recall@100 against the float32 lists is 0.9998 (``bench/ivf_recall.py``). Index
files saved with float32 lists (``IndexIVFFlat``) still load and work; the next rebuild converts them.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from typing import TypeGuard, cast

import faiss
import numpy as np

SEARCH_THREADS = 1
"""One query at a time gains nothing from OpenMP, and idle OpenMP workers spin for a while after each
call: on two cores that steals the core the next step of the match needs (p95 68 → 38 ms at 10k)."""

IVF_MIN_VECTORS = 20_000
IVF_TRAIN_PER_LIST = 30
IVF_MIN_PROBES = 16
IVF_MAX_PROBES = 64


def use_search_threads() -> None:
    faiss.omp_set_num_threads(SEARCH_THREADS)


def new_flat(dim: int) -> faiss.Index:
    return faiss.IndexIDMap2(faiss.IndexFlatIP(dim))


def is_supported(index: faiss.Index) -> bool:
    return isinstance(index, faiss.IndexIDMap2 | faiss.IndexIVFScalarQuantizer | faiss.IndexIVFFlat)


def is_ivf(index: faiss.Index) -> TypeGuard[faiss.IndexIVF]:
    return isinstance(index, faiss.IndexIVF)


def kind(index: faiss.Index) -> str:
    return "ivf" if is_ivf(index) else "flat"


def _flat_contents(index: faiss.Index) -> tuple[np.ndarray, np.ndarray]:
    """Ids and vectors of an ``IndexIDMap2(IndexFlat)`` (copies)."""
    idmap = cast(faiss.IndexIDMap2, index)
    flat = cast(faiss.IndexFlat, faiss.downcast_index(idmap.index))
    n, dim = int(idmap.ntotal), int(idmap.d)
    ids = faiss.vector_to_array(idmap.id_map).astype(np.int64)
    vectors = faiss.rev_swig_ptr(flat.get_xb(), n * dim).reshape(n, dim).copy()
    return ids, vectors


def ids_of(index: faiss.Index) -> np.ndarray:
    """Every id stored in a supported index (a copy), in no particular order."""
    if is_ivf(index):
        lists = index.invlists
        assert lists is not None
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(i), n).copy() for i in range(index.nlist) if (n := lists.list_size(i)) > 0
        ]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
    return faiss.vector_to_array(cast(faiss.IndexIDMap2, index).id_map).astype(np.int64)


def probes_for(nlist: int) -> int:
    return max(IVF_MIN_PROBES, min(IVF_MAX_PROBES, nlist // 32))


def to_ivf(index: faiss.Index, *, min_vectors: int = IVF_MIN_VECTORS, seed: int = 1234) -> faiss.Index:
    """An IVF copy of a flat index (trained on its own vectors), or ``index`` itself if small."""
    n = int(index.ntotal)
    if n < min_vectors or is_ivf(index):
        return index
    ids, vectors = _flat_contents(index)
    dim = vectors.shape[1]
    nlist = max(64, int(4 * math.sqrt(n)))
    quantizer = faiss.IndexFlatIP(dim)
    ivf = faiss.IndexIVFScalarQuantizer(
        quantizer, dim, nlist, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT, False
    )
    rng = np.random.default_rng(seed)
    sample = vectors[rng.choice(n, size=min(n, nlist * IVF_TRAIN_PER_LIST), replace=False)]
    faiss.omp_set_num_threads(os.cpu_count() or 1)  # k-means is the one step that uses every core
    try:
        ivf.train(np.ascontiguousarray(sample))
    finally:
        use_search_threads()
    ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]  # missing from the stubs
    ivf.add_with_ids(vectors, ids)
    ivf.nprobe = probes_for(nlist)
    # the quantizer is owned by the Python object; keep it alive as long as the index
    ivf.referenced_objects = [quantizer]  # type: ignore[attr-defined]
    return ivf


def id_array(values: Iterable[int]) -> np.ndarray:
    """FAISS ids as the int64 array its calls take."""
    return np.fromiter(values, dtype=np.int64)


def remove_ids(index: faiss.Index, ids: Iterable[int]) -> None:
    # IDSelectorArray: the one selector both IndexIDMap2 and an IVF hash-table direct map accept
    index.remove_ids(faiss.IDSelectorArray(id_array(ids)))
