"""A real ``zhuli serve`` process on a free port and a fresh data folder (tests and ``bench/`` share it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Served:
    base_url: str
    data_dir: Path
    process: subprocess.Popen[str]
    env: dict[str, str]

    @property
    def database_url(self) -> str:
        return self.env.get("ZHULI_DATABASE_URL") or f"sqlite:///{self.data_dir / 'zhuli.db'}"


class ServeFailed(RuntimeError):
    pass


@contextmanager
def serving(data_dir: Path, *, env: dict[str, str] | None = None, timeout: float = 1200) -> Iterator[Served]:
    """Start ``zhuli serve`` on ``data_dir`` (demo data on first start) and stop it afterwards, also on failure.

    The first start builds the matching index before it answers (the demo's offers come from the real
    matcher), which takes minutes on a busy machine: hence the long default ``timeout``.

    ``env`` adds ``ZHULI_*`` settings; the caller's own ``ZHULI_*`` variables are not inherited.
    """
    port = free_port()
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ZHULI_")}
    full_env.update(ZHULI_DATA_DIR=str(data_dir), ZHULI_LOG_LEVEL="WARNING", **(env or {}))
    log_path = data_dir.parent / f"serve-{port}.log"
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--port", str(port)],
            env=full_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_up(base, proc, log_path, timeout)
            yield Served(base, data_dir, proc, full_env)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def _wait_until_up(base: str, proc: subprocess.Popen[str], log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServeFailed(f"zhuli serve exited early:\n{log_path.read_text(encoding='utf-8')[-4000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise ServeFailed(f"zhuli serve did not answer within {timeout:.0f} s")


def wait_until_index_ready(base: str, timeout: float = 300) -> None:
    """Wait until /healthz reports the matching index ready (it is built in the background after start)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/healthz", timeout=5).json().get("index", {}).get("state") == "ready":
            return
        time.sleep(0.5)
    raise ServeFailed(f"the matching index of {base} was not ready within {timeout:.0f} s")
