"""``zhuli chat`` (talk to a running Zhuli as WeChat would) and ``zhuli wechat menu`` (install the menu).

``zhuli chat`` posts signed — with ``ZHULI_WECHAT__ENCODING_AES_KEY`` set, AES-encrypted — platform
XML to ``<url>/wechat`` and prints the passive replies. It also runs a fake WeChat API on 127.0.0.1
and prints every message pushed through it; the server must use it as its API
(``ZHULI_WECHAT__API_BASE_URL``, printed at start). ``--serve`` starts such a server itself.
Lines from stdin are messages; scripts can pipe a whole conversation in.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from bot.platform.fake import FakeWeChatApi
    from bot.simulator import WeChatSimulator

CHAT_HELP = """命令（其余输入都作为文字消息发送）：
  /voice 文本      语音消息（微信的语音识别结果为“文本”）
  /image          图片消息
  /subscribe      关注公众号        /unsubscribe  取消关注
  /click KEY      点击菜单（SUBMIT 提交需求 · MY_DEMANDS 我的需求 · HELP 帮助）
  /user OPENID    换一个用户        /wait 秒数    等待推送
  /help           本说明            /quit         退出"""

wechat_app = typer.Typer(help="微信公众号 (WeChat Official Account).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add ``chat`` and the ``wechat`` group to the ``zhuli`` CLI."""
    app.command("chat")(chat)
    app.add_typer(wechat_app, name="wechat")


