"""A month's reports as one XLSX: opened with openpyxl, its figures are the database's."""

from __future__ import annotations

import io
from decimal import Decimal

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import clock
from models import ProgressReport
from program.figures import FIGURES
from program.report_export import HEADERS
from tests.program.world import World, bj


def _prepare_and_submit(client: TestClient, world: World, who: str, edit: dict[str, object]) -> int:
    at = bj(11, 4)
    with clock.frozen_at(at):
        headers = world.headers(who, at)
        report_id = int(
            client.post("/api/program/reports", json={"year": 2026, "month": 10}, headers=headers).json()["id"]
        )
        assert client.patch(f"/api/program/reports/{report_id}", json=edit, headers=headers).status_code == 200
        assert client.post(f"/api/program/reports/{report_id}/submit", headers=headers).status_code == 200
    return report_id


def test_the_export_has_a_row_per_unit_with_the_stored_figures(
    client: TestClient, world: World, session: Session
) -> None:
    _prepare_and_submit(
        client,
        world,
        "jinjiang",
        {
            "summary": "晋江十月进展",
            "corrections": {
                "experts": {"value": 4, "reason": "两名本地专家未登记"},
                "amount": {"value": "52000.50", "reason": "含补充协议"},
            },
        },
    )
    _prepare_and_submit(client, world, "society_b", {"summary": "化工学会十月进展"})
    at = bj(11, 20)
    with clock.frozen_at(at):
        response = client.get("/api/program/reports/export?year=2026&month=10", headers=world.headers("department", at))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    by_unit = {row[0]: row for row in rows[1:]}
    assert set(by_unit) == {world.society_a.name, world.society_b.name, "晋江市科协"}
    assert by_unit[world.society_a.name][3] == "未报送"

    first_figure = HEADERS.index(FIGURES[0].label)
    stored = {
        name: session.scalars(select(ProgressReport).where(column == unit_id, ProgressReport.month == 10)).one()
        for name, column, unit_id in (
            ("晋江市科协", ProgressReport.local_association_id, world.jinjiang.id),
            (world.society_b.name, ProgressReport.society_id, world.society_b.id),
        )
    }
    for name, report in stored.items():
        session.refresh(report)
        row = by_unit[name]
        assert row[3] == "已报送，待中心审核"
        assert row[5] == "是"
        for offset, figure in enumerate(FIGURES):
            corrected = report.corrections.get(figure.key)
            expected = Decimal(corrected["value"] if corrected else str(report.stats[figure.key]))
            assert Decimal(str(row[first_figure + offset])) == expected, (name, figure.key)
    jinjiang_row = by_unit["晋江市科协"]
    assert jinjiang_row[first_figure + [f.key for f in FIGURES].index("experts")] == 4
    notes = jinjiang_row[HEADERS.index("更正说明")]
    assert "参与专家（人）：系统计算 2，报送 4（理由：两名本地专家未登记）" in notes
    assert "52000.50" in notes
    assert jinjiang_row[HEADERS.index("进展情况")] == "晋江十月进展"

    line = next(i for i, row in enumerate(rows, start=1) if row[0] == "晋江市科协")
    experts_cell = sheet.cell(row=line, column=first_figure + 1 + [f.key for f in FIGURES].index("experts"))
    assert experts_cell.comment is not None
    assert "系统计算值：2" in experts_cell.comment.text
    assert experts_cell.fill.start_color.rgb.endswith("FFF2CC")
    docked_cell = sheet.cell(row=line, column=first_figure + 1 + [f.key for f in FIGURES].index("docked"))
    assert docked_cell.comment is None


def test_only_the_center_and_the_department_export(client: TestClient, world: World) -> None:
    at = bj(11, 20)
    with clock.frozen_at(at):
        unit = client.get("/api/program/reports/export?year=2026&month=10", headers=world.headers("society_a", at))
        bad = client.get("/api/program/reports/export?year=2026&month=13", headers=world.headers("center", at))
    assert unit.status_code == 403
    assert bad.status_code == 422


def test_the_overview_shows_each_units_report_state(client: TestClient, world: World) -> None:
    _prepare_and_submit(client, world, "society_b", {"summary": "化工学会十月进展"})
    at = bj(11, 20)  # October's reports were due on 10 November
    with clock.frozen_at(at):
        body = client.get("/api/program/overview", headers=world.headers("center", at)).json()
        own = client.get("/api/program/overview", headers=world.headers("jinjiang", at)).json()
    assert body["month_label"] == "2026年10月"
    assert body["units"] == 3
    assert body["handed_in"] == 1
    rows = {r["unit"]["name"]: r for r in body["rows"]}
    assert rows[world.society_b.name]["report_status"] == "submitted"
    assert rows[world.society_b.name]["report_overdue"] is False
    assert rows["晋江市科协"]["report_status_label"] == "未报送"
    assert rows["晋江市科协"]["report_overdue"] is True
    assert "2026年10月" in rows["晋江市科协"]["overdue_months"]
    assert [r["unit"]["name"] for r in own["rows"]] == ["晋江市科协"]
