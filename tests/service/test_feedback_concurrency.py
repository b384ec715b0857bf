"""Concurrent writers of feedback on PostgreSQL: rows are locked in one order, so none waits in a circle."""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from feedback.ideas import idea_staff_update, idea_suggest
from feedback.locks import ideas_lock
from feedback.models import Idea
from tests.factories import customer, staff
from tests.service.conftest import wait_for

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _waits_for_me(backend: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [backend])
        row = cursor.fetchone()
    return bool(row and row[0])


def test_merging_from_the_ideas_page_locks_both_ideas_in_pk_order_like_a_merge() -> None:
    assert connection.vendor == "postgresql"
    into = idea_suggest(author=customer(), title="Delivery windows", description="Let me pick one.")
    duplicate = idea_suggest(author=customer(), title="Time slots", description="Pick a delivery slot.")
    officer = staff(None)
    backend: list[int] = []
    errors: list[BaseException] = []

    def update_from_the_page() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(cursor.fetchone()[0])
            idea_staff_update(
                idea=duplicate,
                actor=officer,
                title="Time slots for delivery",
                description="Pick a delivery slot.",
                published=False,
                status=Idea.Status.UNDER_REVIEW,
                response_en="",
                response_de="",
                merge_into=into,
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    with transaction.atomic():
        ideas_lock(into.pk)  # another writer holds the lower idea
        writer = threading.Thread(target=update_from_the_page)
        writer.start()
        wait_for(
            lambda: errors or (backend and _waits_for_me(backend[0])),
            what="the page's update to wait for the idea",
        )
        try:
            with transaction.atomic():
                # Waiting for the lower idea, the page's update must not hold the higher one yet.
                Idea.objects.select_for_update(nowait=True).filter(pk=duplicate.pk).get()
            duplicate_was_free = True
        except DatabaseError:
            duplicate_was_free = False
    writer.join()

    assert duplicate_was_free
    assert errors == []
    duplicate.refresh_from_db()
    assert (duplicate.merged_into_id, duplicate.title) == (into.pk, "Time slots for delivery")
