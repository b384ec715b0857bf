"""The score: time-decayed, 50 in the middle, banded by thresholds, capped by the alarm rule."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import customer
from trust.accounts import entry_facts
from trust.ledger import ledger_book
from trust.models import Account, Band, LedgerEntry
from trust.recompute import recompute_all
from trust.scoring import Rules, band_of, contribution, score_entries, score_of
from trust.selectors import account_explanation

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def test_an_entry_counts_half_after_one_half_life_and_a_quarter_after_two() -> None:
    fresh = contribution(points=8, occurred_at=NOW, half_life_days=90, now=NOW)
    one = contribution(points=8, occurred_at=NOW - timedelta(days=90), half_life_days=90, now=NOW)
    two = contribution(points=8, occurred_at=NOW - timedelta(days=180), half_life_days=90, now=NOW)

    assert (fresh, one, two) == pytest.approx((8, 4, 2))


def test_an_entry_dated_after_now_counts_fully_and_never_more() -> None:
    assert contribution(points=5, occurred_at=NOW + timedelta(days=3), half_life_days=90, now=NOW) == 5


def test_no_entries_is_the_middle_and_the_curve_is_symmetric() -> None:
    assert score_of(0.0, scale=15) == 50
    assert score_of(15.0, scale=15) == 73
    assert score_of(-15.0, scale=15) == 27
    assert score_of(1e9, scale=15) == 100
    assert score_of(-1e9, scale=15) == 0


def test_a_customer_without_entries_sits_in_the_middle() -> None:
    explanation = account_explanation(customer=customer())

    assert (explanation.score, explanation.band, explanation.account) == (50, Band.HEALTHY, None)


@pytest.mark.parametrize(
    ("score", "band"),
    [(100, Band.HEALTHY), (50, Band.HEALTHY), (49, Band.WATCH), (30, Band.WATCH), (29, Band.AT_RISK),
     (15, Band.AT_RISK), (14, Band.CRITICAL), (0, Band.CRITICAL)],
)  # fmt: skip
def test_bands_follow_the_thresholds(score: int, band: Band) -> None:
    assert band_of(score, alarm=False, rules=Rules()) == band


def test_the_alarm_caps_the_band_at_risk_but_never_lifts_a_critical_one() -> None:
    assert band_of(95, alarm=True, rules=Rules()) == Band.AT_RISK
    assert band_of(5, alarm=True, rules=Rules()) == Band.CRITICAL


def test_negatives_fade_more_slowly_than_positives_by_default() -> None:
    alice = customer()
    for kind in ("praise", "complaint"):
        ledger_book(
            customer_id=alice.pk, event_type=kind, key=kind, occurred_at=NOW - timedelta(days=180), now=NOW
        )

    explained = account_explanation(customer=alice, now=NOW).entries
    praise, complaint = sorted(explained, key=lambda item: item.entry.points)[::-1]

    assert praise.contribution == pytest.approx(5 / 4)  # two half-lives of 90 days
    assert complaint.contribution == pytest.approx(-8 / 2)  # one half-life of 180 days


def test_two_bad_experiences_within_90_days_put_a_rich_account_at_risk() -> None:
    alice = customer()
    for number in range(6):
        ledger_book(customer_id=alice.pk, event_type="goodwill", key=f"g{number}")
    assert Account.objects.get(pk=alice.pk).band == Band.HEALTHY

    ledger_book(customer_id=alice.pk, event_type="complaint", key="c1", occurred_at=NOW - timedelta(days=80))
    ledger_book(customer_id=alice.pk, event_type="complaint", key="c2")

    account = Account.objects.get(pk=alice.pk)
    assert account.balance > 40
    assert account.score >= 90
    assert (account.negatives, account.alarm, account.band) == (2, True, Band.AT_RISK)


def test_bad_experiences_further_apart_than_the_window_raise_no_alarm() -> None:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="complaint", key="c1", occurred_at=NOW - timedelta(days=91))
    ledger_book(customer_id=alice.pk, event_type="complaint", key="c2")

    account = Account.objects.get(pk=alice.pk)
    assert (account.negatives, account.alarm) == (1, False)


def test_the_alarm_clears_when_a_bad_experience_leaves_the_window() -> None:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="complaint", key="c1", occurred_at=NOW - timedelta(days=60))
    ledger_book(customer_id=alice.pk, event_type="complaint", key="c2", occurred_at=NOW - timedelta(days=50))
    assert Account.objects.get(pk=alice.pk).alarm

    recompute_all(now=NOW + timedelta(days=31))

    assert not Account.objects.get(pk=alice.pk).alarm


def test_inactivity_and_adjustments_do_not_count_for_the_alarm() -> None:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="inactivity", key="i1")
    ledger_book(customer_id=alice.pk, event_type="adjustment", key="a1", points=-3, note="correction")

    assert Account.objects.get(pk=alice.pk).negatives == 0


def test_the_entries_current_contributions_add_up_to_the_score() -> None:
    alice = customer()
    for number, (kind, days) in enumerate(
        [("praise", 10), ("complaint", 40), ("goodwill", 200), ("data_incident", 300)]
    ):
        ledger_book(
            customer_id=alice.pk, event_type=kind, key=f"k{number}", occurred_at=NOW - timedelta(days=days)
        )

    explanation = account_explanation(customer=alice)

    assert sum(item.contribution for item in explanation.entries) == pytest.approx(explanation.decayed)
    assert (
        score_of(explanation.decayed, scale=15) == explanation.score == Account.objects.get(pk=alice.pk).score
    )


@pytest.mark.parametrize("rebuild", [False, True], ids=["nightly", "rebuild"])
def test_the_set_based_recompute_agrees_with_the_python_formula_caps_included(rebuild: bool) -> None:
    rng = random.Random(7)
    kinds = [
        "praise",
        "complaint",
        "promise_broken",
        "goodwill",
        "survey_bad",
        "data_incident",
        "nps_promoter",
    ]
    people = [customer() for _ in range(12)]
    for person in people:
        for number in range(rng.randint(1, 8)):
            ledger_book(
                customer_id=person.pk,
                event_type=rng.choice(kinds),
                key=f"{person.pk}:{number}",
                occurred_at=NOW - timedelta(days=rng.randint(0, 400), seconds=rng.randint(0, 86400)),
            )
    later = NOW + timedelta(days=45)
    assert LedgerEntry.objects.filter(capped_points__isnull=False).exists()  # some were over their caps

    recompute_all(now=later, rebuild=rebuild)

    for person in people:
        account = Account.objects.get(pk=person.pk)
        stored = (account.score, account.band, account.negatives, account.alarm)
        expected = score_entries(entry_facts(customer_id=person.pk), rules=Rules(), now=later)
        assert stored == (expected.score, expected.band, expected.negatives, expected.alarm)
        explained = account_explanation(customer=person, now=later)
        assert (explained.score, explained.negatives) == (account.score, account.negatives)


def test_scores_fade_towards_the_middle_as_time_passes() -> None:
    alice = customer()
    ledger_book(customer_id=alice.pk, event_type="data_incident", key="k1")
    fresh = Account.objects.get(pk=alice.pk).score

    recompute_all(now=NOW + timedelta(days=365))

    assert fresh < Account.objects.get(pk=alice.pk).score < 50
