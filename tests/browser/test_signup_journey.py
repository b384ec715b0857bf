"""A new customer signs up, verifies from the mail, signs in and switches to German."""

from typing import Any

import pytest

from tests.browser.conftest import link_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Journey-Pass-2026!"


def test_sign_up_verify_sign_in_and_switch_to_german(
    live_server: Any, page: Any, mailoutbox: list[Any], screenshot: Any
) -> None:
    page.goto(live_server.url + "/")
    screenshot("home")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign up").click()

    page.get_by_label("Email:").fill("journey@example.com")
    page.get_by_label("Password:", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again):").fill(PASSWORD)
    screenshot("signup")
    page.locator("main form button[type=submit]").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    assert len(mailoutbox) == 1
    page.goto(link_in(mailoutbox[0].body))
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="Sign out").wait_for()

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sign in").click()
    page.get_by_label("Email:").fill("journey@example.com")
    page.get_by_label("Password:").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.get_by_role("button", name="Sign out").wait_for()

    page.get_by_role("button", name="Deutsch").click()
    page.get_by_role("button", name="Abmelden").wait_for()
    assert page.locator("html").get_attribute("lang") == "de"
    screenshot("home-de")
