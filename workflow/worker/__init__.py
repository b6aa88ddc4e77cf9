"""The worker: delivers the notification outbox, runs the job queue and the periodic tasks.

See :mod:`workflow.worker.runner` for the loop, :mod:`workflow.worker.leases` for how rows are
claimed, :mod:`workflow.worker.outbox` for delivery and its guarantees, and
:mod:`workflow.worker.queue` for jobs and periodic tasks.
"""

from workflow.worker.runner import Worker, new_worker_id, wechat_api_for

__all__ = ["Worker", "new_worker_id", "wechat_api_for"]
