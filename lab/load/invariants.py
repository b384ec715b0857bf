"""What must hold after a load or chaos run, checked against the database and the mail sink.

Each check returns a :class:`Verdict` with the number of things looked at
and a few examples of what failed:

- every submission the load generator saw accepted (a consent change,
  feedback, an agent's reply, a vote, a survey answer, a request for a copy)
  is stored as submitted;
- every trust account's balance and entry count equal its ledger's, and no
  source event is booked twice;
- every follow-up and survey mail the portal recorded as sent reached the
  SMTP sink exactly once, no mail arrived twice, and none is left unsent;
- every requested export was produced;
- the job outbox has nothing due or failed left.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

SLACK = timedelta(seconds=2)  # clock reading around a request vs. the row's timestamp (same machine)
EXAMPLES = 5


@dataclass
class Verdict:
    name: str
    checked: int = 0
    failures: list[str] = field(default_factory=list)
    failed: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def fail(self, what: str) -> None:
        self.failed += 1
        if len(self.failures) < EXAMPLES:
            self.failures.append(what)

    def line(self) -> str:
        status = "ok  " if self.ok else "FAIL"
        detail = f"; e.g. {'; '.join(self.failures)}" if self.failures else ""
        return f"[{status}] {self.name}: {self.checked} checked, {self.failed} failed{detail}"


def _at(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)


def _window(record: dict[str, Any]) -> tuple[datetime, datetime]:
    return _at(float(record["t0"])) - SLACK, _at(float(record["t1"])) + SLACK


def _of(kind: str, accepted: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in accepted if record.get("kind") == kind]


def check_consents(accepted: Iterable[dict[str, Any]]) -> Verdict:
    """Each accepted consent change left a record of that cell, in that direction, while it was made."""
    from customers.models import ConsentRecord

    verdict = Verdict("consent changes stored")
    for record in _of("consent", accepted):
        verdict.checked += 1
        start, end = _window(record)
        states = (
            [ConsentRecord.State.GRANTED, ConsentRecord.State.PENDING]
            if record["granted"]
            else [ConsentRecord.State.WITHDRAWN]
        )
        if not ConsentRecord.objects.filter(
            customer_id=record["customer_id"],
            purpose__key=record["purpose"],
            channel__key=record["channel"],
            state__in=states,
            source=ConsentRecord.Source.PRIVACY_CENTER,
            created_at__range=(start, end),
        ).exists():
            verdict.fail(
                f"customer {record['customer_id']} {record['purpose']}/{record['channel']} "
                f"{'granted' if record['granted'] else 'withdrawn'}"
            )
    return verdict


def check_feedback(accepted: Iterable[dict[str, Any]]) -> Verdict:
    from feedback.models import Message

    verdict = Verdict("feedback stored")
    for record in _of("feedback", accepted):
        verdict.checked += 1
        if not Message.objects.filter(
            thread__customer_id=record["customer_id"], text=record["text"], from_staff=False
        ).exists():
            verdict.fail(f"customer {record['customer_id']}: {record['text'][:40]}")
    return verdict


def check_replies(accepted: Iterable[dict[str, Any]]) -> Verdict:
    from feedback.models import Message

    verdict = Verdict("agents' replies stored")
    for record in _of("reply", accepted):
        verdict.checked += 1
        if not Message.objects.filter(
            thread_id=record["thread_id"], text=record["text"], from_staff=True, internal=False
        ).exists():
            verdict.fail(f"thread {record['thread_id']}: {record['text'][:40]}")
    return verdict


def _last_and_unanswered(
    kind: str, accepted: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> dict[Any, tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Per thing: the last accepted submission, and the unanswered attempts that may have come after it.

    An attempt whose answer the load generator did not see (a 500 on the page a
    redirect led to, a cut connection) may still have been stored; where the
    last word is what counts (a vote taken back, a survey answered again), such
    an attempt begun before the last accepted one ended may be the stored state.
    """
    last: dict[Any, dict[str, Any]] = {}
    for record in sorted(_of(kind, accepted), key=lambda r: float(r["t1"])):
        last[key(record)] = record
    unanswered: dict[Any, list[dict[str, Any]]] = {}
    for record in accepted:
        if record.get("kind") == "unanswered" and record.get("of") == kind:
            unanswered.setdefault(key(record), []).append(record)
    return {
        thing: (record, [u for u in unanswered.get(thing, []) if float(u["t1"]) >= float(record["t0"])])
        for thing, record in last.items()
    }


