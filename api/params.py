"""Parameter types every route shares: database ids and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

MAX_ID = 2**31 - 1
"""Ids are 32-bit integers on every backend; a larger one can name nothing (404 territory, never a 500)."""

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="编号")]
PageQuery = Annotated[int, Query(ge=1, le=100_000, description="页码（从 1 开始）")]
SizeQuery = Annotated[int, Query(ge=1, le=100, description="每页条数")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID, description="编号")]
RegionQuery = Annotated[str | None, Query(pattern=r"^\d{6}$", description="6 位行政区划代码")]
SearchQuery = Annotated[
    str | None, Query(max_length=100, pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$", description="搜索词（空格分隔）")
]
"""Free-text search; control characters (a NUL cannot even be stored by PostgreSQL) are refused."""
