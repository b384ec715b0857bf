"""The customer page in admin: the account, explained entry by entry, with the agents' actions."""

import re
from http import HTTPStatus

import pytest
from django.test import Client

from customers.models import StaffAccess, User
from tests.factories import agent, customer, privacy_officer
from trust.ledger import ledger_book
from trust.models import Account, FollowUp, LedgerEntry

pytestmark = pytest.mark.django_db


def _page(client: Client, person: User) -> str:
    response = client.get(f"/admin/customers/user/{person.pk}/change/")
    assert response.status_code == HTTPStatus.OK
    return response.content.decode()


def _trust_section(page: str) -> str:
    start = page.index('id="trust"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def alice() -> User:
    person = customer(full_name="Alice Example")
    ledger_book(customer_id=person.pk, event_type="praise", key="a1", source=f"customers.user:{person.pk}")
    ledger_book(customer_id=person.pk, event_type="promise_broken", key="a2")
    ledger_book(customer_id=person.pk, event_type="complaint", key="a3")  # the alarm fires
    return person


def test_an_agent_sees_balance_score_band_chart_ledger_and_follow_ups(client: Client, alice: User) -> None:
    client.force_login(agent())

    section = _trust_section(_page(client, alice))

    account = Account.objects.get(pk=alice.pk)
    assert f"<dd>{account.balance}</dd>" in section
    assert f"<dd>{account.score} / 100</dd>" in section
    assert f"trust-band-{account.band}" in section
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in section
    assert 'role="img"' in section
    assert "Response promise broken" in section
    assert f'href="/admin/customers/user/{alice.pk}/change/"' in section  # the entry's source
    assert FollowUp.objects.get(customer=alice).get_reason_display() in section
    assert "<strong>alarm</strong>" in section


def test_the_contributions_on_the_page_add_up_to_the_score(client: Client, alice: User) -> None:
    client.force_login(agent())

    section = _trust_section(_page(client, alice))

    contributions = [
        float(value) for value in re.findall(r'<td class="trust-number">(-?\d+\.\d\d)</td>', section)
    ]
    *rows, total = contributions
    assert sum(rows) == pytest.approx(total, abs=0.02)


def test_the_section_needs_no_script_and_no_style_attribute(client: Client, alice: User) -> None:
    client.force_login(agent())

    section = _trust_section(_page(client, alice))

    assert "<script" not in section
    assert "style=" not in section


def test_viewing_the_page_writes_the_staff_access_log(client: Client, alice: User) -> None:
    alex = agent()
    client.force_login(alex)

    _page(client, alice)

    assert StaffAccess.objects.filter(customer=alice, staff=alex, view="admin:customer").count() == 1


def test_a_privacy_officer_sees_no_trust_account_and_cannot_book(client: Client, alice: User) -> None:
    client.force_login(privacy_officer())

    assert 'id="trust"' not in _page(client, alice)
    response = client.post(f"/admin/customers/user/{alice.pk}/trust/goodwill/", {"goodwill-note": "x"})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert LedgerEntry.objects.filter(customer=alice).count() == 3


def test_granting_goodwill_books_it_once_even_when_the_form_is_sent_twice(
    client: Client, alice: User
) -> None:
    alex = agent()
    client.force_login(alex)
    form = {"goodwill-token": "t" * 32, "goodwill-note": "A free month"}

    first = client.post(f"/admin/customers/user/{alice.pk}/trust/goodwill/", form)
    second = client.post(f"/admin/customers/user/{alice.pk}/trust/goodwill/", form)

    assert first.status_code == second.status_code == HTTPStatus.FOUND
    [entry] = LedgerEntry.objects.filter(customer=alice, event_type__key="goodwill")
    assert (entry.points, entry.actor, entry.note) == (10, alex, "A free month")


def test_an_adjustment_needs_a_reason_and_sane_points(client: Client, alice: User) -> None:
    client.force_login(agent())
    url = f"/admin/customers/user/{alice.pk}/trust/adjust/"

    no_reason = client.post(url, {"adjust-token": "t1", "adjust-points": "5", "adjust-note": ""})
    too_many = client.post(url, {"adjust-token": "t2", "adjust-points": "500", "adjust-note": "x"})
    fine = client.post(url, {"adjust-token": "t3", "adjust-points": "-4", "adjust-note": "Double booking"})

    assert no_reason.status_code == too_many.status_code == HTTPStatus.BAD_REQUEST
    assert "between -100 and 100" in too_many.content.decode()
    assert fine.status_code == HTTPStatus.FOUND
    assert list(
        LedgerEntry.objects.filter(event_type__key="adjustment").values_list("points", flat=True)
    ) == [-4]


def test_an_agent_schedules_a_follow_up_and_recomputes_now(client: Client, alice: User) -> None:
    alex = agent()
    client.force_login(alex)

    scheduled = client.post(
        f"/admin/customers/user/{alice.pk}/trust/schedule/",
        {"schedule-due": "2099-01-31", "schedule-note": "Call about the broken promise"},
    )
    recomputed = client.post(f"/admin/customers/user/{alice.pk}/trust/recompute/")

    assert scheduled.status_code == recomputed.status_code == HTTPStatus.FOUND
    follow_up = FollowUp.objects.get(customer=alice, reason="manual")
    assert (follow_up.assigned_to, follow_up.note) == (alex, "Call about the broken promise")


def test_a_follow_up_cannot_be_scheduled_in_the_past(client: Client, alice: User) -> None:
    client.force_login(agent())

    response = client.post(
        f"/admin/customers/user/{alice.pk}/trust/schedule/",
        {"schedule-due": "2001-01-01", "schedule-note": "x"},
    )

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "past" in response.content.decode()


def test_actions_answer_only_post_and_only_for_customers(client: Client, alice: User) -> None:
    colleague = agent()
    client.force_login(agent())

    assert client.get(f"/admin/customers/user/{alice.pk}/trust/recompute/").status_code == 405
    assert client.post(f"/admin/customers/user/{colleague.pk}/trust/recompute/").status_code == 404
    assert client.post(f"/admin/customers/user/{alice.pk}/trust/explode/").status_code == 404


def test_the_customer_list_filters_by_band_sorts_by_score_and_searches(client: Client) -> None:
    client.force_login(agent())
    happy, unhappy, quiet = customer(email="happy@example.com"), customer(email="sad@example.com"), customer()
    ledger_book(customer_id=happy.pk, event_type="goodwill", key="h")
    ledger_book(customer_id=unhappy.pk, event_type="data_request_overdue", key="u")

    at_risk = client.get("/admin/customers/user/?trust_band=at_risk").content.decode()
    healthy = client.get("/admin/customers/user/?trust_band=healthy").content.decode()
    by_score = client.get("/admin/customers/user/?o=7&is_staff__exact=0").content.decode()
    found = client.get("/admin/customers/user/?q=sad@").content.decode()

    assert "sad@example.com" in at_risk
    assert "happy@example.com" not in at_risk
    assert "happy@example.com" in healthy
    assert quiet.email in healthy  # no entries: the middle, which is healthy
    assert (
        by_score.index("sad@example.com") < by_score.index(quiet.email) < by_score.index("happy@example.com")
    )
    assert "sad@example.com" in found
    assert "happy@example.com" not in found