def check_votes(accepted: Iterable[dict[str, Any]]) -> Verdict:
    """The last accepted vote or unvote of each customer on each idea is the stored state.

    (Or that of an unanswered attempt after it: see :func:`_last_and_unanswered`.)
    """
    from feedback.models import IdeaVote

    verdict = Verdict("idea votes stored")
    records = list(accepted)
    pairs = _last_and_unanswered("vote", records, lambda r: (r["customer_id"], r["idea_id"]))
    for (customer_id, idea_id), (record, unanswered) in pairs.items():
        verdict.checked += 1
        voted = IdeaVote.objects.filter(customer_id=customer_id, idea_id=idea_id).exists()
        if voted not in {bool(record["vote"])} | {bool(u["vote"]) for u in unanswered}:
            verdict.fail(
                f"customer {customer_id} idea {idea_id}: expected {'a vote' if record['vote'] else 'none'}"
            )
    return verdict


def check_survey_answers(accepted: Iterable[dict[str, Any]]) -> Verdict:
    """The last accepted answer to each survey is the stored one (or an unanswered attempt's after it)."""
    from feedback.models import Survey

    verdict = Verdict("survey answers stored")
    surveys = _last_and_unanswered("survey", list(accepted), lambda r: r["survey_id"])
    for survey_id, (record, unanswered) in surveys.items():
        verdict.checked += 1
        survey = Survey.objects.filter(pk=survey_id).first()
        allowed = {(record["score"], record["solved"])} | {(u["score"], u["solved"]) for u in unanswered}
        if survey is None or (survey.score, survey.solved) not in allowed:
            verdict.fail(f"survey {survey_id}: expected {record['score']}/{record['solved']}")
    return verdict


def check_exports(accepted: Iterable[dict[str, Any]]) -> Verdict:
    """Each accepted request for a copy was produced (completed with a file) and only once."""
    from customers.models import DataRequest

    verdict = Verdict("requested exports produced")
    for record in _of("export", accepted):
        verdict.checked += 1
        start, end = _window(record)
        requests = list(
            DataRequest.objects.filter(
                customer_id=record["customer_id"],
                kind=DataRequest.Kind.EXPORT,
                received_at__range=(start, end),
            )
        )
        if len(requests) != 1:
            verdict.fail(f"customer {record['customer_id']}: {len(requests)} requests recorded")
        elif requests[0].status != DataRequest.Status.COMPLETED or not requests[0].file_name:
            verdict.fail(f"request {requests[0].pk}: {requests[0].status}")
    return verdict


def check_balances() -> Verdict:
    """Every account's balance and entry count equal the sum and count of its ledger entries."""
    verdict = Verdict("balances equal the sum of their entries")
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM trust_account")
        verdict.checked = int(cursor.fetchone()[0])
        cursor.execute(
            "SELECT a.customer_id, a.balance, a.entry_count, COALESCE(e.total, 0), COALESCE(e.entries, 0) "
            "FROM trust_account a LEFT JOIN (SELECT customer_id, SUM(points) AS total, COUNT(*) AS entries "
            "FROM trust_ledgerentry GROUP BY customer_id) e ON e.customer_id = a.customer_id "
            "WHERE a.balance <> COALESCE(e.total, 0) OR a.entry_count <> COALESCE(e.entries, 0) "
            "ORDER BY a.customer_id"
        )
        for customer_id, balance, count, total, entries in cursor.fetchall():
            verdict.fail(
                f"customer {customer_id}: balance {balance} vs {total}, entries {count} vs {entries}"
            )
        cursor.execute(
            "SELECT COUNT(*) FROM trust_ledgerentry e WHERE NOT EXISTS "
            "(SELECT 1 FROM trust_account a WHERE a.customer_id = e.customer_id)"
        )
        orphans = int(cursor.fetchone()[0])
    if orphans:
        verdict.fail(f"{orphans} entries without an account")
    return verdict


def check_single_bookings() -> Verdict:
    """No source event is booked twice: one entry per key, and per fact (customer, type, source, moment).

    The second form catches a fact booked again under another key (reversals aside); a thread
    resolved twice is two facts, at two moments.
    """
    from trust.models import LedgerEntry

    verdict = Verdict("no source event booked twice")
    booked = LedgerEntry.objects.filter(reversal_of__isnull=True)
    verdict.checked = booked.count()
    for row in booked.values("key").annotate(times=Count("pk")).filter(times__gt=1).order_by("key"):
        verdict.fail(f"key {row['key']} booked {row['times']} times")
    facts = (
        booked.exclude(source="")
        .values("customer_id", "event_type_id", "source", "occurred_at")
        .annotate(times=Count("pk"))
        .filter(times__gt=1)
        .order_by("source")
    )
    for row in facts:
        verdict.fail(f"{row['source']} booked {row['times']} times for customer {row['customer_id']}")
    return verdict


