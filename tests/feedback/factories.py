"""Feedback test data: threads, files that are (or only pretend to be) images and PDFs, ideas."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from customers.consents import ConsentChange, consent_change
from customers.models import ConsentRecord, User
from feedback.ideas import idea_publish, idea_suggest
from feedback.models import FeedbackSettings, Idea, Kind, Thread, Topic
from feedback.threads import thread_submit
from tests.factories import agent

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)  # a working Monday, no holiday that week


def topic(key: str = "orders") -> Topic:
    """A topic seeded by the migration (promises: complaint 1, question 2, praise/idea 5 days)."""
    return Topic.objects.get(key=key)


def thread(
    customer: User, *, text: str = "My parcel did not arrive.", kind: str = Kind.COMPLAINT, **kwargs: Any
) -> Thread:
    """Feedback given through the service, as the customer's page would."""
    kwargs.setdefault("topic", topic())
    return thread_submit(customer=customer, kind=kind, text=text, **kwargs)


def png(name: str = "photo.png", size: tuple[int, int] = (4, 4)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 83, 45)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf(name: str = "invoice.pdf") -> SimpleUploadedFile:
    body = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def disguised(name: str = "photo.png") -> SimpleUploadedFile:
    """An HTML page with a script, named and typed like an image."""
    return SimpleUploadedFile(name, b"<html><script>alert(1)</script></html>", content_type="image/png")


def grant_surveys(person: User) -> None:
    consent_change(
        customer=person,
        changes=[ConsentChange("surveys", "email", True)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )


def withdraw_surveys(person: User) -> None:
    consent_change(
        customer=person,
        changes=[ConsentChange("surveys", "email", False)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
    )


def published_idea(author: User, title: str = "Delivery time windows", **kwargs: Any) -> Idea:
    idea = idea_suggest(
        author=author, title=title, description=kwargs.pop("description", "Let me pick a window.")
    )
    return idea_publish(idea=idea, actor=kwargs.pop("staff", None) or agent(), **kwargs)


@contextmanager
def settings_reads() -> Iterator[Callable[[], int]]:
    """Count the queries that read the staff's feedback settings row in the block."""
    table = FeedbackSettings._meta.db_table
    with CaptureQueriesContext(connection) as context:
        yield lambda: sum(table in query["sql"] for query in context.captured_queries)
