"""The texts the matcher embeds and tokenises for experts, works, societies and demands."""

from __future__ import annotations

import hashlib

from matching.repository import DemandRecord, ExpertRecord, SocietyRecord, WorkRecord

PROFILE_TITLES_CHARS = 600
"""How much of the work titles goes into the profile vector text (the works have their own vectors)."""


def _join(parts: list[str], sep: str = "\n") -> str:
    return sep.join(p.strip() for p in parts if p and p.strip())


def work_text(work: WorkRecord) -> str:
    return _join([work.title, "；".join(work.keywords), work.abstract])


def content_key(text: str) -> str:
    """Identity of a work document: the same text under several experts is one document."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def expert_own_text(expert: ExpertRecord) -> str:
    """Fields, bio and department: the profile without its works (tokenised for BM25)."""
    return _join([expert.fields, expert.department, expert.bio])


def expert_profile_text(expert: ExpertRecord) -> str:
    """What the profile vector encodes: own text plus the work titles (bounded)."""
    titles = "；".join(w.title for w in expert.works)[:PROFILE_TITLES_CHARS]
    return _join([expert.fields, expert.department, expert.bio, titles])


def society_text(society: SocietyRecord) -> str:
    return _join([society.name, society.discipline, "、".join(society.industries), society.description])


def demand_text(demand: DemandRecord) -> str:
    return _join([demand.title, "；".join(demand.keywords), demand.industry, demand.description])
