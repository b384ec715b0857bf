"""A customer gives feedback with a photo and votes on the idea board, with JavaScript switched off."""

import io
from typing import Any

import pytest
from PIL import Image

from feedback.models import Idea, Thread, Topic
from tests.browser.conftest import SCREENS
from tests.factories import PASSWORD, customer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> dict[str, object]:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 83, 45)).save(buffer, format="PNG")
    return {"name": "parcel.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def test_give_feedback_with_a_photo_then_vote_for_an_idea(live_server: Any, browser: Any) -> None:
    # Transactional tests empty the tables the migrations filled: create what the journey needs.
    Topic.objects.get_or_create(
        key="orders", defaults={"name_en": "Orders and delivery", "name_de": "Bestellungen"}
    )
    alice = customer()
    Idea.objects.create(title="Delivery time windows", description="Pick a two-hour window.", published=True)
    context = browser.new_context(locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    SCREENS.mkdir(parents=True, exist_ok=True)

    def screenshot(name: str) -> None:
        page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=True)

    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email:").fill(alice.email)
        page.get_by_label("Password:").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Feedback").click()
        page.get_by_role("link", name="Give feedback").first.click()

        page.get_by_label("complaint").check()
        page.get_by_label("Your message:").fill("The parcel arrived <damaged>.")
        page.get_by_label("4").check()
        page.get_by_label("Attachments (optional):").set_input_files([_photo()])
        screenshot("feedback-new")
        page.get_by_role("button", name="Send feedback").click()

        page.get_by_text("We will answer by").wait_for()
        assert page.get_by_text("The parcel arrived <damaged>.").is_visible()
        assert page.get_by_role("link", name="parcel.png").is_visible()
        screenshot("feedback-thread")

        page.get_by_role("link", name="Idea board").first.click()
        page.get_by_role("button", name="Vote").click()
        page.get_by_role("button", name="Voted").wait_for()
        screenshot("feedback-ideas")
    finally:
        context.close()

    assert Thread.objects.get(customer=alice).rating == 4
    assert Idea.objects.get().votes_count == 1
