"""The whole customer journey in Chromium, with the staff who answer, in English and once in German.

A customer signs up and verifies from the mail, sets consents, downloads
a copy of their data and gives feedback; an agent answers in the admin;
the customer resolves it, answers the satisfaction survey from its mail
and unsubscribes from that mail's link; a privacy officer declares an
incident and the customer acknowledges it. Sign-up and the feedback form
alone are in test_signup_journey.py and test_feedback_journey.py.
"""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone

from customers.models import ConsentRecord, IncidentNotice, User
from feedback.asking import SendOutcome
from feedback.models import Survey, Thread, Topic
from feedback.surveys import survey_send
from plumbing.roles import PRIVACY_OFFICER, SUPPORT_AGENT
from tests.api.catalogue import consent_catalogue
from tests.browser.conftest import SCREENS, link_in
from tests.factories import agent, privacy_officer
from tests.portal.test_roles import EXPECTED

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Journey-Pass-2026!"


def _world() -> None:
    """What the migrations seed, which transactional tests empty: purposes, a topic, the staff roles."""
    consent_catalogue()
    Topic.objects.get_or_create(
        key="orders", defaults={"name_en": "Orders and delivery", "name_de": "Bestellungen und Lieferung"}
    )
    for role in (SUPPORT_AGENT, PRIVACY_OFFICER):
        group, _created = Group.objects.get_or_create(name=role)
        for name in EXPECTED[role]:
            app_label, codename = name.split(".", 1)
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def _staff_tab(browser: Any, live_server: Any, person: User) -> Any:
    """A second browser, signed in as staff (their sign-in is not what this journey tests)."""
    client = Client()
    client.force_login(person)
    context = browser.new_context(locale="en-GB")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    return tab


def _sign_up(page: Any, live_server: Any, mailoutbox: list[Any], email: str, labels: dict[str, str]) -> None:
    page.goto(live_server.url + "/accounts/signup/")
    page.get_by_label(labels["email"]).fill(email)
    page.get_by_label(labels["password"], exact=True).fill(PASSWORD)
    page.get_by_label(labels["again"]).fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name=labels["verify"]).wait_for()
    page.goto(link_in(mailoutbox[-1].body))
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name=labels["sign out"]).wait_for()


