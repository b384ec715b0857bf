"""The trust account with a real worker: events arrive, the recompute fans out, follow-up mails go once."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord, OutgoingMail, User
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue, jobs_sweep
from plumbing.models import Job
from tests.factories import customer
from tests.service.conftest import wait_for
from tests.service.trust_world import trust_world_create
from trust.accounts import entry_facts
from trust.ledger import ledger_book
from trust.models import Account, Band, FollowUp, LedgerEntry, RecomputeChunk, RecomputeRun
from trust.recompute_runs import recompute_start
from trust.scoring import Rules, score_entries

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _all_jobs_done() -> bool:
    return not Job.objects.exclude(state=Job.State.DONE).exists()


def test_a_domain_event_is_booked_by_the_worker(celery_worker: str) -> None:
    trust_world_create()
    alice = customer()

    event_publish(
        name=EventName.PROMISE_BROKEN, customer_id=alice.pk, key="thread:1:broken", payload={"thread_id": 1}
    )

    wait_for(lambda: LedgerEntry.objects.filter(customer=alice).exists(), what="the entry")
    entry = LedgerEntry.objects.get(customer=alice)
    assert (entry.event_type.key, entry.key) == ("promise_broken", "event:thread:1:broken")
    assert Account.objects.get(pk=alice.pk).balance == -10


def test_the_recompute_fans_out_to_the_worker_in_chunks_and_finishes(celery_worker: str) -> None:
    trust_world_create()
    people = [customer() for _ in range(7)]
    for number, person in enumerate(people):
        ledger_book(
            customer_id=person.pk,
            event_type="data_request_overdue" if number % 2 else "praise",
            key=f"k{number}",
        )
    Account.objects.update(score=50, band=Band.HEALTHY)  # stale: as if the ledger changed behind their back
    FollowUp.objects.all().delete()

    run = recompute_start(key="nightly:service", reason="nightly", chunk_size=2)

    wait_for(
        lambda: RecomputeRun.objects.filter(pk=run.pk, finished_at__isnull=False).exists(), what="the run"
    )
    assert RecomputeChunk.objects.filter(run=run).count() == 4
    assert not RecomputeChunk.objects.filter(run=run, done_at__isnull=True).exists()
    for person in people:
        account = Account.objects.get(pk=person.pk)
        expected = score_entries(entry_facts(customer_id=person.pk), rules=Rules(), now=timezone.now())
        assert (account.score, account.band) == (expected.score, expected.band)
    assert FollowUp.objects.filter(reason="band", status="open").count() == 3


def _mails_to(person: User) -> int:
    folder = Path(settings.EMAIL_FILE_PATH)
    return sum(
        1 for path in folder.glob("*.log") if f"To: {person.email}" in path.read_text(errors="replace")
    )


def test_a_follow_up_mail_goes_exactly_once_though_three_jobs_race_for_it(celery_worker: str) -> None:
    trust_world_create(quiet_hours_start=0, quiet_hours_end=0)  # no quiet hours, whatever the time of the run
    alice = customer(email="alice.care@example.com")
    consent_change(
        customer=alice,
        changes=[ConsentChange("care", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )

    ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="overdue")  # opens + mails
    follow_up = FollowUp.objects.get(customer=alice)
    job_enqueue(task="trust.send_follow_up_mail", args=[follow_up.pk], key="retry-1")
    job_enqueue(task="trust.send_follow_up_mail", args=[follow_up.pk], key="retry-2")
    job_enqueue(task="trust.send_follow_up_mails", key="beat-1")

    wait_for(
        lambda: OutgoingMail.objects.filter(customer=alice, sent_at__isnull=False).exists(), what="the mail"
    )
    # An attempt that found the mail being sent failed and waits for its retry: let it retry now.
    Job.objects.filter(state=Job.State.PENDING).update(next_attempt_at=timezone.now())
    jobs_sweep()
    wait_for(_all_jobs_done, what="every job to finish")

    assert OutgoingMail.objects.filter(customer=alice).count() == 1
    assert _mails_to(alice) == 1
    follow_up.refresh_from_db()
    assert follow_up.mail_state == FollowUp.MailState.SENT
