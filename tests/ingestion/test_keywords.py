from __future__ import annotations

import math
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from ingestion.keywords import (
    MIN_DOCUMENTS,
    corpus_documents,
    document_terms,
    extract_keywords,
    extract_keywords_weighted,
    fit_idf,
    fit_idf_from_database,
    write_idf,
)
from tests.factories import make_demand, make_expert, make_society


@pytest.fixture
def no_idf(tmp_path: Path) -> Path:
    """A path with no fitted table, so jieba's general IDF is used whatever the data dir holds."""
    return tmp_path / "missing-idf.txt"


def test_domain_terms_come_out_whole(no_idf: Path) -> None:
    keywords = extract_keywords("我们厂的锂电池隔膜涂布厚度老是不均匀", idf_file=no_idf)
    assert {"锂电池", "隔膜", "涂布"} <= set(keywords)
    assert "锂" not in keywords
    assert "电池" not in keywords


def test_stopwords_numerals_addresses_and_asking_words_are_not_keywords(no_idf: Path) -> None:
    keywords = extract_keywords(
        "我们厂的锂电池隔膜涂布厚度老是不均匀，良品率只有八成，想请专家帮忙，请联系张工", idf_file=no_idf
    )
    for word in ("老是", "我们", "八成", "专家", "帮忙", "张工"):
        assert word not in keywords
    assert "良品率" in keywords


def test_pii_placeholders_do_not_become_keywords(no_idf: Path) -> None:
    keywords = extract_keywords("鞋底发泡回弹性差，电话〔电话已隐藏〕，邮箱〔邮箱已隐藏〕", idf_file=no_idf)
    assert "隐藏" not in keywords
    assert not {"电话", "邮箱"} & set(keywords)  # the placeholders' words are not the demand's
    assert {"鞋底", "发泡", "回弹性"} <= set(keywords)


def test_top_k_limits_and_ascii_terms_count_once(no_idf: Path) -> None:
    keywords = extract_keywords("EVA发泡 eva Eva 鞋底 回弹性 配方 优化 材料 工艺", top_k=3, idf_file=no_idf)
    assert len(keywords) == 3
    assert len([k for k in keywords if k.lower() == "eva"]) <= 1
    assert extract_keywords("", idf_file=no_idf) == []
    assert extract_keywords("！！！", idf_file=no_idf) == []


def test_fitted_table_lowers_words_common_in_our_corpus_only(tmp_path: Path, no_idf: Path) -> None:
    corpus = ["锂电池隔膜涂布工艺研究与技术开发"] * 40 + ["茶叶加工技术研究"] * 40
    table = fit_idf(corpus)
    assert table.documents == 80
    path = write_idf(table, tmp_path / "idf.txt")
    text = "锂电池隔膜涂布厚度老是不均匀，技术研究"
    general = dict(extract_keywords_weighted(text, top_k=20, idf_file=no_idf))
    fitted = dict(extract_keywords_weighted(text, top_k=20, idf_file=path))
    assert fitted["技术"] < general["技术"]
    assert fitted["锂电池"] < general["锂电池"]
    assert fitted["厚度"] == pytest.approx(general["厚度"])  # not in our corpus: general weight kept


def test_word_seen_in_one_document_keeps_its_general_weight() -> None:
    rare = sorted(document_terms("钠离子电池正极材料"))
    common = sorted(document_terms("茶叶，品质"))
    table = fit_idf(["钠离子电池正极材料"] + ["茶叶，品质"] * 30)
    general = fit_idf([])
    assert rare
    assert common
    for term in rare:
        assert table.weights.get(term) == general.weights.get(term)
    for term in common:
        assert table.weights[term] < general.weights.get(term, math.inf)


def test_refitted_file_is_picked_up(tmp_path: Path) -> None:
    path = tmp_path / "idf.txt"
    write_idf(fit_idf([]), path)
    before = dict(extract_keywords_weighted("茶叶揉捻工艺", idf_file=path))
    write_idf(fit_idf(["茶叶揉捻"] * 50), path)
    after = dict(extract_keywords_weighted("茶叶揉捻工艺", idf_file=path))
    assert after["茶叶"] < before["茶叶"]


def test_fit_from_database_reads_experts_societies_and_demands(session: Session, tmp_path: Path) -> None:
    society = make_society(session, description="福建省茶叶学会，服务茶产业")
    for n in range(MIN_DOCUMENTS):
        make_expert(
            session,
            societies=[society],
            fields="茶叶加工；乌龙茶揉捻",
            works=[(f"乌龙茶做青工艺研究{n}", ["做青"], "")],
        )
    make_demand(session, title="茶叶揉捻后色泽发暗", description="乌龙茶揉捻后色泽发暗")
    docs = list(corpus_documents(session))
    assert any("做青工艺" in d for d in docs)
    assert any("服务茶产业" in d for d in docs)
    assert any("色泽发暗" in d for d in docs)
    path = tmp_path / "data" / "idf.txt"
    table = fit_idf_from_database(session, path)
    assert table is not None
    assert path.is_file()
    assert table.weights["乌龙茶"] < fit_idf([]).weights["乌龙茶"]


def test_small_corpus_is_not_fitted(session: Session, tmp_path: Path) -> None:
    path = tmp_path / "idf.txt"
    for _ in range(3):
        make_expert(session, fields="茶叶加工")
    assert len(list(corpus_documents(session))) < MIN_DOCUMENTS
    assert fit_idf_from_database(session, path) is None
    assert not path.exists()
