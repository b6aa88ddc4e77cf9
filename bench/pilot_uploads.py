"""Pilot material uploads over HTTP: checked by content, synced to disk, recorded — and refused ones.

    python bench/pilot_uploads.py [--count 20] [--backend sqlite|postgresql|both]

A society's application takes ``--count`` uploads each of a 1 MB and a 10 MB (the default limit) PDF
through ``POST /api/pilot-applications/{id}/files`` (TestClient, the real app and middleware), then
as many refusals of a 10 MB file that only claims to be a PDF. Prints p50 / p95 ms per request,
MB/s for the accepted ones, and the peak RSS. No network; PostgreSQL at ``ZHULI_TEST_POSTGRES_URL``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from accounts import issue_token  # noqa: E402
from api.app import create_app  # noqa: E402
from bench._scratch import percentile, scratch_database  # noqa: E402
from core.migrations import upgrade  # noqa: E402
from core.settings import Settings  # noqa: E402
from directory.regions import sync_regions  # noqa: E402
from models import Role, Society, User  # noqa: E402

MB = 1024 * 1024


def run(backend: str, count: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp, scratch_database(backend) as db:
        settings = Settings(data_dir=Path(tmp) / "var", demo_data=False)
        upgrade(db.engine)
        with db.unit_of_work() as session:
            sync_regions(session)
            society = Society(code="BENCH", name="压测学会")
            session.add(society)
            session.flush()
            user = User(username="bench-soc", display_name="压测学会", role=Role.SOCIETY, society_id=society.id)
            session.add(user)
            session.flush()
            headers = {"Authorization": f"Bearer {issue_token(user, settings)}"}
        body = {"year": 2030, "title": "压测申报", "contact_name": "王", "contact_phone": "0591-1234567"}
        figures: dict[str, object] = {"backend": backend, "count": count}
        with TestClient(create_app(settings, database=db, keep_index=False, run_worker=False)) as client:
            app_id = client.post("/api/pilot-applications", json=body, headers=headers).json()["id"]
            url = f"/api/pilot-applications/{app_id}/files"
            cases = {
                "pdf_1mb": (b"%PDF-1.7\n" + b"0" * (MB - 9), 200),
                "pdf_10mb": (b"%PDF-1.7\n" + b"0" * (10 * MB - 9), 200),
                "fake_pdf_10mb_refused": (b"MZ" + b"\0" * (10 * MB - 2), 422),
            }
            for name, (data, status) in cases.items():
                samples = []
                for _ in range(count):
                    t0 = time.perf_counter()
                    r = client.post(
                        url, data={"material": "work_plan"}, files={"file": ("f.pdf", data)}, headers=headers
                    )
                    samples.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == status, r.text[:200]
                figures[name] = {
                    "p50_ms": percentile(samples, 0.5),
                    "p95_ms": percentile(samples, 0.95),
                    "mb_per_s": round(len(data) / MB * count / (sum(samples) / 1000), 1),
                }
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    args = parser.parse_args()
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        print(json.dumps(run(backend, args.count), ensure_ascii=False))


if __name__ == "__main__":
    main()
