"""Tasks of the trust app: each takes ids (or nothing), re-reads its rows and is safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from plumbing.jobs import job_enqueue
from trust import care_mail, inactivity, recompute_runs


@shared_task(name="trust.recompute")
def recompute_run(run_id: int, check: int = 0) -> int:
    """Fan a recompute run out to the workers (sends what is unfinished)."""
    return recompute_runs.recompute_fan_out(run_id=run_id, check=check)


@shared_task(name="trust.recompute_chunk")
def recompute_chunk(chunk_id: int) -> bool:
    """Recompute one id-range chunk of a run (a no-op when done)."""
    return recompute_runs.recompute_chunk_run(chunk_id=chunk_id)


@shared_task(name="trust.recompute_nightly", expires=3600)
def recompute_nightly() -> int:
    """Start tonight's recompute (once per day, however often beat fires)."""
    run = recompute_runs.recompute_start(key=f"nightly:{timezone.localdate().isoformat()}", reason="nightly")
    return run.pk


@shared_task(name="trust.book_inactivity", expires=3600)
def book_inactivity() -> int:
    """Book the day's inactivity withdrawals."""
    return inactivity.inactivity_book()


@shared_task(name="trust.send_follow_up_mails", expires=500)
def send_follow_up_mails() -> int:
    """Send the automatic mails of open follow-ups that wait for one."""
    return care_mail.followup_mails_send()


@shared_task(name="trust.send_follow_up_mail")
def send_follow_up_mail(followup_id: int) -> str:
    """Send one follow-up's automatic mail; in quiet hours, try again when they end."""
    outcome = care_mail.followup_mail_send(followup_id=followup_id)
    if outcome == care_mail.CareMailOutcome.QUIET_HOURS:
        later = care_mail.followup_quiet_end(followup_id=followup_id, now=timezone.now())
        if later is not None:
            job_enqueue(
                task="trust.send_follow_up_mail",
                args=[followup_id],
                key=f"trust.follow-up-mail:{followup_id}:{later.isoformat()}",
                run_after=later,
            )
    return outcome.value
