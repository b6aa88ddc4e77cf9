"""The index follows the database: create, update, deactivate; deleted or corrupted files; model change."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database
from directory.profiles import set_expert_active
from ingestion.segment import search_tokens
from matching import repository, store
from matching.engine import MatchingEngine
from matching.index import ExpertIndex
from matching.scoring import ExpertEvidence, FusionWeights, gather_evidence
from models import Expert
from tests.factories import make_expert, make_society
from tests.matching.conftest import BATTERY, BATTERY_2, CERAMICS, SHOES, TEA, EngineFactory


def _evidence(engine: MatchingEngine, text: str) -> dict[int, ExpertEvidence]:
    index = engine.index
    assert index is not None
    vector = engine.encoder.encode_queries([text])[0]
    return gather_evidence(index, vector, index.vocab.lookup(search_tokens(text)), engine.weights).experts


def _search(engine: MatchingEngine, text: str) -> list[int]:
    """Expert ids by fused relevance for a free-text query (no constraints)."""
    evidence = _evidence(engine, text)
    return sorted(evidence, key=lambda e: -evidence[e].relevance(engine.weights))


def _documents(index: ExpertIndex) -> int:
    """Distinct work documents (texts) the index holds."""
    with index.reading() as view:
        return len(view.contents().documents)


def _assert_matches_database(engine: MatchingEngine, session: Session) -> None:
    index = engine.index
    assert index is not None
    assert index.expert_ids() == set(repository.active_expert_ids(session))
    assert index.counts()["works"] == repository.count_active_works(session)
    assert index.society_ids() == set(repository.active_society_ids(session))
    assert index.watermark == repository.max_change_id(session)
    assert index.lexical_is_current


def test_index_follows_create_update_and_deactivate(session: Session, make_engine: EngineFactory) -> None:
    battery = make_expert(session, "B1", fields="锂电池材料", works=[BATTERY])
    tea = make_expert(session, "T1", fields="茶学", works=[TEA])
    engine = make_engine()
    engine.ensure_ready(session)
    _assert_matches_database(engine, session)
    assert _search(engine, "隔膜涂布厚度不均匀")[0] == battery.id

    # create
    shoes = make_expert(session, "S1", fields="高分子发泡材料", works=[SHOES])
    assert engine.sync(session) == 1
    _assert_matches_database(engine, session)
    assert _search(engine, "EVA鞋底发泡回弹差")[0] == shoes.id

    # update: the tea expert moves to ceramics; his old work must no longer be found
    make_expert(session, "T1", fields="陶瓷材料", works=[CERAMICS], employer="德化陶瓷研究所", capacity=5)
    engine.sync(session)
    _assert_matches_database(engine, session)
    assert engine.index is not None
    card = engine.index.cards_of([tea.id])[tea.id]
    assert card is not None
    assert card.employer == "德化陶瓷研究所"
    assert card.capacity == 5
    assert _search(engine, "白瓷釉面出现针孔")[0] == tea.id
    old_topic = _evidence(engine, "乌龙茶做青香气")
    assert tea.id not in old_topic or old_topic[tea.id].lexical_profile == old_topic[tea.id].lexical_works == 0

    # deactivate
    set_expert_active(session, battery.id, False)
    engine.sync(session)
    _assert_matches_database(engine, session)
    assert battery.id not in _search(engine, "隔膜涂布厚度不均匀")
    assert engine.sync(session) == 0  # nothing new


def test_work_shared_by_two_experts_is_one_document_voting_for_both(
    session: Session, make_engine: EngineFactory
) -> None:
    a = make_expert(session, "A", works=[BATTERY])
    b = make_expert(session, "B", works=[BATTERY, BATTERY_2])
    engine = make_engine()
    engine.ensure_ready(session)
    index = engine.index
    assert index is not None
    assert index.counts()["works"] == 3
    assert _documents(index) == 2
    ranked = _search(engine, "隔膜涂布厚度不均匀")
    assert set(ranked[:2]) == {a.id, b.id}
    assert ranked[0] == b.id  # two works on the topic beat one

    make_expert(session, "A", works=[TEA])
    engine.sync(session)
    assert _documents(index) == 3  # the shared document stays for B
    with index.reading() as view:
        shared = view.works_of(b.id)[0]
        assert view.experts_of_key(shared.key) == [(b.id, shared.id)]


def test_a_second_engine_loads_the_saved_index_without_rebuilding(
    session: Session, make_engine: EngineFactory, index_dir: Path
) -> None:
    make_expert(session, "B1", works=[BATTERY])
    make_society(session, "bat", name="福建省电池学会", description="锂电池材料与工艺")
    first = make_engine()
    first.ensure_ready(session)
    manifest = store.read_manifest(index_dir)
    assert manifest is not None
    assert manifest["counts"] == {"experts": 1, "works": 1, "societies": 1}
    assert manifest["model"] == first.encoder.model_id
    assert manifest["dimension"] == 512

    make_expert(session, "T1", works=[TEA])  # a change the saved files have not seen
    second = make_engine()
    status = second.ensure_ready(session)
    assert status["state"] == "ready"
    assert "reason" not in status  # loaded and caught up, not rebuilt
    _assert_matches_database(second, session)


@pytest.mark.parametrize(
    "damage", ["delete_faiss", "corrupt_faiss", "corrupt_tokens", "delete_manifest", "garble_manifest"]
)
def test_deleted_or_corrupted_files_are_rebuilt(
    session: Session, make_engine: EngineFactory, index_dir: Path, damage: str
) -> None:
    battery = make_expert(session, "B1", works=[BATTERY])
    make_expert(session, "T1", works=[TEA])
    make_engine().ensure_ready(session)
    manifest = store.read_manifest(index_dir)
    assert manifest is not None
    generation = index_dir / manifest["generation"]
    if damage == "delete_faiss":
        (generation / "works.faiss").unlink()
    elif damage == "corrupt_faiss":
        data = bytearray((generation / "experts.faiss").read_bytes())
        data[len(data) // 2] ^= 0xFF
        (generation / "experts.faiss").write_bytes(bytes(data))
    elif damage == "corrupt_tokens":
        (generation / "tokens.npz").write_bytes(b"not a zip file")
    elif damage == "delete_manifest":
        (index_dir / "manifest.json").unlink()
    else:
        (index_dir / "manifest.json").write_text("{not json", encoding="utf-8")

    engine = make_engine()
    status = engine.ensure_ready(session)
    assert status["state"] == "ready"
    assert status.get("rebuilt_because")  # says why it rebuilt …
    assert "reason" not in status  # … but nothing is wrong any more
    _assert_matches_database(engine, session)
    assert _search(engine, "隔膜涂布厚度不均匀")[0] == battery.id
    assert store.read_manifest(index_dir)["generation"] != manifest["generation"]  # type: ignore[index]


def test_manifest_counts_that_disagree_with_the_files_force_a_rebuild(
    session: Session, make_engine: EngineFactory, index_dir: Path
) -> None:
    make_expert(session, "B1", works=[BATTERY])
    make_engine().ensure_ready(session)
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest["counts"]["experts"] = 7
    path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(store.IndexUnavailable):
        store.load(index_dir, model_id=manifest["model"], dim=manifest["dimension"])


def test_an_index_of_another_model_is_not_used(session: Session, make_engine: EngineFactory, index_dir: Path) -> None:
    make_expert(session, "B1", works=[BATTERY])
    make_engine().ensure_ready(session)
    path = index_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises(store.IndexUnavailable, match="模型") as caught:
        store.load(index_dir, model_id="some-other-model", dim=manifest["dimension"])
    assert caught.value.state == "stale"


def test_an_index_that_disagrees_with_the_database_is_rebuilt(
    session: Session, make_engine: EngineFactory, index_dir: Path
) -> None:
    expert = make_expert(session, "B1", works=[BATTERY])
    make_engine().ensure_ready(session)
    # A change the log does not show (e.g. a manual SQL fix): the consistency check catches it.
    expert.is_active = False
    session.flush()
    engine = make_engine()
    status = engine.ensure_ready(session)
    assert "不一致" in status["rebuilt_because"]
    _assert_matches_database(engine, session)


def test_searches_run_safely_while_profiles_change(fresh_database: Database, make_engine: EngineFactory) -> None:
    with fresh_database.unit_of_work() as session:
        for i in range(20):
            make_expert(session, f"E{i}", works=[BATTERY if i % 2 else TEA, SHOES if i % 3 else CERAMICS])
    engine = make_engine()
    with fresh_database.unit_of_work() as session:
        engine.ensure_ready(session)
    index = engine.index
    assert index is not None
    vector = engine.encoder.encode_queries(["隔膜涂布厚度不均匀"])[0]
    query_ids = index.vocab.lookup(search_tokens("隔膜涂布厚度不均匀"))
    with fresh_database.unit_of_work() as session:
        known = set(session.scalars(select(Expert.id)))
        toggled = session.scalar(select(Expert.id).where(Expert.code == "E1"))
    assert toggled is not None
    errors: list[BaseException] = []
    searches = [0]
    stop = threading.Event()

    def searcher() -> None:
        try:
            while not stop.is_set():
                evidence = gather_evidence(index, vector, query_ids, FusionWeights.from_settings())
                assert evidence.experts
                assert set(evidence.experts) <= known
                assert all(np.isfinite(ev.relevance(FusionWeights.from_settings())) for ev in evidence.experts.values())
                searches[0] += 1
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=searcher) for _ in range(3)]
    for t in threads:
        t.start()
    try:
        for round_ in range(5):
            with fresh_database.unit_of_work() as session:
                for i in range(0, 20, 3):
                    make_expert(session, f"E{i}", works=[CERAMICS if round_ % 2 else BATTERY_2])
                set_expert_active(session, toggled, bool(round_ % 2))
            with fresh_database.unit_of_work() as session:
                assert engine.sync(session) > 0
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert searches[0] > 0
    with fresh_database.unit_of_work() as session:
        _assert_matches_database(engine, session)


def test_factory_experts_reach_the_index(session: Session, make_engine: EngineFactory) -> None:
    engine = make_engine()
    engine.ensure_ready(session)
    society = make_society(session, name="测试茶学会", description="乌龙茶加工")
    expert = make_expert(session, societies=[society], fields="乌龙茶做青", works=[TEA[0]])
    assert engine.sync(session) == 2
    index = engine.index
    assert index is not None
    assert expert.id in index.expert_ids()
    assert society.id in index.society_ids()


def test_index_readers_take_the_read_lock_themselves(session: Session, make_engine: EngineFactory) -> None:
    expert = make_expert(session, "B1", works=[BATTERY])
    engine = make_engine()
    engine.ensure_ready(session)
    index = engine.index
    assert index is not None
    make_expert(session, "B1", works=[BATTERY], name="改名后的专家")
    got: list[object] = []
    with index.reading():  # a search in progress
        syncing = threading.Thread(target=engine.sync, args=(session,), daemon=True)
        syncing.start()
        syncing.join(0.3)
        assert syncing.is_alive()  # the sync waits for the search …
        reader = threading.Thread(target=lambda: got.append(index.cards_of([expert.id])), daemon=True)
        reader.start()
        reader.join(0.3)
        assert got == []  # … and a later reader waits for the sync instead of reading half of it
    syncing.join(5)
    reader.join(5)
    card = got[0][expert.id]  # type: ignore[index]
    assert card is not None
    assert card.name == "改名后的专家"
