"""Keywords of a demand or profile text: jieba TF-IDF over the shared tokenizer.

The IDF table is fitted on our own corpus (expert profiles and works, society descriptions,
demands) by :func:`fit_idf_from_database` and written in jieba's format to
``<data_dir>/idf.txt``. Fitting uses jieba's general-language IDF as a prior and only lets our
corpus *lower* a word's weight: words every expert profile or demand uses (技术, 研究, 帮忙…)
stop looking special, while colloquial words that experts never write (老是, 我们厂) do not get
boosted just because the formal corpus lacks them. Until a table is fitted, jieba's own IDF is
used. TextRank is not used: one to three sentences give it too few co-occurrences to rank.
"""

from __future__ import annotations

import math
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ingestion import segment
from ingestion.pii import strip_placeholders
from models import Demand, Expert, Society

IDF_FILENAME = "idf.txt"
MIN_DOCUMENTS = 20
"""Below this many documents a fitted table says more about chance than about our domain."""
PRIOR_DOCUMENTS = 200.0
"""Weight of jieba's general IDF, in documents: our corpus overrides it as it grows past this."""
MIN_DOCUMENT_FREQUENCY = 2
"""A word seen in a single document is rare, not common: it keeps the general weight."""

# Words that describe the asking, not the subject; kept out of keywords (not out of BM25).
_NOT_KEYWORDS = frozenset(
    "专家 帮忙 帮助 解决 请教 咨询 企业 公司 我司 我厂 厂里 目前 现在 一直 经常 想请 请问 谢谢 麻烦 "
    "联系 电话 隐藏 方面 相关 进行 情况 有关 一下 比较 非常 如何 可以 能否 是否".split()
)
_HAS_WORD_CHAR = re.compile(r"[\u3400-\u9fffA-Za-z]")
# jieba's POS tags minus numerals, pronouns, adverbs, conjunctions, prepositions, particles,
# locality/time words and interjections. 'x' stays: user-dictionary words without a tag get it.
_ALL_POS = (
    "a ad ag an b c d df dg e eng f g h i j k l m mg mq n ng nr nrfg nrt ns nt nz o p q r rg rr rz s t tg "
    "u ud ug uj ul uv uz v vd vg vi vn vq x y z zg"
).split()
_DENIED_POS = set("c d df dg e f h k m mg mq o p q r rg rr rz t tg u ud ug uj ul uv uz y".split())
_ALLOWED_POS = tuple(p for p in _ALL_POS if p not in _DENIED_POS)
# How people address a contact: 张工, 李总, 王经理 (tagged nr) are not what a demand is about.
_FORM_OF_ADDRESS = re.compile(r"[\u4e00-\u9fff]{1,2}(?:工|总|经理|主任|老师|教授|博士|厂长|书记)")


@dataclass(frozen=True, slots=True)
class IdfTable:
    weights: dict[str, float]
    documents: int
    """How many corpus documents the table was fitted on."""
    adjusted: int
    """How many words our corpus moved away from the general weight."""


def _general_idf() -> tuple[dict[str, float], float]:
    import jieba.analyse

    freq: dict[str, float] = jieba.analyse.default_tfidf.idf_freq
    median: float = jieba.analyse.default_tfidf.median_idf
    return freq, median


def document_terms(text: str) -> set[str]:
    """The distinct words of one corpus document, as the keyword extractor will see them."""
    stop = segment.stopwords()
    terms: set[str] = set()
    for token in segment.tokenizer().lcut(strip_placeholders(text)):
        token = token.strip()
        if len(token) >= 2 and token not in stop and " " not in token and _HAS_WORD_CHAR.search(token):
            terms.add(token)
    return terms


def fit_idf(documents: Iterable[str]) -> IdfTable:
    """Blend document frequencies of ``documents`` into jieba's general IDF (see module docstring).

    ``idf(w) = min(general(w), ln((N + a) / (df(w) + a * exp(-general(w)))))`` with ``a`` =
    :data:`PRIOR_DOCUMENTS`; words unknown to the general table start from its median, like jieba.
    """
    general, median = _general_idf()
    df: Counter[str] = Counter()
    n = 0
    for doc in documents:
        n += 1
        df.update(document_terms(doc))
    weights = dict(general)
    adjusted = 0
    for word, count in df.items():
        if count < MIN_DOCUMENT_FREQUENCY:
            continue
        prior = general.get(word, median)
        blended = math.log((n + PRIOR_DOCUMENTS) / (count + PRIOR_DOCUMENTS * math.exp(-prior)))
        if blended < prior:
            weights[word] = blended
            adjusted += 1
    return IdfTable(weights=weights, documents=n, adjusted=adjusted)


