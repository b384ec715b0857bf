"""The interactive API docs work in a real browser under the portal's strict CSP."""

from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_every_operation_without_breaking_the_csp(
    live_server: Any, page: Any, screenshot: Any
) -> None:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    page.on(
        "request",
        lambda request: None if request.url.startswith(live_server.url) else outside.append(request.url),
    )

    page.goto(live_server.url + "/api/v1/docs/")
    page.get_by_text("/api/v1/consent-check/").first.wait_for()
    page.get_by_text("/api/v1/consent-check/").first.click()
    page.get_by_text("Try it out").first.wait_for()
    screenshot("api-docs")

    assert [problem for problem in problems if "Content Security Policy" in problem] == []
    assert problems == []
    assert outside == []
