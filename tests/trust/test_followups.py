"""Follow-ups: opened when an account falls or the alarm fires, never twice, closed on recovery."""

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.models import User
from tests.factories import agent, customer, privacy_officer
from trust.accounts import BookingRefused
from trust.configuration import trust_settings
from trust.followups import followup_schedule
from trust.ledger import ledger_book
from trust.models import Account, Band, FollowUp, LedgerEntry, TrustSettings
from trust.outcomes import followup_record_outcome
from trust.recompute import recompute_all

pytestmark = pytest.mark.django_db


def _book(person: User, *kinds: str, days_ago: int = 0) -> None:
    for kind in kinds:
        number = LedgerEntry.objects.count()
        ledger_book(
            customer_id=person.pk,
            event_type=kind,
            key=f"{person.pk}:{number}",
            occurred_at=timezone.now() - timedelta(days=days_ago),
        )


def test_dropping_into_at_risk_opens_a_follow_up_with_a_due_date_and_a_suggestion() -> None:
    alice = customer()

    _book(alice, "data_request_overdue")

    [follow_up] = FollowUp.objects.filter(customer=alice)
    assert (follow_up.reason, follow_up.band, follow_up.status) == ("band", Band.AT_RISK, "open")
    assert follow_up.suggested_action == FollowUp.Action.REACH_OUT
    assert timedelta(days=2, hours=23) < follow_up.due_at - timezone.now() <= timedelta(days=3)
    assert follow_up.mail_state == FollowUp.MailState.PENDING


def test_a_critical_account_is_due_the_next_day_with_a_call() -> None:
    alice = customer()

    _book(alice, "data_incident")
    ledger_book(customer_id=alice.pk, event_type="adjustment", key="a", points=-10, note="missed appointment")

    follow_up = FollowUp.objects.get(customer=alice, reason="band")
    assert follow_up.band == Band.CRITICAL
    assert follow_up.suggested_action == FollowUp.Action.CALL_TODAY
    assert follow_up.due_at - timezone.now() <= timedelta(days=1)


def test_the_alarm_rule_opens_its_own_follow_up_even_for_a_rich_account() -> None:
    alice = customer()
    _book(alice, "goodwill", "goodwill", "goodwill", "goodwill")

    _book(alice, "complaint", "survey_bad")

    [follow_up] = FollowUp.objects.filter(customer=alice)
    assert (follow_up.reason, follow_up.suggested_action) == ("alarm", FollowUp.Action.APOLOGISE)


def test_a_second_trigger_updates_the_open_follow_up_instead_of_opening_another() -> None:
    alice = customer()
    _book(alice, "data_request_overdue")
    first = FollowUp.objects.get(customer=alice)

    ledger_book(customer_id=alice.pk, event_type="adjustment", key="a", points=-20, note="lost the parcel")

    [follow_up] = FollowUp.objects.filter(customer=alice, status="open")
    assert follow_up.pk == first.pk
    assert (follow_up.triggers, follow_up.band) == (2, Band.CRITICAL)
    assert follow_up.due_at < first.due_at


def test_a_follow_up_closes_itself_when_the_account_recovers() -> None:
    alice = customer()
    _book(alice, "data_request_overdue")

    _book(alice, "goodwill", "goodwill")

    follow_up = FollowUp.objects.get(customer=alice)
    assert Account.objects.get(pk=alice.pk).band == Band.HEALTHY
    assert (follow_up.status, follow_up.outcome) == ("closed", FollowUp.Outcome.RECOVERED)
    assert follow_up.closed_at is not None


def test_follow_ups_go_round_robin_to_the_support_agents() -> None:
    first, second = agent(), agent()
    people = [customer() for _ in range(3)]

    for person in people:
        _book(person, "data_request_overdue")

    assigned = [FollowUp.objects.get(customer=person).assigned_to for person in people]
    assert assigned == [first, second, first]


def test_without_round_robin_follow_ups_stay_unassigned() -> None:
    agent()
    TrustSettings.objects.filter(pk=1).update(assign_round_robin=False)
    alice = customer()

    _book(alice, "data_request_overdue")

    assert FollowUp.objects.get(customer=alice).assigned_to is None


