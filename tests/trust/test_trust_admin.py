"""The rest of the trust admin: the agents' work list, the ledger, the dashboard, recompute runs."""

from datetime import timedelta
from http import HTTPStatus
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

import trust.admin.followups
from customers.models import User
from plumbing.models import Job
from tests.factories import agent, customer, privacy_officer, staff
from trust.ledger import ledger_book
from trust.models import (
    Account,
    EventType,
    FollowUp,
    LedgerEntry,
    RecomputeChunk,
    RecomputeRun,
)
from trust.outcomes import followup_record_outcome
from trust.recompute import recompute_all

pytestmark = pytest.mark.django_db


def test_the_agents_list_shows_open_follow_ups_overdue_first(client: Client) -> None:
    alex = agent()
    client.force_login(alex)
    people = [customer(email=f"p{number}@example.com") for number in range(3)]
    now = timezone.now()
    for person, due in zip(
        people, [now + timedelta(days=2), now - timedelta(days=1), now + timedelta(days=1)], strict=True
    ):
        FollowUp.objects.create(
            customer=person, reason="band", band="at_risk", suggested_action="reach_out", due_at=due
        )
    FollowUp.objects.create(
        customer=customer(email="closed@example.com"),
        reason="band",
        band="at_risk",
        suggested_action="reach_out",
        due_at=now - timedelta(days=9),
        status="closed",
    )

    page = client.get("/admin/trust/followup/").content.decode()

    positions = [page.index(email) for email in ("p1@", "p2@", "p0@", "closed@")]
    assert positions == sorted(positions)
    assert "overdue" in page


def test_an_agent_records_an_outcome_in_the_admin(client: Client) -> None:
    alex = agent()
    client.force_login(alex)
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="k")
    follow_up = FollowUp.objects.get(customer=alice)

    response = client.post(
        f"/admin/trust/followup/{follow_up.pk}/change/",
        {
            "assigned_to": alex.pk,
            "due_at_0": "2099-01-01",
            "due_at_1": "10:00:00",
            "record_outcome": "contacted",
            "outcome_note": "Apologised, explained the delay",
        },
    )

    assert response.status_code == HTTPStatus.FOUND, response.content.decode()[:2000]
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == ("closed", "contacted")
    assert LedgerEntry.objects.filter(customer=alice, event_type__key="follow_up_contact").count() == 1


def test_reversing_an_entry_from_the_ledger_list_asks_for_a_reason(client: Client) -> None:
    client.force_login(agent())
    alice = customer()
    entry = ledger_book(customer_id=alice.pk, event_type="complaint", key="k").entry
    selection = {"action": "reverse_entries", "_selected_action": [entry.pk]}

    asked = client.post("/admin/trust/ledgerentry/", selection)
    done = client.post("/admin/trust/ledgerentry/", {**selection, "apply": "1", "reason": "Wrong customer"})

    assert "Reason for the correction" in asked.content.decode()
    assert done.status_code == HTTPStatus.FOUND
    reversal = LedgerEntry.objects.get(reversal_of=entry)
    assert (reversal.points, reversal.note) == (8, "Wrong customer")


def test_the_dashboard_shows_bands_risks_follow_ups_history_and_withdrawals(client: Client) -> None:
    client.force_login(agent())
    for number, kind in enumerate(["praise", "data_request_overdue", "complaint", "complaint"]):
        ledger_book(customer_id=customer().pk, event_type=kind, key=f"k{number}")
    recompute_all()

    response = client.get("/admin/trust/dashboard/")

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    for heading in (
        "Customers per band",
        "Follow-ups",
        "Customers at risk or critical (1)",
        "Average score over time",
        "Top withdrawal reasons this month",
    ):
        assert heading in page
    assert "Data request overdue" in page
    assert page.count('class="trust-chart"') == 2
    assert "style=" not in page[page.index('id="content-main"') :]


def test_the_dashboard_is_for_agents_not_for_privacy_officers(client: Client) -> None:
    client.force_login(privacy_officer())

    assert client.get("/admin/trust/dashboard/").status_code == HTTPStatus.FORBIDDEN


def test_only_superusers_start_a_full_recompute_from_the_admin(client: Client) -> None:
    client.force_login(agent())
    assert client.post("/admin/trust/recomputerun/start/").status_code == HTTPStatus.FORBIDDEN

    client.force_login(staff(None))
    assert client.post("/admin/trust/recomputerun/start/").status_code == HTTPStatus.FOUND
    assert RecomputeRun.objects.count() == 1


def test_assign_to_me_takes_the_open_follow_ups_in_one_go(client: Client) -> None:
    alex = agent()
    client.force_login(alex)
    now = timezone.now()
    open_one, closed_one = (
        FollowUp.objects.create(
            customer=customer(email=f"{status}@example.com"),
            reason="band",
            band="at_risk",
            suggested_action="reach_out",
            due_at=now,
            status=status,
        )
        for status in ("open", "closed")
    )

    response = client.post(
        "/admin/trust/followup/",
        {"action": "assign_to_me", "_selected_action": [open_one.pk, closed_one.pk]},
    )

    assert response.status_code == HTTPStatus.FOUND
    open_one.refresh_from_db()
    closed_one.refresh_from_db()
    assert open_one.assigned_to == alex
    assert closed_one.assigned_to is None


