"""ExpertIndex's state is its own: no public data attributes, nobody else reads its private ones,
and a reader inside ``reading()`` never sees half of an update."""

from __future__ import annotations

import ast
import sys
import threading
from pathlib import Path

import numpy as np

from matching.index import ExpertIndex
from matching.index_entries import PreparedExpert, PreparedSociety, PreparedWork
from matching.index_reader import IndexReader
from matching.repository import ExpertCard

ROOT = Path(__file__).resolve().parents[2]
INDEX = ROOT / "matching" / "index.py"
READER = ROOT / "matching" / "index_reader.py"
SKIP = {".venv", "node_modules", ".git", "var"}


def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name)


def _state_names(cls: ast.ClassDef) -> set[str]:
    """Every attribute the class assigns on ``self`` (or on a fresh instance in a classmethod)."""
    names = set()
    for node in ast.walk(cls):
        targets = (
            node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AnnAssign) else []
        )
        for t in targets:
            for element in t.elts if isinstance(t, ast.Tuple) else [t]:
                if isinstance(element, ast.Attribute) and isinstance(element.value, ast.Name):
                    names.add(element.attr)
    return names


def _sources() -> list[Path]:
    return [
        p for p in sorted(ROOT.rglob("*.py")) if not SKIP & set(p.relative_to(ROOT).parts) and p not in (INDEX, READER)
    ]


def _index_state() -> set[str]:
    """What ExpertIndex and the view it hands out keep on themselves."""
    index = _class(ast.parse(INDEX.read_text(encoding="utf-8")), "ExpertIndex")
    reader = _class(ast.parse(READER.read_text(encoding="utf-8")), "IndexReader")
    return _state_names(index) | _state_names(reader)


def test_expert_index_has_no_public_data_attributes() -> None:
    state = _index_state()
    assert state
    assert sorted(n for n in state if not n.startswith("_")) == []


def test_no_module_outside_the_index_reads_its_private_state() -> None:
    private = _index_state()
    offenders = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in private
                and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} .{node.attr}")
    assert offenders == []


def test_only_the_index_uses_the_entries_structure() -> None:
    users = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "matching.index_entries":
                if {a.name for a in node.names} & {"Entries"}:
                    users.append(str(path.relative_to(ROOT)))
    assert users == []


DIM = 8
WORKS = 3


def _generation(g: int) -> tuple[PreparedExpert, PreparedSociety]:
    """Expert 1 and society 1 as generation ``g`` writes them: every part carries ``g``."""
    vector = np.zeros(DIM, np.float32)
    vector[g % DIM] = 1.0
    works = tuple(
        PreparedWork(g * 10 + k, f"g{g}-{k}", vector, np.asarray([g], np.int32), (f"g{g}", g, "论文"))
        for k in range(WORKS)
    )
    expert = PreparedExpert(1, vector, np.asarray([g], np.int32), works, ExpertCard(f"g{g}", "", "", None, g, ()))
    return expert, PreparedSociety(1, vector, np.asarray([g], np.int32), "s", f"g{g}")


def _seen_generation(view: IndexReader) -> int:
    """The generation a reader sees; fails if the parts it reads come from different updates."""
    works = view.works_of(1)
    assert len(works) == WORKS
    labels = {view.label(w.id) for w in works}
    assert len(labels) == 1
    label = labels.pop()
    assert label is not None
    g = label[1]
    assert g is not None
    assert {w.key for w in works} == {f"g{g}-{k}" for k in range(WORKS)}
    for w in works:
        assert view.experts_of_key(w.key) == [(1, w.id)]
    assert view.work_vectors([w.id for w in works])[:, g % DIM].tolist() == [1.0] * WORKS
    assert view.profile_document(1).tolist() == [g] * (WORKS + 1)
    assert view.counts() == {"experts": 1, "works": WORKS, "societies": 1}
    _, ids = view.search_experts(np.eye(DIM, dtype=np.float32)[[g % DIM]], 1)
    assert ids[0].tolist() == [1]
    return g


def test_a_reader_never_sees_a_half_applied_update() -> None:
    index = ExpertIndex(model_id="test", dim=DIM)
    expert, society = _generation(1)
    index.apply(experts=[expert], societies=[society])
    errors: list[BaseException] = []
    seen: list[list[int]] = [[], []]
    done = threading.Event()

    def reader(mine: list[int]) -> None:
        try:
            while not done.is_set():
                with index.reading() as view:
                    mine.append(_seen_generation(view))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    previous = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    threads = [threading.Thread(target=reader, args=(mine,)) for mine in seen]
    try:
        for t in threads:
            t.start()
        for g in range(2, 300):
            expert, society = _generation(g)
            index.apply(experts=[expert], societies=[society])
    finally:
        done.set()
        for t in threads:
            t.join()
        sys.setswitchinterval(previous)
    assert errors == []
    assert all(len(set(mine)) > 1 for mine in seen)  # each reader ran while the updates did
    assert all(mine == sorted(mine) for mine in seen)  # and never went back to an older generation
    assert index.problems() == []


def test_an_update_waits_for_an_open_reader() -> None:
    index = ExpertIndex(model_id="test", dim=DIM)
    expert, society = _generation(1)
    index.apply(experts=[expert], societies=[society])
    applied = threading.Event()

    def writer() -> None:
        second, second_society = _generation(2)
        index.apply(experts=[second], societies=[second_society])
        applied.set()

    with index.reading() as view:
        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        assert not applied.wait(0.3)  # the writer is held back while the view is open …
        assert _seen_generation(view) == 1  # … and the view still reads one whole generation
    thread.join(5)
    assert applied.is_set()
    with index.reading() as view:
        assert _seen_generation(view) == 2
