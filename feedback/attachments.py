"""Attachments: images and PDFs, checked by what they contain, never by their name.

A file is accepted only if its first bytes say it is a JPEG, PNG, GIF,
WebP or PDF, and an image only if Pillow can actually read it: a script
renamed ``photo.png`` or an HTML page sent as ``application/pdf`` is
refused. The stored file gets a random name with the extension of the
detected type; the customer's file name is kept only as a label.
"""

from __future__ import annotations

import unicodedata
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import filetype
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from customers.models import User
from feedback.models import Attachment, Message
from feedback.refusals import FeedbackRefused

MAX_FILES = 3
MAX_BYTES = 5 * 1024 * 1024
ALLOWED = {
    "image/jpeg": (".jpg", "JPEG"),
    "image/png": (".png", "PNG"),
    "image/gif": (".gif", "GIF"),
    "image/webp": (".webp", "WEBP"),
    "application/pdf": (".pdf", None),
}
_HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks, with what it really is."""

    upload: UploadedFile
    name: str
    content_type: str
    extension: str
    size: int


def _label(name: str) -> str:
    cleaned = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    cleaned = cleaned.replace("/", "_").replace("\\", "_").strip() or "file"
    return cleaned[-150:]


def _refuse(upload: UploadedFile, message: str) -> FeedbackRefused:
    return FeedbackRefused(f"{_label(upload.name or '')}: {message}", code="attachment")


def _image_readable(upload: UploadedFile, expected_format: str) -> bool:
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format != expected_format:
                    return False
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):  # fmt: skip
        return False
    finally:
        upload.seek(0)
    return True


def _pdf_complete(upload: UploadedFile) -> bool:
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(max((upload.size or 0) - 2048, 0))
    tail = upload.read()
    upload.seek(0)
    return head.startswith(b"%PDF-") and b"%%EOF" in tail


def attachment_check(upload: UploadedFile) -> CheckedFile:
    """Return what the upload really is; raise :class:`FeedbackRefused` if it is not allowed."""
    size = upload.size or 0
    if size == 0:
        raise _refuse(upload, _("the file is empty."))
    if size > MAX_BYTES:
        raise _refuse(upload, _("the file is larger than 5 MB."))
    upload.seek(0)
    head = upload.read(_HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    allowed = ALLOWED.get(kind.mime) if kind is not None else None
    if kind is None or allowed is None:
        raise _refuse(upload, _("only images (JPEG, PNG, GIF, WebP) and PDF documents can be attached."))
    extension, image_format = allowed
    readable = _image_readable(upload, image_format) if image_format else _pdf_complete(upload)
    if not readable:
        raise _refuse(upload, _("the file is damaged or is not what it claims to be."))
    return CheckedFile(
        upload=upload, name=_label(upload.name or ""), content_type=kind.mime, extension=extension, size=size
    )


def attachments_check(uploads: Sequence[UploadedFile]) -> list[CheckedFile]:
    """Check every upload of one message (at most three); all or none are accepted."""
    if len(uploads) > MAX_FILES:
        raise FeedbackRefused(_("At most 3 files can be attached to one message."), code="too_many_files")
    return [attachment_check(upload) for upload in uploads]


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Collect the names of stored files; delete them if the block raises (its transaction rolled back)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def attachments_save(
    *, message: Message, files: Sequence[CheckedFile], stored: list[str]
) -> list[Attachment]:
    """Store the checked files for ``message``, adding each stored name to ``stored``."""
    saved: list[Attachment] = []
    for checked in files:
        attachment = Attachment(
            message=message, name=checked.name, content_type=checked.content_type, size=checked.size
        )
        attachment.file.save(f"upload{checked.extension}", checked.upload, save=False)
        stored.append(attachment.file.name or "")
        saved.append(attachment)
    Attachment.objects.bulk_create(saved)
    return saved


def attachment_for(*, token: str, user: User) -> Attachment | None:
    """The attachment behind ``token`` if ``user`` may see it: its customer, or staff with access."""
    attachment = (
        Attachment.objects.select_related("message__thread").filter(token=token).first()
        if _is_uuid(token)
        else None
    )
    if attachment is None:
        return None
    message = attachment.message
    if user.is_staff and user.has_perm("feedback.view_thread"):
        return attachment
    if not message.internal and message.thread.customer_id == user.pk:
        return attachment
    return None


def _is_uuid(token: str) -> bool:
    try:
        uuid.UUID(token)
    except ValueError:
        return False
    return True


def attachments_delete_files(names: Sequence[str]) -> None:
    """Delete stored files once the transaction that removed their rows has committed."""

    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)
