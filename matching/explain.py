"""Reasons a society officer can read: matched keywords, supporting works, region."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from ingestion.segment import cut
from matching.index import ExpertIndex
from matching.schemas import SupportingWork

MATCHED_KEYWORDS = 8
SHOWN_KEYWORDS = 5
STRONG_WORK = 0.3
MIN_IDF = 1.0
"""Below this (a word in more than ~40% of profiles) a shared word explains nothing."""
MIN_PROFILES_FOR_IDF = 50
"""In a very small directory every word looks rare or common by chance: no idf filter then."""

GENERIC_WORDS = frozenset(
    """
    技术 研究 研发 开发 应用 方法 系统 关键 关键技术 提高 提升 改进 改善 优化 发展 要求 生产 企业 公司
    产业 产品 成果 项目 工作 分析 影响 问题 方面 情况 目标 效果 效率 质量 能力 水平 建设 管理 服务
    推广 示范 创新 集成 产业化 设计 实现 进行 开展 相关 主要 重要 一定 基础 通过 采用 利用 需要
    工艺 材料 设备 性能 标准 检测 控制 过程 体系 模式 平台 条件 因素 机制 作用 规律 特性 特征
    年 月 日 万元 亿元 以上 以下 左右 目前 近年来 现有 我国 福建 福建省 国内 国外
    """.split()
)
"""Words too general to be shown as a reason (retrieval still uses them, weighted by BM25)."""

_SHOWABLE = re.compile(r"^(?:[\u4e00-\u9fff].+|[\u4e00-\u9fff]|[a-z][a-z0-9\-+.]+)$")


def _showable(word: str) -> bool:
    if word in GENERIC_WORDS or len(word) < 2 or not _SHOWABLE.match(word):
        return False
    return not any(ch.isdigit() for ch in word)


def query_words(keywords: Sequence[str], text: str) -> list[str]:
    """The demand's own keywords first, then its precise-mode words, without duplicates."""
    words = [unicodedata.normalize("NFKC", k).strip().lower() for k in keywords]
    words += cut(text)
    return [w for w in dict.fromkeys(words) if _showable(w)]


def matched_keywords(index: ExpertIndex, expert_id: int, words: Sequence[tuple[str, int]]) -> list[str]:
    """Demand words found in the expert's profile, rarest first, without words inside longer ones."""
    with index.reading() as view:
        document = set(view.profile_document(expert_id).tolist())
        profiles = view.lexical.profiles
        use_idf = len(profiles) >= MIN_PROFILES_FOR_IDF
        hits = [(w, profiles.idf(i)) for w, i in words if i in document]
    hits = sorted((h for h in hits if not use_idf or h[1] >= MIN_IDF), key=lambda t: -t[1])
    kept: list[str] = []
    for word, _ in hits:
        if any(word in k for k in kept):
            continue
        kept = [k for k in kept if k not in word] + [word]
        if len(kept) == MATCHED_KEYWORDS:
            break
    return kept


def book_title(title: str) -> str:
    """``《title》``, unless the title already carries its own marks (``团体标准《…》``): never ``《…《…》》``."""
    return title if "《" in title or "》" in title else f"《{title}》"


def expert_reason(
    keywords: Sequence[str], works: Sequence[SupportingWork], region: str | None, field_item: str | None = None
) -> str:
    """``field_item``: the research field (an item of the fields line) that matched a part of the demand."""
    parts: list[str] = []
    if field_item:
        parts.append(f"研究方向与需求相符：{field_item}")
    if keywords:
        parts.append("关键词吻合：" + "、".join(keywords[:SHOWN_KEYWORDS]))
    strong = [w for w in works if w.score >= STRONG_WORK][:2] or list(works[:1])
    if strong:
        parts.append("代表成果：" + "、".join(book_title(w.title) for w in strong))
    if region:
        parts.append(f"同在{region}，便于对接")
    return "；".join(parts) if parts else "研究方向与需求语义相近"