def check_mails(
    mails: list[dict[str, Any]], expected_followups: Iterable[int] = (), *, since: datetime | None = None
) -> Verdict:
    """Follow-up and survey mails recorded as sent arrived exactly once; none arrived twice; none is left."""
    from customers.models import OutgoingMail
    from feedback.models import Survey, SurveyState
    from lab.load.mailsink import mail_counts
    from trust.models import FollowUp

    verdict = Verdict("follow-up and survey mails delivered exactly once")
    counts = mail_counts(mails)
    for message_id, times in sorted(counts.items()):
        if times > 1:
            verdict.fail(f"{message_id} delivered {times} times")
    since = since or datetime.min.replace(tzinfo=UTC)  # mails of the demo data were never sent
    follow_ups = FollowUp.objects.filter(mail_state=FollowUp.MailState.SENT, mailed_at__gte=since)
    surveys = Survey.objects.filter(sent_at__gte=since)
    keys = [
        *follow_ups.values_list("mail_key", flat=True),
        *(f"feedback.survey:{pk}" for pk in surveys.values_list("pk", flat=True)),
    ]
    sent = dict(OutgoingMail.objects.filter(key__in=keys).values_list("key", "message_id"))
    for key in keys:
        verdict.checked += 1
        logged = sent.get(key)
        if logged is None:
            verdict.fail(f"{key}: marked sent, not in the mail log")
        elif counts.get(logged, 0) != 1:
            verdict.fail(f"{key}: delivered {counts.get(logged, 0)} times")
    for mail in OutgoingMail.objects.filter(
        sent_at__isnull=True, template__in=_TEMPLATES, claimed_at__gte=since
    ):
        verdict.fail(f"{mail.key}: claimed, never sent")
    left = FollowUp.objects.filter(pk__in=expected_followups).exclude(
        mail_state__in=[FollowUp.MailState.SENT, FollowUp.MailState.NO_CONSENT]
    )
    for follow_up in left:
        if not _slot_taken(follow_up):
            verdict.fail(f"follow-up {follow_up.pk}: mail {follow_up.mail_state}")
    due = Survey.objects.filter(state=SurveyState.SCHEDULED, thread__status__in=["resolved", "closed"])
    unsent = [pk for pk in due.values_list("pk", flat=True) if not _job_waits(f"feedback.survey:{pk}:send:")]
    if unsent:
        verdict.fail(f"surveys {unsent[:EXAMPLES]} due and not sent")
    return verdict


def _slot_taken(follow_up: Any) -> bool:
    """Does another mail hold the customer's one follow-up mail per interval (the mail rightly waits)?"""
    from trust.configuration import trust_settings
    from trust.models import Account

    interval = timedelta(days=trust_settings().care_mail_interval_days)
    return (
        Account.objects.filter(
            pk=follow_up.customer_id, care_mail_at__gt=timezone.now() - interval, care_mail_key__gt=""
        )
        .exclude(care_mail_key=follow_up.mail_key)
        .exists()
    )


_TEMPLATES = ("feedback/mail/survey", "trust/mail/care_re_engage", "trust/mail/care_recovery")


def _job_waits(prefix: str) -> bool:
    """Is a job with this key prefix still waiting for its (future) time?"""
    from plumbing.models import Job

    return Job.objects.filter(
        key__startswith=prefix, state=Job.State.PENDING, next_attempt_at__gt=timezone.now()
    ).exists()


def jobs_unsettled(*, horizon: timedelta = timedelta(minutes=5)) -> int:
    """Jobs still to run soon: due, sent and waiting, or started and not finished."""
    from plumbing.models import Job

    return Job.objects.filter(
        Q(next_attempt_at__lte=timezone.now() + horizon) | Q(started_at__isnull=False),
        state=Job.State.PENDING,
    ).count()


def check_jobs() -> Verdict:
    from plumbing.models import Job
    from trust.models import RecomputeRun

    verdict = Verdict("job outbox settled, nothing failed")
    verdict.checked = Job.objects.count()
    for job in Job.objects.filter(state=Job.State.FAILED)[:EXAMPLES]:
        verdict.fail(f"job {job.pk} {job.task} failed: {job.last_error[:80]}")
    verdict.failed = max(verdict.failed, Job.objects.filter(state=Job.State.FAILED).count())
    unsettled = jobs_unsettled()
    if unsettled:
        verdict.fail(f"{unsettled} jobs still running or due")
    open_runs = RecomputeRun.objects.filter(finished_at__isnull=True).count()
    if open_runs:
        verdict.fail(f"{open_runs} recompute runs unfinished")
    return verdict


def invariants_check(
    *,
    accepted: list[dict[str, Any]],
    mails: list[dict[str, Any]],
    expected_followups: Iterable[int] = (),
    since: datetime | None = None,
) -> list[Verdict]:
    """Every check, in the order the report prints them."""
    return [
        check_consents(accepted),
        check_feedback(accepted),
        check_replies(accepted),
        check_votes(accepted),
        check_survey_answers(accepted),
        check_exports(accepted),
        check_balances(),
        check_single_bookings(),
        check_mails(mails, expected_followups, since=since),
        check_jobs(),
    ]


def accepted_counts(accepted: Iterable[dict[str, Any]]) -> Counter[str]:
    return Counter(str(record.get("kind")) for record in accepted)
