"""``python -m api`` is the ``zhuli`` command."""

from api.cli import app

app()
