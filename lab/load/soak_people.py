"""The soak's simulated people: customers from sign-up to a copy of their data, an agent, a privacy officer.

Each works through the pages and forms as a person would (``lab.load.htmlforms``
reads what a browser would send), from a loopback address of its own, with a
pause between steps, and waits for each mail it needs before going on. What
they do, and the mails it must cause, go into the :class:`~lab.load.mailbox.Ledger`.
"""

from __future__ import annotations

import random
import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import requests

from customers.demo import DEMO_PASSWORD
from lab.load.htmlforms import form_with, forms_of
from lab.load.loopback import FromAddress, loopback_address
from lab.load.mailbox import Expected, Ledger

PASSWORD = "soak-Passw0rd-long-enough"  # noqa: S105 - the simulated customers' own, on a throwaway run
CSRF = "csrfmiddlewaretoken"


class Person:
    """A browser session against the run; the status of every answer is counted in the ledger."""

    def __init__(self, base: str, ledger: Ledger) -> None:
        self.base = base
        self.ledger = ledger
        self.http = requests.Session()
        self.http.mount("http://", FromAddress(loopback_address()))
        self.http.headers["Accept-Language"] = "en"
        # When the latest form was sent: the moment of the action, for its mail's delay.
        self.sent = 0.0

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def _count(self, response: requests.Response, what: str) -> requests.Response:
        self.ledger.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.ledger.errors.append(f"{what}: {response.status_code}")
        return response

    def get(self, path: str) -> requests.Response:
        return self._count(self.http.get(self._url(path), timeout=30), f"GET {path}")

    def post(self, path: str, data: Any, files: Any = None) -> requests.Response:
        self.sent = time.time()
        return self._count(
            self.http.post(self._url(path), data=data, files=files, timeout=60), f"POST {path}"
        )

    def send(
        self, page: requests.Response, *, action: str = "", field_name: str = CSRF, **changes: str
    ) -> requests.Response | None:
        """Send the form of an open page (the first whose action ends with ``action``), with ``changes``."""
        form = form_with(page.text, action=action, field_name=field_name)
        if form is None:
            self.ledger.errors.append(f"no form on {page.url} (answered {page.status_code})")
            return None
        data = [(name, value) for name, value in form.fields if name not in changes] + list(changes.items())
        return self.post(form.action or page.url, data)

    def confirm(self, page: requests.Response, path: str) -> requests.Response | None:
        """Press the button of a confirmation page, whose form's action starts with ``path`` (signed anew)."""
        form = next((form for form in forms_of(page.text) if form.action.startswith(path)), None)
        if form is None:
            self.ledger.errors.append(f"no confirmation form on {page.url} (answered {page.status_code})")
            return None
        return self.post(form.action, form.fields)

    def submit(
        self, path: str, *, action: str = "", field_name: str = CSRF, **changes: str
    ) -> requests.Response | None:
        """Open the page and send its form, with ``changes``."""
        return self.send(self.get(path), action=action, field_name=field_name, **changes)

    def open(self, expected: Expected | None) -> requests.Response | None:
        """Click the link of an expected mail; what it answered is kept with it."""
        if expected is None or expected.link is None:
            return None
        page = self.get(expected.link)
        expected.opened = page.status_code
        return page

    def sign_in(self, login: str, password: str) -> bool:
        answer = self.submit("/accounts/login/", field_name="login", login=login, password=password)
        return answer is not None and "/accounts/" not in answer.url


@dataclass
class World:
    """What every simulated person knows and shares."""

    base: str
    ledger: Ledger
    marketing: list[str]
    ideas: list[int]
    mail_wait: float
    to_answer: list[tuple[int, str]] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)


