"""First-start cost of the demo: what `make run` pays on an empty data folder.

    python -m bench.demo_load [--postgres URL]

Loads the demo into a fresh SQLite file (and a fresh PostgreSQL schema with ``--postgres``) the way
``bootstrap`` does — one unit of work, the engine from the settings with its index folder in a
temporary data directory — and prints one JSON line per backend: wall seconds of the whole load,
peak RSS, the rows written, and how long the serving process then takes to get its engine ready
from the index files the load left behind (``reused_index_s``) against building it again
(``rebuild_index_s``).
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(url: str, index_dir: Path) -> dict[str, object]:
    from core.db import Database
    from core.migrations import upgrade
    from core.settings import get_settings
    from demo import load_demo_data
    from matching.engine import MatchingEngine
    from matching.maintenance import prepare_index, rebuild_index

    settings = get_settings()
    db = Database.from_url(url)
    upgrade(db.engine)
    started = time.perf_counter()
    with db.unit_of_work() as session:
        engine = MatchingEngine(settings.embedding_model, index_dir)
        counts = load_demo_data(session, engine=engine, settings=settings)
    load_s = time.perf_counter() - started
    served = MatchingEngine(settings.embedding_model, index_dir)
    started = time.perf_counter()
    status = prepare_index(db, served)
    reused_s = time.perf_counter() - started
    started = time.perf_counter()
    rebuild_index(db, MatchingEngine(settings.embedding_model, None))
    rebuild_s = time.perf_counter() - started
    db.dispose()
    return {
        "backend": db.dialect,
        "load_s": round(load_s, 1),
        "peak_rss_mb": round(_peak_rss_mb()),
        "demands": counts.demands,
        "offers": counts.offers,
        "audit_events": counts.audit_events,
        "notifications": counts.notifications,
        "experts": counts.experts,
        "reused_index_s": round(reused_s, 2),
        "reused_index_rebuilt": bool(status.get("rebuilt_because")),
        "rebuild_index_s": round(rebuild_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", help="PostgreSQL URL; a fresh schema is made and dropped")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="zhuli-demo-load-") as tmp:
        workdir = Path(tmp)
        print(json.dumps(_measure(f"sqlite:///{workdir / 'zhuli.db'}", workdir / "index-sqlite")), flush=True)
        if args.postgres:
            schema = f"bench_{uuid.uuid4().hex[:8]}"
            admin = create_engine(args.postgres, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(args.postgres).update_query_dict({"options": f"-csearch_path={schema}"})
            try:
                print(json.dumps(_measure(url.render_as_string(hide_password=False), workdir / "index-pg")))
            finally:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                admin.dispose()


if __name__ == "__main__":
    main()
