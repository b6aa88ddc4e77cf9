"""Two processes sharing the access token through the database never invalidate each other."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.platform.fake import FakeWeChatApi
from core.db import Database

SENDS = 150
INVALIDATIONS = 5


def test_two_processes_refresh_the_token_once_per_invalidation(fresh_database: Database) -> None:
    # No grace for old tokens: a second, needless fetch would break the other process's token at once.
    with FakeWeChatApi(token_grace=0.0) as fake:
        url = fresh_database.engine.url.render_as_string(hide_password=False)
        command = [sys.executable, "-m", "tests.bot.platform.token_hammer", url, fake.base_url, str(SENDS)]
        workers = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"]
        try:
            assert fake.wait_for(lambda f: len(f.calls("message/template/send")) >= 20, timeout=60)
            for _ in range(INVALIDATIONS):
                fetched, sent = len(fake.calls("token")), len(fake.pushes())
                fake.invalidate_tokens()
                # the next invalidation only once both processes had time to move to the new token
                assert fake.wait_for(lambda f, sent=sent: len(f.pushes()) >= sent + 20, timeout=60), fake.calls("token")
                assert len(fake.calls("token")) == fetched + 1
            results = [json.loads(w.communicate(timeout=120)[0]) for w in workers]
        finally:
            for w in workers:
                if w.poll() is None:
                    w.kill()
                    w.wait()
        tokens = [(c.errcode, round(c.at, 3)) for c in fake.calls("token")]
        assert [r["errors"] for r in results] == [[], []], tokens
        assert sum(r["sent"] for r in results) == 2 * SENDS
        assert len(fake.pushes()) == 2 * SENDS
        # the first token, then one per invalidation at most (never one per process)
        assert len(tokens) == INVALIDATIONS + 1, tokens
        assert all(c.errcode == 0 for c in fake.calls("token"))