def screenshot_page(tab: Any, name: str) -> None:
    """Save a full-page screenshot of another tab as var/screens/<name>.png."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)


def _here(live_server: Any, link: str) -> str:
    """The mail's link (made for PORTAL_BASE_URL) on the test's live server."""
    return f"{live_server.url}{urlsplit(link).path}"


def _mail_to(mailoutbox: list[Any], email: str, containing: str) -> Any:
    found = [message for message in mailoutbox if email in message.to and containing in message.body]
    assert found, [message.subject for message in mailoutbox]
    return found[-1]


def test_a_customer_journey_with_the_staff_who_answer(
    live_server: Any, browser: Any, page: Any, mailoutbox: list[Any], screenshot: Any
) -> None:
    """Long because it is one journey: sign-up to answered feedback, read as the people live it."""
    _world()
    email = "journey-customer@example.com"

    # (a) Sign up and verify from the mail.
    _sign_up(
        page,
        live_server,
        mailoutbox,
        email,
        {
            "email": "Email:",
            "password": "Password:",
            "again": "Password (again):",
            "verify": "Verify Your Email Address",
            "sign out": "Sign out",
        },
    )
    alice = User.objects.get(email=email)

    # Consents: allow the satisfaction surveys by mail.
    page.goto(live_server.url + "/privacy/")
    page.locator("#consent-surveys-email").check()
    page.get_by_role("button", name="Save my choices").click()
    page.get_by_text("Your choices are saved.").wait_for()
    screenshot("journey-privacy-center")
    assert ConsentRecord.objects.filter(customer=alice, state=ConsentRecord.State.GRANTED).exists()

    # A copy of the data: requested, built by the (eager) worker, downloaded.
    page.goto(live_server.url + "/privacy/requests/")
    page.get_by_role("button", name="Request a copy of my data").click()
    page.get_by_text("We are preparing a copy of your data.").wait_for()
    page.reload()
    screenshot("journey-data-requests")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("my-data-")
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        assert "README.txt" in archive.namelist()

    # Feedback.
    page.goto(live_server.url + "/feedback/new/")
    page.get_by_label("question").check()
    page.get_by_label("Your message:").fill("When will my parcel arrive?")
    page.get_by_role("button", name="Send feedback").click()
    page.get_by_text("Thank you! We have received your feedback.").wait_for()
    thread = Thread.objects.get(customer=alice)

    # (b) An agent answers in the admin.
    helper = _staff_tab(browser, live_server, agent(full_name="Sam Support"))
    helper.goto(f"{live_server.url}/admin/feedback/thread/{thread.pk}/change/")
    helper.locator("#id_reply").fill("It leaves our warehouse today.")
    screenshot_page(helper, "journey-admin-thread")
    helper.locator("input[name=_save]").click()
    helper.locator("#changelist").wait_for()
    helper.context.close()

    # The customer reads the answer and marks it resolved.
    page.goto(f"{live_server.url}/feedback/{thread.pk}/")
    page.get_by_text("It leaves our warehouse today.").wait_for()
    page.get_by_role("button", name="My issue is resolved").click()
    page.get_by_text("Marked as resolved.").wait_for()
    screenshot("journey-thread-resolved")

    # (c) The survey goes out when due (a Celery task in production; its service, run now).
    survey = Survey.objects.get(thread=thread)
    assert survey_send(survey_id=survey.pk, now=timezone.now() + timedelta(days=2)) == SendOutcome.SENT
    survey_mail = _mail_to(mailoutbox, email, "/feedback/survey/")
    page.goto(_here(live_server, link_in(survey_mail.body.split("5: ", 1)[1])))
    page.locator("input[name=solved][value=yes]").check()
    screenshot("journey-survey")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("You can change it").wait_for()
    survey.refresh_from_db()
    assert (survey.score, survey.solved) == (5, True)

    unsubscribe = link_in(survey_mail.body.split("To stop these questions:", 1)[1])
    assert "/privacy/unsubscribe/" in unsubscribe
    assert survey_mail.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    page.goto(_here(live_server, unsubscribe))
    page.get_by_role("button", name="Yes, unsubscribe me").click()
    page.get_by_role("heading").first.wait_for()
    screenshot("journey-unsubscribed")
    latest = ConsentRecord.objects.filter(customer=alice, purpose_version__purpose__key="surveys").latest(
        "pk"
    )
    assert latest.state == ConsentRecord.State.WITHDRAWN

    # (d) A privacy officer declares an incident in the admin; the customer acknowledges it.
    officer = _staff_tab(browser, live_server, privacy_officer())
    officer.goto(live_server.url + "/admin/customers/incident/add/")
    officer.locator("#id_started_on").fill("2026-11-01")
    for field, text in {
        "title_en": "Misdirected mails",
        "title_de": "Fehlgeleitete E-Mails",
        "what_happened_en": "Some mails went to the wrong person.",
        "what_happened_de": "Einige E-Mails gingen an die falsche Person.",
        "data_concerned_en": "Names.",
        "data_concerned_de": "Namen.",
        "measures_en": "We fixed it.",
        "measures_de": "Wir haben es behoben.",
        "advice_en": "Watch out for phishing.",
        "advice_de": "Achten Sie auf Phishing.",
    }.items():
        officer.locator(f"#id_{field}").fill(text)
    officer.locator("#id_affected_csv").set_input_files(
        [{"name": "affected.csv", "mimeType": "text/csv", "buffer": f"email\n{email}\n".encode()}]
    )
    officer.locator("input[name=_save]").click()
    officer.locator("#changelist").wait_for()
    officer.locator("input[name=_selected_action]").first.check()
    officer.locator("select[name=action]").select_option("declare")
    screenshot_page(officer, "journey-admin-incident")
    officer.locator("button[name=index]").click()
    officer.get_by_text("1 incident declared").wait_for()
    officer.context.close()

    page.goto(live_server.url + "/privacy/")
    page.get_by_text("Misdirected mails").first.wait_for()
    screenshot("journey-incident")
    page.get_by_role("button", name="I have read this notice").click()
    page.get_by_text("Thank you. The notice stays available").wait_for()
    assert IncidentNotice.objects.get(customer=alice).acknowledged_at is not None


def test_the_same_journey_in_german(live_server: Any, browser: Any, mailoutbox: list[Any]) -> None:
    _world()
    context = browser.new_context(locale="de-DE", extra_http_headers={"Accept-Language": "de"})
    page = context.new_page()
    page.set_default_timeout(15_000)
    email = "reise@example.com"
    try:
        _sign_up(
            page,
            live_server,
            mailoutbox,
            email,
            {
                "email": "E-Mail-Adresse:",
                "password": "Passwort:",
                "again": "Passwort (Wiederholung):",
                "verify": "Bestätige deine E-Mail-Adresse",
                "sign out": "Abmelden",
            },
        )
        assert page.locator("html").get_attribute("lang") == "de"

        page.goto(live_server.url + "/privacy/")
        page.get_by_role("heading", name="Datenschutz-Center").first.wait_for()
        page.locator("#consent-surveys-email").check()
        page.get_by_role("button", name="Meine Auswahl speichern").click()
        page.get_by_text("Ihre Auswahl ist gespeichert.").wait_for()
        screenshot_page(page, "journey-de-privacy-center")

        page.goto(live_server.url + "/privacy/requests/")
        page.get_by_role("button", name="Kopie meiner Daten anfordern").click()
        page.get_by_text("Wir bereiten eine Kopie Ihrer Daten vor.").wait_for()
        page.reload()
        with page.expect_download() as download_info:
            page.get_by_role("link", name="ZIP").click()
        assert download_info.value.suggested_filename.startswith("my-data-")
        screenshot_page(page, "journey-de-data-requests")

        page.goto(live_server.url + "/feedback/new/")
        page.get_by_role("button", name="Rückmeldung senden").wait_for()
        screenshot_page(page, "journey-de-feedback")
    finally:
        context.close()
