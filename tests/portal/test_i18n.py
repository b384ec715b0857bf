"""German and English: taken from the browser, switchable, remembered, complete."""

import os
import shutil
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path

import polib
import pytest
from django.test import Client
from django.utils import translation

from tests.factories import PASSWORD, customer

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"

pytestmark = pytest.mark.django_db


def test_the_browsers_language_is_used_for_a_visitor(client: Client) -> None:
    response = client.get("/", headers={"accept-language": "de-DE,de;q=0.9"})

    assert response["Content-Language"] == "de"
    assert '<html lang="de">' in response.content.decode()
    assert "Datenschutz-Center" in response.content.decode()


def test_every_page_offers_the_switch_without_javascript(client: Client) -> None:
    page = client.get("/").content.decode()

    assert 'action="/i18n/setlang/"' in page
    assert 'name="language" value="de"' in page


def test_switching_the_language_sets_it_for_the_visitor(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})

    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/"
    assert client.get("/")["Content-Language"] == "de"


def test_a_customers_choice_is_remembered_on_the_profile_and_follows_them(client: Client) -> None:
    person = customer(language="en")
    client.force_login(person)

    client.post("/i18n/setlang/", {"language": "de", "next": "/"})

    person.refresh_from_db()
    assert person.language == "de"
    # A new browser that asks for English still gets the customer's German.
    other_browser = Client()
    other_browser.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    assert other_browser.get("/", headers={"accept-language": "en"})["Content-Language"] == "de"


def test_an_unknown_language_gets_a_readable_400(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/"})

    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "does not speak" in response.content.decode()


def test_the_german_catalogue_has_no_untranslated_or_fuzzy_entry() -> None:
    catalogue = polib.pofile(str(CATALOGUE))

    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_the_compiled_german_catalogue_matches_the_source() -> None:
    catalogue = polib.pofile(str(CATALOGUE))
    stale = []
    with translation.override("de"):
        for entry in catalogue.translated_entries():
            if entry.msgid_plural:
                got = translation.ngettext(entry.msgid, entry.msgid_plural, 1)
                want = entry.msgstr_plural[0]
            elif entry.msgctxt:
                got, want = translation.pgettext(entry.msgctxt, entry.msgid), entry.msgstr
            else:
                got, want = translation.gettext(entry.msgid), entry.msgstr
            if got != want:
                stale.append(entry.msgid)
    assert stale == [], "run `make messages` to compile the catalogue"


def test_every_translatable_string_in_the_code_is_in_the_german_catalogue(tmp_path: Path) -> None:
    if not shutil.which("xgettext"):
        if os.environ.get("PORTAL_REQUIRE_SERVICES") == "1":
            pytest.fail("GNU gettext is needed to extract the strings (apt-get install gettext)")
        pytest.skip("GNU gettext is not installed (apt-get install gettext)")
    for name in (
        "portal",
        "plumbing",
        "customers",
        "feedback",
        "trust",
        "api",
        "desk",
        "lab",
        "templates",
        "locale",
    ):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    env = {**os.environ, "DEBUG": "1", "PORTAL_VAR_DIR": str(tmp_path / "var"), "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "de", "--add-location=file"],
        cwd=tmp_path, env=env, check=True, capture_output=True, timeout=300,
    )  # fmt: skip

    extracted = polib.pofile(str(tmp_path / "locale" / "de" / "LC_MESSAGES" / "django.po"))

    missing = [entry.msgid for entry in extracted.untranslated_entries() + extracted.fuzzy_entries()]
    assert missing == [], "translate these in locale/de/LC_MESSAGES/django.po (make messages)"
