"""Reading forms as a browser would submit them (the load generator fills real pages)."""

from lab.load.htmlforms import form_with, forms_of

PAGE = """
<form method="get" action="/search/"><input name="q" value="x"></form>
<form method="post" action="/privacy/">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="version-newsletter" value="3">
  <input type="checkbox" name="consent-newsletter-email" checked>
  <input type="checkbox" name="consent-newsletter-sms">
  <input type="checkbox" name="consent-service-email" checked disabled>
  <input type="radio" name="kind" value="praise"><input type="radio" name="kind" value="complaint" checked>
  <select name="status"><option value="received">r</option>
    <option value="resolved" selected>s</option></select>
  <select name="assigned_to"><option value="">---</option><option value="4">A</option></select>
  <textarea name="reply">
Hello &amp; welcome</textarea>
  <input type="file" name="attachments">
  <button type="submit" name="action" value="vote">Vote</button>
</form>
"""


def test_a_form_submits_what_a_browser_would() -> None:
    search, center = forms_of(PAGE)
    assert (search.action, search.method) == ("/search/", "get")
    assert center.method == "post"
    assert center.fields == [
        ("csrfmiddlewaretoken", "tok"),
        ("version-newsletter", "3"),
        ("consent-newsletter-email", "on"),
        ("kind", "complaint"),
        ("status", "resolved"),
        ("assigned_to", ""),
        ("reply", "Hello & welcome"),
    ]
    assert center.checkboxes == {"consent-newsletter-email": True, "consent-newsletter-sms": False}
    assert center.radios == {"kind": ["praise", "complaint"]}
    assert center.buttons == [("action", "vote")]


def test_a_form_is_found_by_its_action_and_a_field() -> None:
    assert form_with(PAGE, action="/privacy/") is not None
    assert form_with(PAGE, field_name="reply") is not None
    assert form_with(PAGE, action="/privacy/", field_name="nothing") is None
    assert form_with(PAGE, action="/elsewhere/") is None
