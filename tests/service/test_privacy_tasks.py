"""The privacy center's tasks on a real worker, PostgreSQL and Redis: export, erasure, incident mail.

Nothing is mocked: jobs go through the outbox to Redis, the worker process
runs them against the test database, and mail goes to files.
"""

import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.consents import ConsentChange, consent_change
from customers.exports import export_path
from customers.incidents import incident_customers_add, incident_declare
from customers.models import (
    Channel,
    ConsentRecord,
    DataRequest,
    Incident,
    IncidentNotice,
    OutgoingMail,
    Purpose,
    User,
)
from customers.purposes import purpose_save
from customers.requests import data_request_erasure, data_request_export
from customers.suppression import address_suppressed
from plumbing.jobs import job_enqueue, jobs_sweep
from plumbing.models import Event, Job
from tests.factories import person
from tests.service.conftest import wait_for

pytestmark = [pytest.mark.service, pytest.mark.django_db(transaction=True)]


def _mail_files_containing(text: str, *, to: str = "") -> list[Path]:
    """This session's mail files (every test's) holding ``text`` (and addressed ``to``)."""
    paths = Path(settings.EMAIL_FILE_PATH).glob("*.log")
    return [path for path in paths if text in (body := path.read_text()) and f"To: {to}" in body]


def _job_done(key: str) -> bool:
    return Job.objects.filter(key=key, state=Job.State.DONE).exists()


def _surveys() -> Purpose:
    """The seeded purposes are gone after the first transactional test: make one."""
    channel, _ = Channel.objects.get_or_create(
        key="email", defaults={"name_en": "Email", "name_de": "E-Mail"}
    )
    purpose = purpose_save(
        purpose=Purpose(
            key="surveys",
            title_en="Surveys",
            title_de="Umfragen",
            description_en="Questions",
            description_de="Fragen",
            legal_basis=Purpose.LegalBasis.CONSENT,
        )
    )
    purpose.channels.add(channel)
    return purpose


def test_the_worker_builds_the_export_and_tells_the_customer_once(celery_worker: str) -> None:
    alice = person(email="export@example.com", full_name="Export Alice")

    request = data_request_export(customer=alice)

    wait_for(
        lambda: DataRequest.objects.filter(pk=request.pk, status="completed").exists(),
        what="the worker to build the export",
    )
    request.refresh_from_db()
    archive = zipfile.ZipFile(export_path(request))
    assert {"README.txt", "profile.json", "consents.json"} <= set(archive.namelist())
    assert "Export Alice" in archive.read("profile.json").decode()
    wait_for(
        lambda: OutgoingMail.objects.filter(key=f"export-ready:{request.pk}", sent_at__isnull=False).exists(),
        what="the export-ready mail",
    )
    assert len(_mail_files_containing("Your copy of your data is ready", to=alice.email)) == 1
    assert Event.objects.get(name="export.delivered").payload == {"request_id": request.pk, "on_time": True}

    # Asked to build it again (a retried job): nothing more happens.
    with transaction.atomic():
        job_enqueue(task="customers.build_export", args=[request.pk], key=f"export:{request.pk}:again")
    wait_for(lambda: _job_done(f"export:{request.pk}:again"), what="the repeated build job")
    assert Event.objects.filter(name="export.delivered").count() == 1
    assert OutgoingMail.objects.filter(customer=alice).count() == 1


def test_the_periodic_task_deletes_an_expired_export(celery_worker: str) -> None:
    alice = person(email="purge@example.com")
    request = data_request_export(customer=alice)
    wait_for(lambda: DataRequest.objects.filter(pk=request.pk, status="completed").exists(), what="export")
    request.refresh_from_db()
    path = export_path(request)
    assert path.exists()
    DataRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    job_enqueue(task="customers.purge_exports", key="purge:1")

    wait_for(lambda: _job_done("purge:1"), what="the purge job")
    assert not path.exists()
    assert DataRequest.objects.get(pk=request.pk).file_name == ""


