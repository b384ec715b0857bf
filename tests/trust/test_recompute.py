"""The recompute: a run fans out in chunks, each done once, its progress visible, safe to repeat."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from customers.models import User
from plumbing.jobs import jobs_sweep
from plumbing.models import Job
from tests.factories import customer
from trust.accounts import entry_facts
from trust.ledger import ledger_book
from trust.models import Account, AccountDecay, Band, DailyStat, EventType, RecomputeChunk, RecomputeRun
from trust.recompute import recompute_all, recompute_customer, recompute_range
from trust.recompute_runs import recompute_chunk_run, recompute_start
from trust.scoring import Rules, score_entries
from trust.settings_changes import event_type_save, trust_settings_save

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _people(count: int) -> list[User]:
    people = [customer() for _ in range(count)]
    for number, person in enumerate(people):
        ledger_book(
            customer_id=person.pk,
            event_type="data_incident" if number % 2 else "praise",
            key=f"k{number}",
            occurred_at=NOW - timedelta(days=number),
        )
    return people


def test_a_run_is_split_into_id_range_chunks_that_all_get_done(
    django_capture_on_commit_callbacks: object,
) -> None:
    people = _people(5)
    Account.objects.update(score=50, band=Band.HEALTHY)  # stale, as before a nightly run

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = recompute_start(key="nightly:test", reason="nightly", chunk_size=2)

    run.refresh_from_db()
    chunks = list(run.chunks.order_by("first_id"))
    assert len(chunks) == 3
    assert chunks[0].first_id == people[0].pk
    assert all(chunk.done_at for chunk in chunks)
    assert run.finished_at is not None
    assert run.changed == 5
    assert DailyStat.objects.filter(day=timezone.localdate()).exists()
    assert Account.objects.get(pk=people[1].pk).band == Band.AT_RISK


def test_starting_a_run_twice_with_one_key_is_one_run() -> None:
    _people(2)

    first = recompute_start(key="nightly:same", reason="nightly")
    second = recompute_start(key="nightly:same", reason="nightly")

    assert first.pk == second.pk
    assert RecomputeChunk.objects.filter(run=first).count() == 1


def test_a_chunk_sent_twice_is_done_once() -> None:
    _people(2)
    run = RecomputeRun.objects.create(key="manual")
    chunk = RecomputeChunk.objects.create(run=run, first_id=0, last_id=10**9)

    assert recompute_chunk_run(chunk_id=chunk.pk) is True
    done_at = RecomputeChunk.objects.get(pk=chunk.pk).done_at

    assert recompute_chunk_run(chunk_id=chunk.pk) is False
    assert RecomputeChunk.objects.get(pk=chunk.pk).done_at == done_at


def test_an_account_a_booking_changed_while_the_chunk_ran_is_left_to_the_booking() -> None:
    [alice] = _people(1)
    Account.objects.filter(pk=alice.pk).update(
        score=50, band=Band.HEALTHY
    )  # stale: the chunk will want to write

    def booking_commits_meanwhile(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if sql.startswith("ANALYZE trust_tmp_changed"):
            # Between the chunk's read and its write, a booking moved the account on.
            Account.objects.filter(pk=alice.pk).update(entry_count=F("entry_count") + 1, score=99)
        return result

    with connection.execute_wrapper(booking_commits_meanwhile):
        changed = recompute_range(first_id=alice.pk, last_id=alice.pk)

    assert changed == 0
    assert Account.objects.get(pk=alice.pk).score == 99


def test_the_stored_sums_follow_every_booking_and_match_a_rebuild_from_the_ledger() -> None:
    people = _people(6)
    for person in people:
        ledger_book(customer_id=person.pk, event_type="complaint", key=f"c{person.pk}")
    moment = timezone.now()

    def rolled_to_moment() -> dict[tuple[int, int], float]:
        return {
            (row.customer_id, row.half_life_days): row.total
            * 2 ** (-max((moment - row.as_of).total_seconds(), 0) / (row.half_life_days * 86400))
            for row in AccountDecay.objects.all()
        }

    before = rolled_to_moment()
    recompute_all(now=moment, rebuild=True)
    after = rolled_to_moment()

    assert after.keys() == before.keys()
    for key, total in before.items():
        assert after[key] == pytest.approx(total, rel=1e-9)


def test_a_changed_half_life_rebuilds_the_sums_and_moves_the_scores() -> None:
    [_, incident] = _people(2)
    Account.objects.filter(pk=incident.pk).update(score=16)
    kind = EventType.objects.get(key="data_incident")
    kind.half_life_days = 1

    with pytest.MonkeyPatch.context() as patch:
        started: list[dict[str, object]] = []
        patch.setattr("trust.settings_changes.recompute_start", lambda **kwargs: started.append(kwargs))
        event_type_save(event_type=kind)
    assert started[0]["rebuild"] is True

    recompute_all(now=NOW + timedelta(days=10), rebuild=True)

    assert Account.objects.get(pk=incident.pk).score == 50  # ten half-lives: nearly nothing left
    assert set(AccountDecay.objects.filter(customer=incident).values_list("half_life_days", flat=True)) == {1}


def test_a_change_of_thresholds_recomputes_from_the_stored_sums() -> None:
    from trust.configuration import trust_settings

    settings = trust_settings()
    settings.healthy_min = 60

    with pytest.MonkeyPatch.context() as patch:
        started: list[dict[str, object]] = []
        patch.setattr("trust.settings_changes.recompute_start", lambda **kwargs: started.append(kwargs))
        trust_settings_save(changed=settings)

    assert started[0]["rebuild"] is False


def test_recompute_now_rebuilds_one_customer_from_the_ledger() -> None:
    [alice] = _people(1)
    AccountDecay.objects.filter(customer=alice).update(total=1000.0)
    Account.objects.filter(pk=alice.pk).update(score=99)

    account = recompute_customer(customer=alice)

    assert account is not None
    expected = score_entries(entry_facts(customer_id=alice.pk), rules=Rules(), now=timezone.now())
    assert account.score == expected.score
    assert AccountDecay.objects.get(customer=alice).total == pytest.approx(5.0, rel=1e-3)


def test_a_nightly_run_writes_only_what_changed() -> None:
    _people(4)
    recompute_all(now=NOW)

    assert recompute_all(now=NOW + timedelta(minutes=1)) == 0


def test_every_chunk_is_a_job_so_the_sweep_sends_a_lost_one_again(
    django_capture_on_commit_callbacks: object,
) -> None:
    _people(4)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        run = recompute_start(key="rebuild:lost", reason="test", rebuild=True, chunk_size=2)
    chunks = list(run.chunks.order_by("first_id"))
    jobs = {job.key: job for job in Job.objects.filter(task="trust.recompute_chunk")}
    assert set(jobs) == {f"trust.recompute-chunk:{chunk.pk}" for chunk in chunks}
    assert all(job.state == Job.State.DONE for job in jobs.values())

    # As if the broker lost a chunk's message (a restarted Redis): the chunk stays open ...
    RecomputeChunk.objects.filter(pk=chunks[0].pk).update(done_at=None)
    RecomputeRun.objects.filter(pk=run.pk).update(finished_at=None)
    Job.objects.filter(key=f"trust.recompute-chunk:{chunks[0].pk}").update(
        state=Job.State.PENDING, done_at=None, next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    # ... until the sweep sends it again, and the last chunk closes the run.
    jobs_sweep()  # (it also sends the band-change events the recompute published)
    assert Job.objects.get(key=f"trust.recompute-chunk:{chunks[0].pk}").state == Job.State.DONE
    run.refresh_from_db()
    assert run.finished_at is not None
    assert all(chunk.done_at for chunk in run.chunks.all())
