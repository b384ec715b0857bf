"""The simulated people of a load run (locust, headless; started by :mod:`lab.load.run`).

Customers sign in and, with pauses, open the privacy center and change a
consent, give feedback, vote on ideas, answer their satisfaction surveys and
ask once for a copy of their data; agents reply in the admin (and resolve
some threads, which sends surveys). Every request is timed under a step
name; every submission the portal accepted is written, with what was
submitted and when, to ``accepted.jsonl``, so the checker can find each one
in the database afterwards.

Read from the environment: ``LOAD_PLAN`` (the JSON the run prepared) and
``LOAD_OUT`` (a directory for ``accepted.jsonl`` and ``samples.jsonl``).
Each simulated person connects from its own loopback address
(127.0.0.2-251), as real customers come from their own addresses: the
portal's per-address sign-in limit stays in force.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
import time
import uuid
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task

from lab.load.htmlforms import form_with
from lab.load.loopback import FromAddress, loopback_address

PLAN: dict[str, Any] = json.loads(Path(os.environ.get("LOAD_PLAN", "plan.json")).read_text())
OUT = Path(os.environ.get("LOAD_OUT", "."))
PING = "/api/v1/ping/"
_lock = threading.Lock()
_customers = itertools.count()
_agents = itertools.count()
_samples: list[dict[str, Any]] = []
_CHANGE_LINK = re.compile(r'href="(/admin/feedback/thread/(\d+)/change/)[^"]*"')


def _accepted(kind: str, started: float, **what: Any) -> None:
    """Log a submission the portal accepted (kind ``unanswered``: one whose answer never came right)."""
    line = json.dumps({"kind": kind, "t0": started, "t1": time.time(), **what})
    with _lock, (OUT / "accepted.jsonl").open("a", encoding="utf-8") as log:
        log.write(line + "\n")


@events.request.add_listener
def _record(
    request_type: str, name: str, response_time: float, exception: BaseException | None, **_: Any
) -> None:
    _samples.append({"step": name, "ms": response_time, "ok": exception is None, "at": time.time()})


@events.quitting.add_listener
def _write_samples(**_: Any) -> None:
    with (OUT / "samples.jsonl").open("a", encoding="utf-8") as out:
        for sample in _samples:
            out.write(json.dumps(sample) + "\n")


class _Person(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def on_start(self) -> None:
        self.client.mount("http://", FromAddress(loopback_address()))
        self.signed_in = False

    def sign_in(self, email: str) -> None:
        self.client.get("/accounts/login/", name="sign-in page")
        started = time.time()
        with self.client.post(
            "/accounts/login/",
            data={
                "login": email,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""),
            },
            name="sign in",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"sign-in failed for {email}: {response.status_code}")
                return
        self.signed_in = True
        _accepted("sign_in", started, email=email)

    def page(self, path: str, step: str) -> str | None:
        with self.client.get(path, name=step, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{path}: {response.status_code}")
                return None
            return str(response.text)

    def submit(self, path: str, data: list[tuple[str, str]], step: str, *, saved: str = "") -> bool | None:
        """POST a form; success is a redirect to a page without an error message.

        Return True when accepted, False when the portal refused it (it answered with an error
        message: nothing stored), None when no proper answer came (it may have been stored).
        """
        with self.client.post(path, data=data, name=step, catch_response=True) as response:
            if response.status_code != 200 or not response.history:
                response.failure(f"{path}: {response.status_code}")
                return None
            problem = None
            if 'class="error"' in response.text or "errornote" in response.text:
                problem = f"{path}: refused"
            elif saved and saved not in response.text:
                problem = f"{path}: no confirmation"
            if problem:
                response.failure(problem)
                return False
            return True


class Customer(_Person):
    weight = 48

    def on_start(self) -> None:
        super().on_start()
        customers = PLAN["customers"]
        self.me = customers[next(_customers) % len(customers)]
        self.rng = random.Random(self.me["id"])
        self.exported = False
        self.sign_in(self.me["email"])

    @task(4)
    def privacy_center(self) -> None:
        if self.signed_in:
            self.page("/privacy/", "privacy center")

    @task(2)
    def change_a_consent(self) -> None:
        if not self.signed_in:
            return
        html = self.page("/privacy/", "privacy center")
        form = form_with(html or "", action="/privacy/")
        cells = [name for name in (form.checkboxes if form else {}) if name.startswith("consent-")]
        if form is None or not cells:
            return
        cell = self.rng.choice(cells)
        granted = not form.checkboxes[cell]
        data = [(name, value) for name, value in form.fields if name != cell]
        if granted:
            data.append((cell, "on"))
        purpose, channel = cell.removeprefix("consent-").rsplit("-", 1)
        started = time.time()
        if self.submit("/privacy/", data, "change a consent"):
            _accepted(
                "consent",
                started,
                customer_id=self.me["id"],
                purpose=purpose,
                channel=channel,
                granted=granted,
            )

    @task(1)
    def give_feedback(self) -> None:
        if not self.signed_in:
            return
        html = self.page("/feedback/new/", "feedback form")
        form = form_with(html or "", action="/feedback/new/", field_name="text")
        if form is None:
            return
        text = f"Load feedback {uuid.uuid4()}: the page was slow today."
        data = [(name, value) for name, value in form.fields if name != "text"]
        data += [("text", text), ("kind", self.rng.choice(form.radios.get("kind", ["praise"])))]
        data.append(("rating", str(self.rng.randint(1, 5))))
        started = time.time()
        if self.submit("/feedback/new/", data, "give feedback"):
            _accepted("feedback", started, customer_id=self.me["id"], text=text)

    @task(2)
    def vote_on_an_idea(self) -> None:
        if not self.signed_in or not PLAN["ideas"]:
            return
        html = self.page("/feedback/ideas/", "idea board")
        idea = self.rng.choice(PLAN["ideas"])
        action = f"/feedback/ideas/{idea}/vote/"
        form = form_with(html or "", action=action)
        if form is None:
            html = self.page(f"/feedback/ideas/{idea}/", "idea page")
            form = form_with(html or "", action=action)
        if form is None or not form.buttons:
            return
        button = form.buttons[0]
        started = time.time()
        vote = {"customer_id": self.me["id"], "idea_id": idea, "vote": button[1] == "vote"}
        outcome = self.submit(action, [*form.fields, button], "vote on an idea")
        if outcome:
            _accepted("vote", started, **vote)
        elif outcome is None:  # it may have been stored all the same (the page after it failed, say)
            _accepted("unanswered", started, of="vote", **vote)

    @task(1)
    def answer_a_survey(self) -> None:
        if not self.me["surveys"]:
            return
        survey_id, token = self.rng.choice(self.me["surveys"])
        path = f"/feedback/survey/{token}/"
        html = self.page(path, "survey")
        form = form_with(html or "", action=path, field_name="csrfmiddlewaretoken")
        if form is None:
            return
        score, solved = self.rng.randint(1, 5), self.rng.choice(["yes", "no"])
        data = [(name, value) for name, value in form.fields if name not in {"score", "solved"}]
        data += [("score", str(score)), ("solved", solved)]
        started = time.time()
        answer = {"survey_id": survey_id, "score": score, "solved": solved == "yes"}
        with self.client.post(path, data=data, name="answer a survey", catch_response=True) as response:
            if response.status_code != 200:  # it may have been stored all the same
                response.failure(f"{path}: {response.status_code}")
                _accepted("unanswered", started, of="survey", **answer)
                return
            if 'name="score"' in response.text:
                response.failure(f"{path}: refused")
                return
        _accepted("survey", started, **answer)

    @task(1)
    def threads_and_data_requests(self) -> None:
        if not self.signed_in:
            return
        self.page("/feedback/", "my feedback")
        if self.exported or self.rng.random() > 0.3:
            return
        html = self.page("/privacy/requests/", "data requests")
        form = form_with(html or "", action="/privacy/requests/", field_name="csrfmiddlewaretoken")
        if form is None or "already asked" in (html or ""):
            return
        self.exported = True
        started = time.time()
        if self.submit("/privacy/requests/", form.fields, "ask for a copy"):
            _accepted("export", started, customer_id=self.me["id"])


class Agent(_Person):
    fixed_count = 2

    def on_start(self) -> None:
        super().on_start()
        agents = PLAN["agents"]
        self.email = agents[next(_agents) % len(agents)]
        self.rng = random.Random(self.email)
        self.sign_in(self.email)

    @task
    def reply_in_admin(self) -> None:
        if not self.signed_in:
            return
        html = self.page("/admin/feedback/thread/?o=-1", "admin inbox")
        links = _CHANGE_LINK.findall(html or "")
        if not links:
            return
        path, thread_id = self.rng.choice(links[:50])
        html = self.page(path, "admin thread")
        form = form_with(html or "", field_name="reply")
        if form is None:
            return
        text = f"Load reply {uuid.uuid4()}: thank you, we are on it."
        data = [(name, value) for name, value in form.fields if name not in {"reply", "status"}]
        status = form.values().get("status", "")
        resolve = self.rng.random() < 0.3 and status not in {"resolved", "closed"}
        data += [("reply", text), ("status", "resolved" if resolve else status), ("_continue", "1")]
        started = time.time()
        if self.submit(path, data, "admin reply"):
            _accepted("reply", started, thread_id=int(thread_id), text=text, resolved=resolve)


class Ceiling(HttpUser):
    """The trivial endpoint, for the ceiling of the same server (run on its own after the load)."""

    wait_time = between(0, 0)

    @task
    def ping(self) -> None:
        self.client.get(PING, name="ping (ceiling)")