class Customer:
    """A new customer: signs up, confirms, changes consents, gives feedback, votes, asks for a copy."""

    def __init__(self, world: World, n: int) -> None:
        self.world = world
        self.ledger = world.ledger
        self.person = Person(world.base, world.ledger)
        self.rng = random.Random(n)
        self.address = f"soak-{n}-{uuid.uuid4().hex[:8]}@example.org"

    def pause(self) -> None:
        time.sleep(self.rng.uniform(0.5, 2.5))

    def acted(self, action: str, mail: str | None = None) -> Expected | None:
        """Count an action; with ``mail``, wait for the mail it causes as the customer would."""
        self.ledger.actions[action] += 1
        if mail is None:
            return None
        self.ledger.expect(mail, self.address, self.person.sent)
        return self.ledger.wait(mail, self.address, self.world.mail_wait)

    def live(self) -> None:
        if not self.sign_up():
            return
        for step in (
            self.grant_marketing,
            self.change_consents,
            self.give_feedback,
            self.vote,
            self.ask_for_copy,
        ):
            self.pause()
            step()
        self.person.submit("/accounts/logout/", action="/accounts/logout/")

    def sign_up(self) -> bool:
        person = self.person
        form = {"email": self.address, "password1": PASSWORD, "password2": PASSWORD}
        signed_up = person.submit("/accounts/signup/", field_name="email", **form)
        if signed_up is None or not signed_up.ok:
            return False
        page = person.open(self.acted("sign-up", "confirm"))
        if page is None or person.confirm(page, "/accounts/confirm-email/") is None:
            return False
        if "/accounts/login/" in person.get("/privacy/").url and not person.sign_in(self.address, PASSWORD):
            return False
        self.world.confirmed.append(self.address)
        return True

    def _privacy_form(self) -> Any:
        return form_with(self.person.get("/privacy/").text, action="/privacy/")

    def grant_marketing(self) -> None:
        form = self._privacy_form()
        cells = [f"consent-{key}-email" for key in self.world.marketing]
        if form is None or not cells:
            return
        if self.person.post("/privacy/", [*form.fields, (self.rng.choice(cells), "on")]).ok:
            page = self.person.open(self.acted("consent change", "doi"))
            if page is not None:
                self.person.confirm(page, "/privacy/confirm/")

    def change_consents(self) -> None:
        for _ in range(2):
            form = self._privacy_form()
            cells = [name for name in (form.checkboxes if form else {}) if not name.endswith("-email")]
            if form is None or not cells:
                return
            cell = self.rng.choice(cells)
            data = [(name, value) for name, value in form.fields if name != cell]
            if not form.checkboxes[cell]:
                data.append((cell, "on"))
            if self.person.post("/privacy/", data).ok:
                self.acted("consent change")

    def give_feedback(self) -> None:
        form = form_with(self.person.get("/feedback/new/").text, action="/feedback/new/", field_name="text")
        if form is None:
            return
        data = [(name, value) for name, value in form.fields if name not in {"text", "kind"}]
        data += [("text", f"Soak feedback {uuid.uuid4()}: the parcel came late.")]
        data += [("kind", self.rng.choice(form.radios.get("kind", ["complaint"])))]
        thread = re.search(r"/feedback/(\d+)/$", self.person.post("/feedback/new/", data).url)
        if thread:
            self.acted("feedback")
            with self.ledger.lock:
                self.world.to_answer.append((int(thread.group(1)), self.address))
                self.ledger.lock.notify_all()

    def vote(self) -> None:
        if not self.world.ideas:
            return
        idea = self.rng.choice(self.world.ideas)
        action = f"/feedback/ideas/{idea}/vote/"
        form = form_with(self.person.get(f"/feedback/ideas/{idea}/").text, action=action)
        if form is not None and form.buttons and self.person.post(action, [*form.fields, form.buttons[0]]).ok:
            self.acted("vote")

    def ask_for_copy(self) -> None:
        asked = self.person.submit("/privacy/requests/", action="/privacy/requests/")
        if asked is not None and asked.ok:
            self.person.open(self.acted("export request", "export"))


def agent_work(world: World, person: Person, until: float) -> None:
    """Answer each soak customer's feedback in the admin as it comes, until ``until`` and none waits."""
    ledger, queue = world.ledger, world.to_answer
    while time.monotonic() < until or queue:
        with ledger.lock:
            if not queue:
                ledger.lock.wait(1.0)
                continue
            thread_id, address = queue.pop(0)
        path = f"/admin/feedback/thread/{thread_id}/change/"
        answer = person.submit(path, field_name="reply", reply="Thank you, we are on it.", _continue="1")
        if answer is not None and answer.ok and "errornote" not in answer.text:
            ledger.actions["agent reply"] += 1
            ledger.expect("reply", address, person.sent)


_INCIDENT_TEXTS = {
    "what_happened": ("A test.", "Ein Test."), "data_concerned": ("None.", "Keine."),
    "measures": ("None.", "Keine."), "advice": ("None.", "Keine."),
}  # fmt: skip


def incident_declare(world: World, person: Person, n: int) -> None:
    """Declare incident ``n`` for the latest confirmed customers in the admin, as a privacy officer does."""
    addresses = world.confirmed[-3:]
    page = person.get("/admin/customers/incident/add/")
    form = form_with(page.text, field_name="title_en")
    if form is None or not addresses:
        return
    texts = {
        "started_on": date.today().isoformat(),
        "title_en": f"Soak incident {n}",
        "title_de": f"Soak {n}",
    }
    for name, (english, german) in _INCIDENT_TEXTS.items():
        texts |= {f"{name}_en": english, f"{name}_de": german}
    data = [(name, value) for name, value in form.fields if name not in texts] + [
        *texts.items(),
        ("_continue", "1"),
    ]
    csv = ("affected.csv", "\n".join(addresses).encode(), "text/csv")
    saved = person.post("/admin/customers/incident/add/", data, files={"affected_csv": csv})
    incident = re.search(r"/admin/customers/incident/(\d+)/change/", saved.url)
    if incident is None:
        world.ledger.errors.append(f"incident {n} was not saved")
        return
    declared = person.post(
        "/admin/customers/incident/",
        {
            CSRF: person.http.cookies.get("csrftoken", ""),
            "action": "declare",
            "_selected_action": incident[1],
        },
    )
    if declared.ok:
        world.ledger.actions["incident"] += 1
        for address in addresses:
            world.ledger.expect("incident", address, person.sent)


def staff_sign_in(world: World, email: str) -> Person | None:
    person = Person(world.base, world.ledger)
    if person.sign_in(email, DEMO_PASSWORD):
        return person
    world.ledger.errors.append(f"{email} could not sign in")
    return None


def threads_start(targets: list[Any]) -> list[threading.Thread]:
    threads = [threading.Thread(target=target, daemon=True) for target in targets]
    for thread in threads:
        thread.start()
    return threads
