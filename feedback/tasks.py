"""Tasks of the feedback app: each takes ids, re-reads its rows and is safe to run twice."""

from celery import shared_task

from feedback import ideas, nps, promises, surveys, threads


@shared_task(name="feedback.notify_reply")
def notify_reply(message_id: int) -> None:
    """Tell the customer by mail and in the portal that an agent replied (once per message)."""
    threads.reply_notify(message_id=message_id)


@shared_task(name="feedback.send_survey")
def send_survey(survey_id: int) -> str:
    """Send a resolved thread's satisfaction survey, if the customer still allows surveys."""
    return surveys.survey_send(survey_id=survey_id)


@shared_task(name="feedback.check_promises", expires=240)
def check_promises() -> int:
    """Record every response promise past its due time without an answer as broken."""
    return promises.promises_check()


@shared_task(name="feedback.send_nps_due", expires=3000)
def send_nps_due() -> int:
    """Ask the next batch of consenting customers whether they would recommend us."""
    return nps.nps_send_due()


@shared_task(name="feedback.send_nps")
def send_nps(nps_id: int) -> str:
    """Send one NPS question, if the customer still allows surveys."""
    return nps.nps_send(nps_id=nps_id)


@shared_task(name="feedback.notify_idea_status")
def notify_idea_status(idea_id: int, change: int) -> int:
    """Tell an idea's voters and author about its new status."""
    return ideas.idea_status_notify(idea_id=idea_id, change=change)