def test_assign_to_me_by_staff_who_is_no_agent_is_refused_readably(client: Client) -> None:
    lead = privacy_officer(email="lead@example.com")
    lead.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="trust", codename__in=["view_followup", "change_followup"]
        )
    )
    client.force_login(lead)
    follow_up = FollowUp.objects.create(
        customer=customer(),
        reason="band",
        band="at_risk",
        suggested_action="reach_out",
        due_at=timezone.now(),
    )

    response = client.post(
        "/admin/trust/followup/", {"action": "assign_to_me", "_selected_action": [follow_up.pk]}, follow=True
    )

    assert response.status_code == HTTPStatus.OK
    assert "Follow-ups go to support agents." in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.assigned_to is None


def _outcome_form(alex: User) -> dict[str, object]:
    return {
        "assigned_to": alex.pk,
        "due_at_0": "2099-01-01",
        "due_at_1": "10:00:00",
        "record_outcome": "contacted",
        "outcome_note": "Apologised",
    }


def _agent_with_an_unassigned_follow_up(client: Client) -> tuple[User, User, FollowUp]:
    alex = agent()
    client.force_login(alex)
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="data_request_overdue", key="k")
    follow_up = FollowUp.objects.get(customer=alice, reason="band")
    FollowUp.objects.filter(pk=follow_up.pk).update(assigned_to=None)
    return alex, alice, follow_up


def test_an_outcome_the_ledger_would_refuse_is_refused_on_the_form_and_nothing_is_saved(
    client: Client,
) -> None:
    alex, _alice, follow_up = _agent_with_an_unassigned_follow_up(client)
    EventType.objects.filter(key="follow_up_contact").update(active=False)

    response = client.post(f"/admin/trust/followup/{follow_up.pk}/change/", _outcome_form(alex))

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "is inactive" in page
    assert "successfully" not in page
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.assigned_to) == ("open", None)  # not reassigned either


def test_a_follow_up_closed_meanwhile_rolls_the_whole_save_back_and_says_so(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    alex, alice, follow_up = _agent_with_an_unassigned_follow_up(client)

    def closed_meanwhile(**kwargs: Any) -> FollowUp:
        # Another agent closes it after the form's check, before this save's write.
        FollowUp.objects.filter(pk=kwargs["followup_id"]).update(status="closed")
        return followup_record_outcome(**kwargs)

    monkeypatch.setattr(trust.admin.followups, "followup_record_outcome", closed_meanwhile)

    response = client.post(f"/admin/trust/followup/{follow_up.pk}/change/", _outcome_form(alex), follow=True)

    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "This follow-up is already closed." in page
    assert "successfully" not in page
    follow_up.refresh_from_db()
    assert follow_up.assigned_to is None  # the reassignment before the refusal was rolled back too
    assert not LedgerEntry.objects.filter(customer=alice, event_type__key="follow_up_contact").exists()


def test_recomputing_selected_accounts_queues_one_run_for_the_workers_and_says_so(
    client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(agent())
    alice, bob = customer(), customer()
    for person in (alice, bob):
        ledger_book(customer_id=person.pk, event_type="complaint", key=f"complaint:{person.pk}")
    Account.objects.update(score=0)  # stale figures, as if a recompute had been missed
    selection = {"action": "recompute_selected", "_selected_action": [alice.pk, bob.pk]}

    with django_capture_on_commit_callbacks() as sends:
        queued = client.post("/admin/trust/account/", selection, follow=True)
        again = client.post("/admin/trust/account/", selection, follow=True)

    assert "A recompute of 2 accounts is queued" in queued.content.decode()
    assert "already queued" in again.content.decode()
    [run] = RecomputeRun.objects.all()
    assert sorted(run.chunks.values_list("first_id", "last_id")) == [(alice.pk, alice.pk), (bob.pk, bob.pk)]
    assert set(Account.objects.values_list("score", flat=True)) == {0}  # nothing done in the request
    with django_capture_on_commit_callbacks(execute=True):
        for send in sends:
            send()
    assert 0 not in set(Account.objects.values_list("score", flat=True))
    run.refresh_from_db()
    assert run.finished_at is not None


def test_sending_a_run_again_adds_one_job_however_often_it_is_clicked_while_it_waits(client: Client) -> None:
    client.force_login(staff(None))
    run = RecomputeRun.objects.create(key="stuck", reason="test")
    selection = {"action": "send_again", "_selected_action": [run.pk]}
    sends = Job.objects.filter(task="trust.recompute", args=[run.pk, 0])

    client.post("/admin/trust/recomputerun/", selection)
    second = client.post("/admin/trust/recomputerun/", selection, follow=True)

    assert sends.count() == 1
    assert "already waiting" in second.content.decode()

    sends.update(state=Job.State.DONE)  # the workers took it; the run is still not finished
    client.post("/admin/trust/recomputerun/", selection)

    assert sends.count() == 2


def test_sending_a_run_again_puts_its_chunks_failed_for_good_back_in_the_queue(client: Client) -> None:
    client.force_login(staff(None))
    run = RecomputeRun.objects.create(key="stuck", reason="test")
    failed, done = (RecomputeChunk.objects.create(run=run, first_id=n, last_id=n) for n in (1, 2))
    RecomputeChunk.objects.filter(pk=done.pk).update(done_at=timezone.now())
    for chunk in (failed, done):
        Job.objects.create(
            task="trust.recompute_chunk",
            args=[chunk.pk],
            key=f"trust.recompute-chunk:{chunk.pk}",
            state=Job.State.FAILED,
            attempts=5,
        )

    client.post("/admin/trust/recomputerun/", {"action": "send_again", "_selected_action": [run.pk]})

    retried = Job.objects.get(key=f"trust.recompute-chunk:{failed.pk}")
    assert (retried.state, retried.attempts) == (Job.State.PENDING, 0)
    assert Job.objects.get(key=f"trust.recompute-chunk:{done.pk}").state == Job.State.FAILED