def test_the_set_based_recompute_opens_updates_and_closes_follow_ups_by_the_same_rules() -> None:
    first, second = agent(), agent()
    falling, recovering, again = customer(), customer(), customer()
    for person in (falling, recovering, again):
        _book(person, "data_request_overdue")
    _book(recovering, "goodwill", "goodwill")
    # The stored bands are stale: as if the ledger had changed behind the accounts' backs.
    Account.objects.filter(pk=falling.pk).update(band=Band.HEALTHY, score=60)
    FollowUp.objects.filter(customer=falling).delete()
    Account.objects.filter(pk=recovering.pk).update(band=Band.AT_RISK, score=20)
    FollowUp.objects.create(
        customer=recovering,
        reason="band",
        band=Band.AT_RISK,
        suggested_action="reach_out",
        due_at=timezone.now(),
    )
    Account.objects.filter(pk=again.pk).update(band=Band.WATCH, score=40)

    recompute_all()

    opened = FollowUp.objects.get(customer=falling)
    assert (opened.reason, opened.status, opened.band) == ("band", "open", Band.AT_RISK)
    assert opened.assigned_to in (first, second)
    assert FollowUp.objects.filter(customer=recovering).latest("pk").outcome == FollowUp.Outcome.RECOVERED
    [updated] = FollowUp.objects.filter(customer=again)
    assert (updated.triggers, updated.status) == (2, "open")


def test_an_outcome_closes_the_follow_up_and_books_its_entry() -> None:
    alex, alice = agent(), customer()
    _book(alice, "data_request_overdue")
    follow_up = FollowUp.objects.get(customer=alice)

    followup_record_outcome(followup_id=follow_up.pk, outcome="goodwill", note="A free month", actor=alex)

    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.outcome) == ("closed", "goodwill")
    entry = LedgerEntry.objects.get(customer=alice, event_type__key="goodwill")
    assert (entry.points, entry.actor, entry.source) == (10, alex, f"trust.followup:{follow_up.pk}")
    with pytest.raises(BookingRefused, match="already closed"):
        followup_record_outcome(followup_id=follow_up.pk, outcome="contacted", actor=alex)
    assert LedgerEntry.objects.filter(customer=alice).count() == 2


@pytest.mark.parametrize(
    ("outcome", "event_type"),
    [
        ("contacted", "follow_up_contact"),
        ("resolved", "issue_resolved"),
        ("no_answer", "follow_up_no_answer"),
    ],
)
def test_each_outcome_books_its_event_type(outcome: str, event_type: str) -> None:
    alex, alice = agent(), customer()
    _book(alice, "data_request_overdue")

    followup_record_outcome(followup_id=FollowUp.objects.get(customer=alice).pk, outcome=outcome, actor=alex)

    assert LedgerEntry.objects.filter(customer=alice, event_type__key=event_type).count() == 1


def test_an_unknown_outcome_is_refused_and_changes_nothing() -> None:
    alex, alice = agent(), customer()
    _book(alice, "data_request_overdue")
    follow_up = FollowUp.objects.get(customer=alice)

    with pytest.raises(BookingRefused):
        followup_record_outcome(followup_id=follow_up.pk, outcome="recovered", actor=alex)
    follow_up.refresh_from_db()
    assert follow_up.status == "open"


def test_staff_schedule_follow_ups_by_hand_once_per_customer_and_they_stay_open() -> None:
    alex, alice = agent(), customer()
    due = timezone.now() + timedelta(days=5)

    first = followup_schedule(customer=alice, due_at=due, note="Ask about the repair", actor=alex)
    second = followup_schedule(customer=alice, due_at=due, note="and the invoice", actor=alex)
    _book(alice, "goodwill")

    assert first.pk == second.pk
    second.refresh_from_db()
    assert (second.reason, second.status, second.assigned_to) == ("manual", "open", alex)
    assert second.note == "Ask about the repair\nand the invoice"
    assert second.mail_state == FollowUp.MailState.NONE


def test_the_settings_row_exists_with_the_defaults() -> None:
    settings = trust_settings()

    assert (settings.healthy_min, settings.watch_min, settings.at_risk_min) == (50, 30, 15)
    assert (settings.inactivity_days, settings.care_mail_interval_days) == (90, 14)
    assert (settings.quiet_hours_start, settings.quiet_hours_end) == (20, 8)


def test_a_follow_up_scheduled_by_staff_who_is_no_agent_stays_unassigned() -> None:
    lead, alice = privacy_officer(), customer()

    follow_up = followup_schedule(
        customer=alice, due_at=timezone.now() + timedelta(days=5), note="Call back", actor=lead
    )

    assert follow_up.assigned_to is None
    assert follow_up.created_by == lead


def test_a_follow_up_cannot_be_scheduled_for_someone_who_is_no_agent() -> None:
    alex, lead, alice = agent(), privacy_officer(), customer()

    with pytest.raises(BookingRefused) as refused:
        followup_schedule(
            customer=alice,
            due_at=timezone.now() + timedelta(days=5),
            note="Call back",
            actor=alex,
            assigned_to=lead,
        )

    assert refused.value.code == "assignee"
    assert not FollowUp.objects.filter(customer=alice).exists()
