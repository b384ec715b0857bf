"""The company's purposes of processing: saving one makes a new text a new version to reconfirm."""

from django.db import transaction
from django.db.models import Max

from customers.models import Purpose, PurposeVersion


def purpose_save(*, purpose: Purpose) -> Purpose:
    """Save a purpose; a new or edited text becomes a new version customers reconfirm."""
    with transaction.atomic():
        if purpose.pk is None:
            purpose.version = 1
            purpose.save()
        else:
            Purpose.objects.select_for_update().filter(pk=purpose.pk).first()
            current = PurposeVersion.objects.filter(purpose=purpose, version=purpose.version).first()
            if current is not None and all(
                getattr(current, f) == getattr(purpose, f) for f in Purpose.TEXT_FIELDS
            ):
                purpose.save()
                return purpose
            purpose.version = (
                PurposeVersion.objects.filter(purpose=purpose).aggregate(last=Max("version"))["last"] or 0
            ) + 1
            purpose.save()
        PurposeVersion.objects.create(purpose=purpose, version=purpose.version, **purpose.text())
    return purpose
