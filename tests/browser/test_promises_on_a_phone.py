"""The promises page on a phone (390 px): every promise readable, nothing wider than the screen."""

from typing import Any

import pytest

from feedback.models import Kind, Topic
from feedback.threads import thread_submit
from tests.browser.conftest import SCREENS
from tests.factories import PASSWORD, customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_promises_fit_a_phone_in_both_languages(live_server: Any, browser: Any, language: str) -> None:
    topic, _ = Topic.objects.get_or_create(
        key="orders", defaults={"name_en": "Orders", "name_de": "Bestellungen"}
    )
    alice = customer(language=language)
    long_words = (
        "Mein Paket war für Dienstag angekündigt und ist immer noch nicht da. Niemand hat mir gesagt, warum."
    )
    thread_submit(customer=alice, kind=Kind.COMPLAINT, topic=topic, text=long_words)
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.fill("input[name=login]", alice.email)
        page.fill("input[name=password]", PASSWORD)
        page.press("input[name=password]", "Enter")
        page.wait_for_load_state()
        page.goto(live_server.url + "/promises/")
        SCREENS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENS / f"promises-phone-{language}.png"), full_page=True)

        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        card = page.locator("li.promise").first
        assert card.is_visible()
        heading = "Unsere Versprechen an Sie" if language == "de" else "Our promises to you"
        assert page.locator("h1").inner_text() == heading
        assert ("noch nicht fällig" if language == "de" else "not due yet") in card.inner_text()
    finally:
        context.close()