def write_idf(table: IdfTable, path: Path) -> Path:
    """Write ``word idf`` lines (jieba's format) atomically: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for word, weight in table.weights.items():
            fh.write(f"{word} {weight:.6f}\n")
    os.replace(tmp, path)
    return path


def corpus_documents(session: Session) -> Iterator[str]:
    """One text per expert (profile and works), per society and per demand."""
    experts = session.scalars(select(Expert).options(selectinload(Expert.works)).execution_options(yield_per=500))
    for expert in experts:
        parts = [expert.title, expert.fields, expert.bio]
        for work in expert.works:
            parts.extend([work.title, " ".join(work.keywords), work.abstract])
        yield "\n".join(p for p in parts if p)
    for society in session.scalars(select(Society)):
        yield "\n".join([society.name, society.discipline, society.description, " ".join(society.industries)])
    for title, description in session.execute(select(Demand.title, Demand.description)):
        yield f"{title}\n{description}"


def default_idf_path() -> Path:
    from core.settings import get_settings

    return get_settings().data_dir / IDF_FILENAME


def fit_idf_from_database(session: Session, path: Path | None = None) -> IdfTable | None:
    """Fit on the whole corpus and write the table; None (nothing written) below :data:`MIN_DOCUMENTS`."""
    table = fit_idf(corpus_documents(session))
    if table.documents < MIN_DOCUMENTS:
        return None
    write_idf(table, path or default_idf_path())
    return table


class _Extractors:
    """jieba TFIDF objects by IDF file, reloaded when the file changes (e.g. after a refit)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[Path | None, tuple[tuple[int, int], Any]] = {}

    def get(self, idf_file: Path | None) -> Any:
        import jieba.analyse

        stat = idf_file.stat() if idf_file is not None else None
        stamp = (stat.st_mtime_ns, stat.st_size) if stat is not None else (0, 0)
        cached = self._cache.get(idf_file)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        with self._lock:
            cached = self._cache.get(idf_file)
            if cached is not None and cached[0] == stamp:
                return cached[1]
            import jieba.posseg

            extractor = jieba.analyse.TFIDF(str(idf_file) if idf_file is not None else None)
            extractor.tokenizer = segment.tokenizer()
            extractor.postokenizer = jieba.posseg.POSTokenizer(segment.tokenizer())
            extractor.stop_words = set(extractor.stop_words) | set(segment.stopwords()) | _NOT_KEYWORDS
            self._cache[idf_file] = (stamp, extractor)
            return extractor


_extractors = _Extractors()


def _resolve_idf_file(idf_file: Path | None) -> Path | None:
    path = idf_file if idf_file is not None else default_idf_path()
    return path if path.is_file() else None


def _components(word: str) -> list[str]:
    """Dictionary words that exactly tile a compound term: 锂电池隔膜 → 锂电池, 隔膜 (else none)."""
    if len(word) < 4:
        return []
    subs = {t for t in segment.tokenizer().lcut_for_search(word) if t != word and len(t) >= 2}
    parts: list[str] = []
    i = 0
    while i < len(word):
        best = max((s for s in subs if word.startswith(s, i)), key=len, default=None)
        if best is None:
            return []
        parts.append(best)
        i += len(best)
    return parts if len(parts) >= 2 else []


def extract_keywords_weighted(text: str, top_k: int = 8, *, idf_file: Path | None = None) -> list[tuple[str, float]]:
    """``(keyword, tf-idf weight)``, best first; see :func:`extract_keywords`."""
    text = unicodedata.normalize("NFKC", strip_placeholders(text))
    if not text.strip() or top_k <= 0:
        return []
    extractor = _extractors.get(_resolve_idf_file(idf_file))
    stop = extractor.stop_words
    seen: set[str] = set()
    out: list[tuple[str, float]] = []

    def keep(word: str, weight: float) -> None:
        key = word.lower()
        if len(out) < top_k and key not in seen and key not in stop and _HAS_WORD_CHAR.search(word):
            seen.add(key)
            out.append((word, weight))

    tags = extractor.extract_tags(text, topK=None, withWeight=True, allowPOS=_ALLOWED_POS, withFlag=True)
    for pair, weight in tags:
        word = pair.word.strip()
        if pair.flag.startswith("nr") and _FORM_OF_ADDRESS.fullmatch(word):
            continue
        keep(word, float(weight))
        # A compound from the domain dictionary also brings its parts, which other texts use alone.
        for part in _components(word):
            keep(part, float(weight))
        if len(out) >= top_k:
            break
    return out


def extract_keywords(text: str, top_k: int = 8, *, idf_file: Path | None = None) -> list[str]:
    """Up to ``top_k`` keywords of ``text``, best first.

    Words come from the shared tokenizer (so user-dictionary terms such as 锂电池 stay whole); a
    compound term is followed by the dictionary words that tile it (锂电池隔膜 → 锂电池, 隔膜);
    stopwords, single characters, numerals, pronouns, adverbs and other function words (by jieba
    part of speech), forms of address (张工), PII placeholders and asking-words (帮忙, 专家…) are
    left out; case-variants count once. ``idf_file`` overrides ``<data_dir>/idf.txt``; when that
    file does not exist jieba's general IDF is used.
    """
    return [word for word, _ in extract_keywords_weighted(text, top_k, idf_file=idf_file)]
