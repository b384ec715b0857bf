"""The portal's own tasks: event dispatch and the outbox's housekeeping."""

from celery import shared_task

from plumbing import events, jobs, workers


@shared_task(name="portal.dispatch_event")
def dispatch_event(event_id: int) -> None:
    """Hand a domain event to its subscribers (a no-op if already handled)."""
    events.event_dispatch(event_id=event_id)


@shared_task(name="portal.dispatch_events")
def dispatch_events(event_ids: list[int]) -> None:
    """Hand each of these domain events to its subscribers (those already handled are skipped)."""
    for event_id in event_ids:
        events.event_dispatch(event_id=event_id)


@shared_task(name="portal.dispatch_event_range")
def dispatch_event_range(name: str, first_id: int, last_id: int) -> int:
    """Hand the undispatched events called ``name`` with ids in [first_id, last_id] to their subscribers."""
    return events.events_dispatch_range(name=name, first_id=first_id, last_id=last_id)


@shared_task(name="portal.sweep_jobs", expires=55)
def sweep_jobs() -> int:
    """Publish again every job that is due and not done, and those whose worker was lost."""
    jobs.jobs_reclaim()
    return jobs.jobs_sweep()


@shared_task(name="portal.purge_jobs")
def purge_jobs() -> int:
    """Delete finished jobs older than a week, and the rows of worker nodes gone for a day."""
    workers.workers_purge()
    return jobs.jobs_purge()


@shared_task(name="portal.ping")
def ping() -> str:
    """Answer ``pong``: proves a worker takes tasks (used by tests and operators)."""
    return "pong"