@wechat_app.command("menu")
def menu() -> None:
    """Install the custom menu (提交需求 / 我的需求 / 帮助) through the platform's API."""
    from bot.menu import MENU
    from bot.platform.client import WeChatApi
    from bot.platform.errors import WeChatApiError
    from core.db import Database
    from core.migrations import upgrade
    from core.settings import get_settings

    settings = get_settings()
    if not settings.wechat.app_id or not settings.wechat.app_secret.get_secret_value():
        typer.echo("请先设置 ZHULI_WECHAT__APP_ID 和 ZHULI_WECHAT__APP_SECRET。", err=True)
        raise typer.Exit(1)
    db = Database.from_url(settings.resolved_database_url)
    try:
        upgrade(db.engine)  # the access token is shared through the database
        WeChatApi(settings.wechat, db).create_menu(MENU)
    except WeChatApiError as exc:
        typer.echo(f"菜单创建失败：{exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        db.dispose()
    names = " / ".join(button["name"] for button in MENU["button"])
    typer.echo(f"菜单已创建：{names}")


def chat(
    url: Annotated[str, typer.Option(help="助力服务地址 (Zhuli base URL).")] = "http://127.0.0.1:8000",
    openid: Annotated[str, typer.Option(help="模拟用户的 openid.")] = "o-chat-user",
    serve: Annotated[
        bool, typer.Option("--serve", help="同时启动一个指向假微信接口的 zhuli serve (start a server too).")
    ] = False,
    fake_port: Annotated[int, typer.Option(help="假微信接口端口，0 为随机 (fake API port; 0: any free).")] = 0,
    linger: Annotated[float, typer.Option(help="输入结束后继续等待推送的秒数 (seconds to wait for pushes).")] = 3.0,
) -> None:
    """Talk to Zhuli as WeChat would; passive replies and pushed messages are printed."""
    from bot.platform.fake import Call, FakeWeChatApi
    from bot.simulator import SimulatedPlatform, WeChatSimulator
    from core.settings import get_settings

    wechat = get_settings().wechat
    token = wechat.token.get_secret_value() or ("zhuli-chat-token" if serve else "")
    if not token:
        typer.echo("请设置与服务器相同的 ZHULI_WECHAT__TOKEN，或用 --serve 同时启动服务器。", err=True)
        raise typer.Exit(1)
    app_id = wechat.app_id or "wx-zhuli-chat"
    aes_key = wechat.encoding_aes_key.get_secret_value() or None

    def show(call: Call) -> None:
        if call.push is not None:
            label = "客服消息" if call.push.kind == "custom" else "模板消息"
            typer.echo(f"【推送·{label} → {call.push.openid}】{call.push.text}")
        elif call.endpoint not in ("token",) and call.errcode:
            typer.echo(f"【推送失败 {call.endpoint}：{call.errcode}】")

    secret = wechat.app_secret.get_secret_value() or "zhuli-chat-secret"
    fake = FakeWeChatApi(app_id=app_id, app_secret=secret, listener=show)
    fake.port = fake_port
    fake.start()
    env = {
        "ZHULI_WECHAT__API_BASE_URL": fake.base_url,
        "ZHULI_WECHAT__APP_ID": app_id,
        "ZHULI_WECHAT__APP_SECRET": secret,
        "ZHULI_WECHAT__TOKEN": token,
    }
    server: subprocess.Popen[bytes] | None = None
    try:
        if serve:
            server, url = _start_server(env)
        else:
            typer.echo("假微信接口已启动；请用以下环境变量启动服务器，推送才会显示在这里：", err=True)
            typer.echo("  " + " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items()) + " zhuli serve", err=True)
        platform = SimulatedPlatform(token, app_id, encoding_aes_key=aes_key)
        with WeChatSimulator(url, platform) as simulator:
            _loop(simulator, fake, openid, interactive=sys.stdin.isatty())
            _wait(linger)
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
        fake.stop()


def _loop(simulator: WeChatSimulator, fake: FakeWeChatApi, openid: str, *, interactive: bool) -> None:
    platform = simulator.platform
    if interactive:
        typer.echo(CHAT_HELP)
    while True:
        if interactive:
            typer.echo(f"{openid}> ", nl=False)
        line = sys.stdin.readline()
        if not line:
            return
        line = line.rstrip("\r\n")
        if not line.strip():
            continue
        command, _, rest = line.partition(" ")
        if command in ("/quit", "/exit"):
            return
        if command == "/help":
            typer.echo(CHAT_HELP)
            continue
        if command == "/user":
            openid = rest.strip() or openid
            continue
        if command == "/wait":
            _wait(float(rest or 1))
            continue
        if command == "/voice":
            xml = platform.voice(openid, rest)
        elif command == "/image":
            xml = platform.image(openid, media_id=fake.add_media(b"\xff\xd8\xff\xe0 simulated jpeg"))
        elif command in ("/subscribe", "/unsubscribe"):
            xml = platform.event(openid, command[1:])
        elif command == "/click":
            xml = platform.event(openid, "CLICK", rest.strip())
        elif command.startswith("/"):
            typer.echo(f"未知命令 {command}；/help 查看命令。")
            continue
        else:
            xml = platform.text(openid, line)
        if command != "/unsubscribe":
            fake.open_window(openid)  # the platform opens the 48 h window on the user's own action
        started = time.perf_counter()
        reply = simulator.post(xml)
        elapsed = (time.perf_counter() - started) * 1000
        if reply.status_code != 200:
            typer.echo(f"【HTTP {reply.status_code}】{reply.body[:300]}")
        elif reply.text is None:
            typer.echo(f"（无回复 · {elapsed:.0f} ms）")
        else:
            typer.echo(f"助力（{elapsed:.0f} ms）：{reply.text}")


def _wait(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)


def _start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """``zhuli serve`` on a free port with ``env`` (log in ``<data dir>/chat-serve.log``)."""
    import socket

    import httpx

    from core.settings import get_settings

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data_dir = Path(get_settings().data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / "chat-serve.log"
    full_env = {**os.environ, **env, "ZHULI_LOG_LEVEL": os.environ.get("ZHULI_LOG_LEVEL", "WARNING")}
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--port", str(port)], env=full_env, stdout=log, stderr=log
        )
    base = f"http://127.0.0.1:{port}"
    typer.echo(f"正在启动 zhuli serve（{base}，日志 {log_path}）…", err=True)
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            typer.echo(log_path.read_text(encoding="utf-8", errors="replace")[-3000:], err=True)
            raise typer.Exit(1)
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                typer.echo("服务器已就绪。", err=True)
                return process, base
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    process.terminate()
    typer.echo("服务器未能在 600 秒内启动。", err=True)
    raise typer.Exit(1)
