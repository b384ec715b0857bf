"""The copy of a customer's data: a ZIP with one JSON file per data source and a README.

A worker builds it (:func:`export_build`), the customer downloads it while
signed in through a link with an unguessable token, and a periodic task
deletes it once the link expired (:func:`exports_purge`).
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from customers.models import DataRequest, User
from customers.notifications import notification_create
from customers.requests import export_lifetime
from plumbing.events import EventName, event_publish
from plumbing.jobs import job_enqueue
from plumbing.personal_data_registry import personal_data_sources


class ExportExpired(Exception):
    """The download link expired; the file is gone or about to be."""


def export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def export_path(request: DataRequest) -> Path:
    """Where a request's ZIP lives: named by its id and its random token, never served directly."""
    return export_dir() / f"{request.pk}-{request.download_token}.zip"


def _readme(customer: User) -> str:
    lines = [
        _("Your data at %(controller)s") % {"controller": settings.PORTAL_CONTROLLER_NAME},
        "",
        _("Prepared for %(email)s on %(date)s.")
        % {"email": customer.email, "date": date_format(timezone.localtime(), "DATETIME_FORMAT")},
        _("Questions: %(contact)s") % {"contact": settings.PORTAL_CONTROLLER_CONTACT},
        "",
        _("Each file holds one area of your data, in JSON (a plain-text format any program can read):"),
        "",
    ]
    for source in personal_data_sources():
        lines += [f"{source.key}.json — {source.label}", f"    {source.explanation}", ""]
    return "\n".join(lines)


def export_write(*, customer: User, path: Path) -> None:
    """Write the customer's ZIP to ``path`` atomically (a second writer leaves a complete file too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    os.close(handle)
    try:
        with (
            translation.override(customer.language or settings.LANGUAGE_CODE),
            zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            for source in personal_data_sources():
                data = json.dumps(
                    source.export(customer), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2
                )
                archive.writestr(f"{source.key}.json", data)
            archive.writestr("README.txt", _readme(customer))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_build(*, request_id: int) -> bool:
    """Build a requested export and tell the customer; return whether this call delivered it.

    Idempotent: the file is written atomically and the request is completed
    by a conditional UPDATE, so a second run (a retried job) changes nothing.
    """
    request = (
        DataRequest.objects.select_related("customer")
        .filter(pk=request_id, kind=DataRequest.Kind.EXPORT, status=DataRequest.Status.RECEIVED)
        .first()
    )
    if request is None or request.customer is None:
        return False
    customer = request.customer
    path = export_path(request)
    export_write(customer=customer, path=path)
    now = timezone.now()
    with transaction.atomic():
        delivered = DataRequest.objects.filter(pk=request.pk, status=DataRequest.Status.RECEIVED).update(
            status=DataRequest.Status.COMPLETED,
            completed_at=now,
            file_name=path.name,
            expires_at=now + export_lifetime(),
        )
        if delivered != 1:
            return False
        request.refresh_from_db()
        notification_create(
            customer=customer,
            key=f"data_request:{request.pk}:export_ready",
            title=lambda: _("Your copy of your data is ready"),
            body=lambda: (
                _("Download it before %(date)s; after that we delete it.")
                % {"date": date_format(timezone.localtime(request.expires_at), "DATETIME_FORMAT")}
            ),
            url=reverse("customers:data_requests"),
        )
        event_publish(
            name=EventName.EXPORT_DELIVERED,
            customer_id=customer.pk,
            key=f"data_request:{request.pk}:delivered",
            about=request,
            payload={"request_id": request.pk, "on_time": bool(request.on_time)},
            occurred_at=now,
        )
        job_enqueue(task="customers.send_export_ready", args=[request.pk], key=f"export-ready:{request.pk}")
    return True


def export_file(*, customer: User, request_id: int, token: str) -> tuple[DataRequest, Path]:
    """Return the customer's export and its file; 404 for anyone else, ``ExportExpired`` when gone."""
    request = DataRequest.objects.filter(
        pk=request_id, customer=customer, kind=DataRequest.Kind.EXPORT, status=DataRequest.Status.COMPLETED
    ).first()
    if request is None or not secrets.compare_digest(
        (request.download_token or "-").encode(), token.encode()
    ):
        raise Http404
    path = export_path(request)
    if not request.downloadable or not path.exists():
        raise ExportExpired
    return request, path


def export_response(*, customer: User, request_id: int, token: str) -> FileResponse:
    """The customer's export as a download: an attachment, never cached (see :func:`export_file`)."""
    request, path = export_file(customer=customer, request_id=request_id, token=token)
    stamp = timezone.localtime(request.completed_at).strftime("%Y%m%d")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"my-data-{stamp}.zip", content_type="application/zip"
    )
    response["Cache-Control"] = "no-store, private"
    return response


def exports_purge() -> int:
    """Delete every export whose link expired; return how many files were deleted."""
    now = timezone.now()
    purged = 0
    for request in DataRequest.objects.filter(expires_at__lte=now).exclude(file_name="").order_by("pk"):
        export_path(request).unlink(missing_ok=True)
        purged += DataRequest.objects.filter(pk=request.pk).update(file_name="", file_deleted_at=now)
    return purged
