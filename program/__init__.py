"""The programme's own management (seed chapters 4–6): monthly progress reports, performance
evaluation and rectification, pilot application and selection.

Participating units (:mod:`program.units`) are the pilot societies and the local associations of the
demonstration areas. Every public function takes ``(session, actor, ...)``, checks role and scope,
writes an AuditEvent and enqueues the notifications it causes in the caller's transaction, and
raises :mod:`core.errors` subclasses with Chinese messages. Periodic tasks live in
:mod:`program.tasks` (the worker imports it beside :mod:`workflow.tasks`).
"""
