"""ECharts options for the dashboard, built from :class:`reporting.schemas.Dashboard` (presentation only)."""

from __future__ import annotations

from typing import Any

from reporting.schemas import Dashboard

PALETTE = ["#b91c1c", "#1d4ed8", "#047857", "#b45309", "#7c3aed", "#0e7490", "#be185d", "#4b5563"]
_BASE: dict[str, Any] = {
    "color": PALETTE,
    "textStyle": {"fontFamily": "system-ui, 'PingFang SC', 'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"},
    "tooltip": {"trigger": "axis"},
    "grid": {"left": 40, "right": 16, "top": 36, "bottom": 48, "containLabel": True},
    "animation": False,
}


def status_chart(data: Dashboard) -> dict[str, Any]:
    return {
        **_BASE,
        "tooltip": {"trigger": "item", "formatter": "{b}：{c}（{d}%）"},
        "legend": {"type": "scroll", "bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["38%", "66%"],
                "center": ["50%", "45%"],
                "label": {"formatter": "{b}\n{c}"},
                "data": [{"name": s.label, "value": s.count} for s in data.by_status],
            }
        ],
    }


def region_chart(data: Dashboard) -> dict[str, Any]:
    regions = data.by_region[:15]
    return {
        **_BASE,
        "legend": {"data": ["需求", "已对接"], "top": 0},
        "xAxis": {"type": "category", "data": [r.name for r in regions], "axisLabel": {"interval": 0, "rotate": 30}},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "需求", "type": "bar", "data": [r.demands for r in regions]},
            {"name": "已对接", "type": "bar", "data": [r.docked for r in regions]},
        ],
    }


def month_chart(data: Dashboard) -> dict[str, Any]:
    return {
        **_BASE,
        "legend": {"data": ["提交", "对接确认"], "top": 0},
        "xAxis": {"type": "category", "data": [m.month for m in data.by_month]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {"name": "提交", "type": "line", "smooth": True, "data": [m.submitted for m in data.by_month]},
            {"name": "对接确认", "type": "line", "smooth": True, "data": [m.docked for m in data.by_month]},
        ],
    }


def dashboard_charts(data: Dashboard) -> dict[str, dict[str, Any]]:
    return {"status": status_chart(data), "region": region_chart(data), "month": month_chart(data)}
