"""Periodic tasks of the programme (run by the worker in ``workflow/worker/``, beside
:mod:`workflow.tasks`).

Importing this module registers them with :func:`workflow.jobs.periodic`; each part of the programme
keeps its tasks in its own module and is imported here. All are idempotent (notifications carry
dedupe keys of their own) and safe on several workers at once.
"""

from __future__ import annotations

from program import rectification as _rectification  # noqa: F401 - rectification reminders
from program import report_tasks as _report_tasks  # noqa: F401 - reminders, overdue notices, escalation
