"""Human-facing pages (Chinese)."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import ReadSessionDep
from directory.overview import Overview, overview
from models import DemandStatus

router = APIRouter(tags=["页面"])

_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>助力 · 创新驱动助力工程</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:880px;margin:2rem auto;
padding:0 1rem;color:#1f2937}}h1{{font-size:1.6rem}}table{{border-collapse:collapse}}td,th{{padding:.3rem .8rem;
border-bottom:1px solid #e5e7eb;text-align:left}}a{{color:#b91c1c}}.muted{{color:#6b7280}}</style></head>
<body><h1>助力 · 福建省创新驱动助力工程</h1>
<p class="muted">企业通过公众号提出技术需求，系统匹配专家与省级学会，并跟踪对接全过程。</p>
<h2>当前数据</h2>
<table><tr><th>省级学会</th><td>{societies}</td></tr><tr><th>专家（在库）</th><td>{experts}（{active}）</td></tr>
<tr><th>代表性成果</th><td>{works}</td></tr><tr><th>企业</th><td>{enterprises}</td></tr>
<tr><th>技术需求</th><td>{demands}</td></tr></table>
<h2>需求状态</h2><table>{statuses}</table>
<h2>入口</h2><ul><li><a href="/docs">接口文档（OpenAPI）</a></li><li><a href="/healthz">健康检查</a></li>
<li><a href="/api/regions?demonstration_only=true">示范县（市、区）</a></li></ul>
</body></html>"""


def render_home(data: Overview) -> str:
    statuses = "".join(
        f"<tr><th>{escape(s.label)}</th><td>{data.demands_by_status.get(s, 0)}</td></tr>" for s in DemandStatus
    )
    return _PAGE.format(
        societies=data.societies,
        experts=data.experts,
        active=data.active_experts,
        works=data.works,
        enterprises=data.enterprises,
        demands=data.demands,
        statuses=statuses,
    )


@router.get("/", response_class=HTMLResponse, summary="首页")
def home(session: ReadSessionDep) -> str:
    return render_home(overview(session))
