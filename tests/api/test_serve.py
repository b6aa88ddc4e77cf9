"""What `make run` does, end to end: a real `zhuli serve` process on a fresh data folder."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    data_dir = tmp_path_factory.mktemp("run") / "var"
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHULI_")}
    env.update(ZHULI_DATA_DIR=str(data_dir), ZHULI_LOG_LEVEL="WARNING")
    proc = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"zhuli serve exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("zhuli serve did not answer within 180 s")
    yield base, data_dir, proc
    proc.terminate()
    proc.wait(timeout=30)


def test_serve_answers_healthz_200_on_the_embedded_default(served: tuple[str, Path, subprocess.Popen[str]]) -> None:
    base, data_dir, _ = served
    response = httpx.get(f"{base}/healthz", timeout=5)
    assert response.status_code == 200, response.text
    assert response.json()["database"]["dialect"] == "sqlite"
    assert response.json()["migrations"]["at_head"] is True
    assert (data_dir / "zhuli.db").exists()


def test_serve_loaded_the_demo_data_on_first_start(served: tuple[str, Path, subprocess.Popen[str]]) -> None:
    base, _, _ = served
    page = httpx.get(f"{base}/", timeout=10).text
    match = re.search(r"专家（在库）</th><td>(\d+)", page)
    assert match is not None
    assert int(match.group(1)) >= 600


def test_first_start_fitted_the_keyword_idf_on_our_corpus(served: tuple[str, Path, subprocess.Popen[str]]) -> None:
    import jieba.analyse

    _, data_dir, _ = served
    fitted = dict(line.split(" ") for line in (data_dir / "idf.txt").read_text(encoding="utf-8").splitlines())
    general = jieba.analyse.default_tfidf.idf_freq
    # words every profile uses stop looking special; words our corpus does not use keep jieba's weight
    assert float(fitted["研究"]) < general["研究"] - 0.5
    assert float(fitted["足球"]) == pytest.approx(general["足球"], abs=1e-5)