def test_the_worker_erases_the_customer_when_the_grace_period_ends(celery_worker: str) -> None:
    surveys = _surveys()
    alice = person(email="Erase.Me@example.com")
    consent_change(
        customer=alice,
        changes=[ConsentChange(surveys.key, "email", True), ConsentChange(surveys.key, "email", False)],
        source=ConsentRecord.Source.PRIVACY_CENTER,
        actor=alice,
    )
    request = data_request_erasure(customer=alice)
    job = Job.objects.get(key=f"erasure:{request.pk}")
    assert job.next_attempt_at > timezone.now() + timedelta(days=13)  # waits in the database

    # The grace period passes; the sweep publishes the due job.
    DataRequest.objects.filter(pk=request.pk).update(erase_after=timezone.now() - timedelta(seconds=1))
    Job.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert jobs_sweep() >= 1

    wait_for(lambda: not User.objects.filter(pk=alice.pk).exists(), what="the worker to erase the customer")
    request.refresh_from_db()
    assert (request.status, request.customer_id) == ("completed", None)
    assert request.erased_counts["consents"] == 2  # the trigger let the erasure delete them
    assert not ConsentRecord.objects.exists()
    assert address_suppressed("erase.me@example.com")


def test_a_cancelled_erasure_job_does_nothing_on_the_worker(celery_worker: str) -> None:
    alice = person(email="stay@example.com")
    request = data_request_erasure(customer=alice)
    DataRequest.objects.filter(pk=request.pk).update(
        status="cancelled", erase_after=timezone.now() - timedelta(seconds=1)
    )
    Job.objects.filter(key=f"erasure:{request.pk}").update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )

    jobs_sweep()

    wait_for(lambda: _job_done(f"erasure:{request.pk}"), what="the erasure job")
    assert User.objects.filter(pk=alice.pk).exists()


def test_the_worker_mails_each_affected_customer_exactly_once(celery_worker: str) -> None:
    officer = person(email="officer@example.com", is_staff=True)
    affected = [person(email=f"affected{n}@example.com", language="de" if n % 2 else "en") for n in range(3)]
    texts = {f"{f}_{lang}": f"{f} {lang}" for f in ("what_happened", "data_concerned", "measures", "advice")
             for lang in ("en", "de")}  # fmt: skip
    incident = Incident.objects.create(
        started_on=date(2026, 11, 1), title_en="Lost laptop", title_de="Verlorener Laptop", **texts
    )
    incident_customers_add(incident=incident, customer_ids=[p.pk for p in affected])

    incident_declare(incident_id=incident.pk, staff=officer)

    wait_for(
        lambda: not IncidentNotice.objects.filter(incident=incident, mailed_at__isnull=True).exists(),
        what="every affected customer to be mailed",
    )
    with transaction.atomic():  # the job again, as a sweep after a lost acknowledgement would
        job_enqueue(task="customers.notify_incident", args=[incident.pk], key="notify:again")
    wait_for(lambda: _job_done("notify:again"), what="the repeated notify job")
    assert OutgoingMail.objects.filter(template="customers/mail/incident_notice").count() == 3
    assert len(_mail_files_containing("Lost laptop")) == 2  # subject + body: once per English customer
    assert len(_mail_files_containing("Verlorener Laptop")) == 1
    assert Event.objects.filter(name="incident.affected").count() == 3


def test_postgresql_refuses_to_change_or_delete_a_consent_record(celery_worker: str) -> None:
    surveys = _surveys()
    agent = person(email="agent@example.com", is_staff=True)
    alice = person(email="proof@example.com")
    [record] = consent_change(
        customer=alice,
        changes=[ConsentChange(surveys.key, "email", True)],
        source=ConsentRecord.Source.STAFF,
        actor=agent,
        reason="Asked on the phone",
    )

    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).update(state="withdrawn")
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        ConsentRecord.objects.filter(pk=record.pk).delete()

    # The one cascade it allows: the acting staff member's account is deleted.
    agent.delete()
    record.refresh_from_db()
    assert (record.actor_id, record.state, record.reason) == (None, "granted", "Asked on the phone")
