"""The log handler follows ``sys.stderr`` as it is when a record is written."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Callable, Iterator

import pytest

from core.logging import configure_logging

Redirect = Callable[[], io.StringIO]


@pytest.fixture
def redirect_stderr(monkeypatch: pytest.MonkeyPatch) -> Iterator[Redirect]:
    """Point sys.stderr at a new buffer on each call; the root logger is restored afterwards."""
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level

    def redirect() -> io.StringIO:
        buffer = io.StringIO()
        monkeypatch.setattr(sys, "stderr", buffer)
        return buffer

    yield redirect
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)


def test_records_go_to_the_current_stderr_even_after_the_old_one_closed(redirect_stderr: Redirect) -> None:
    first = redirect_stderr()
    configure_logging("INFO")
    logging.getLogger("zhuli.test").info("一条日志")
    assert "一条日志" in first.getvalue()

    first.close()  # what a test runner does with the stream it captured into
    second = redirect_stderr()
    logging.getLogger("zhuli.test").info("第二条")
    assert "第二条" in second.getvalue()
    assert "Logging error" not in second.getvalue()


def test_json_lines_carry_extras_and_keep_chinese(redirect_stderr: Redirect) -> None:
    out = redirect_stderr()
    configure_logging("INFO", json_lines=True)
    logging.getLogger("zhuli.test").info("索引就绪", extra={"count": 3})
    line = out.getvalue().strip()
    assert '"msg": "索引就绪"' in line
    assert '"count": 3' in line


def test_uvicorns_coloured_copy_of_the_message_is_not_repeated(redirect_stderr: Redirect) -> None:
    out = redirect_stderr()
    configure_logging("INFO")
    logging.getLogger("uvicorn.error").info("Finished server process [%d]", 1, extra={"color_message": "\x1b[36m"})
    assert "color_message" not in out.getvalue()
    assert "Finished server process [1]" in out.getvalue()
