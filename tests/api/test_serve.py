"""What `make run` does, end to end: a real `zhuli serve` process on a fresh data folder."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import serving


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, subprocess.Popen[str]]]:
    with serving(tmp_path_factory.mktemp("run") / "var") as server:
        yield server.base_url, server.data_dir, server.process


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
