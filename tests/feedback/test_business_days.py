"""Business days: the response clock stops on weekends, public holidays and the company's days off."""

from datetime import date, datetime

import pytest
from pytest_django import DjangoAssertNumQueries, Settings

from feedback.business_days import business_deadline, holidays_from, is_business_day
from feedback.models import Holiday
from tests.feedback.factories import BERLIN, MONDAY


def _due(start: datetime, days: int, holidays: set[date] | None = None) -> date:
    deadline = business_deadline(start=start, days=days, holidays=holidays or set())
    local = deadline.astimezone(BERLIN)
    assert (local.hour, local.minute) == (23, 59), "a promise runs to the end of its day"
    return local.date()


def test_two_business_days_from_monday_end_on_wednesday() -> None:
    assert _due(MONDAY, 2) == date(2026, 11, 25)


def test_the_weekend_does_not_count() -> None:
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=BERLIN)

    assert _due(friday, 2) == date(2026, 12, 1)


@pytest.mark.parametrize("day", [28, 29], ids=["saturday", "sunday"])
def test_feedback_sent_at_the_weekend_starts_counting_on_monday(day: int) -> None:
    weekend = datetime(2026, 11, day, 12, 0, tzinfo=BERLIN)

    assert _due(weekend, 2) == date(2026, 12, 1)


def test_a_holiday_on_the_list_does_not_count() -> None:
    tuesday = date(2026, 11, 24)

    assert _due(MONDAY, 2, {tuesday}) == date(2026, 11, 26)


def test_zero_days_means_the_end_of_the_same_business_day() -> None:
    saturday = datetime(2026, 11, 28, 9, 0, tzinfo=BERLIN)

    assert _due(MONDAY, 0) == date(2026, 11, 23)
    assert _due(saturday, 0) == date(2026, 11, 30)


@pytest.mark.django_db
def test_christmas_and_new_year_are_public_holidays_and_skipped() -> None:
    assert not Holiday.objects.exists()  # the public ones need no entry in the company's list
    holidays = holidays_from(datetime(2026, 12, 1, tzinfo=BERLIN))
    december_23 = datetime(2026, 12, 23, 10, 0, tzinfo=BERLIN)  # Wednesday

    # 24th (Thu) counts; 25th and 26th are holidays; then the weekend; Monday 28th is the second day.
    assert _due(december_23, 2, holidays) == date(2026, 12, 28)
    assert not is_business_day(date(2027, 1, 1), holidays)


@pytest.mark.django_db
def test_the_holidays_of_a_promise_are_read_in_one_query(
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    with django_assert_num_queries(1):
        holidays = holidays_from(MONDAY)

    assert date(2026, 12, 25) in holidays


@pytest.mark.django_db
def test_the_regions_own_public_holidays_count_where_it_is_set(settings: Settings) -> None:
    december = datetime(2026, 12, 1, tzinfo=BERLIN)
    epiphany = date(2027, 1, 6)  # a public holiday in Bavaria, not in Berlin

    assert epiphany not in holidays_from(december)
    settings.PORTAL_HOLIDAYS_SUBDIVISION = "BY"
    assert epiphany in holidays_from(december)


@pytest.mark.django_db
def test_the_companys_own_days_off_count_besides_the_public_ones() -> None:
    Holiday.objects.create(date=date(2026, 12, 24), name_en="Christmas Eve", name_de="Heiligabend")
    december_23 = datetime(2026, 12, 23, 10, 0, tzinfo=BERLIN)

    # 24th off, 25th and 26th public, the weekend: Monday 28th is the first day, Tuesday the second.
    assert _due(december_23, 2, holidays_from(december_23)) == date(2026, 12, 29)
