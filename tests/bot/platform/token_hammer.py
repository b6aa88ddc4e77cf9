"""A separate process that sends template messages through WeChatApi and reports what failed.

Run by ``test_token_sharing``: ``python -m tests.bot.platform.token_hammer DB_URL BASE_URL COUNT``.
"""

from __future__ import annotations

import json
import sys
import time

from bot.platform.client import WeChatApi
from bot.platform.errors import WeChatApiError
from core.db import Database
from core.settings import WeChatSettings


def main(database_url: str, base_url: str, count: int) -> None:
    db = Database.from_url(database_url)
    settings = WeChatSettings(
        app_id="wx-fake-app", app_secret="fake-secret", api_base_url=base_url, read_timeout_seconds=5.0
    )
    api = WeChatApi(settings, db)
    errors: list[str] = []
    for n in range(count):
        try:
            api.send_template(f"o-hammer-{n % 7}", "tpl", {"thing1": f"第{n}条"})
        except WeChatApiError as exc:
            errors.append(str(exc))
        time.sleep(0.01)
    db.dispose()
    sys.stdout.write(json.dumps({"sent": count - len(errors), "errors": errors}) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
