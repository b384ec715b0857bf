"""The privacy center at size: a customer with a long consent history, for the speed test and bench."""

from __future__ import annotations

import itertools
from datetime import timedelta

from django.utils import timezone

from customers.models import Channel, ConsentRecord, Purpose, PurposeVersion, User
from customers.purposes import purpose_save


def privacy_center_fixture(*, purposes: int = 10, channels: int = 4, records: int = 10_000) -> User:
    """Create (or top up) purposes x channels and one customer with ``records`` consent changes."""
    channel_rows = list(Channel.objects.filter(active=True).order_by("order", "key")[:channels])
    for number in range(len(channel_rows), channels):
        channel_rows.append(
            Channel.objects.create(
                key=f"bench-{number}",
                name_en=f"Channel {number}",
                name_de=f"Kanal {number}",
                order=100 + number,
            )
        )
    purpose_rows = list(Purpose.objects.filter(active=True).order_by("order", "key"))
    for number in range(len(purpose_rows), purposes):
        purpose_rows.append(
            purpose_save(
                purpose=Purpose(
                    key=f"bench-{number}",
                    title_en=f"Purpose {number}",
                    title_de=f"Zweck {number}",
                    description_en="A purpose for the benchmark.",
                    description_de="Ein Zweck für den Benchmark.",
                    legal_basis=Purpose.LegalBasis.CONSENT,
                    order=100 + number,
                )
            )
        )
    purpose_rows = purpose_rows[:purposes]
    for purpose in purpose_rows:
        purpose.channels.add(*channel_rows)
    versions = {
        purpose.pk: PurposeVersion.objects.get(purpose=purpose, version=purpose.version)
        for purpose in purpose_rows
    }
    number = User.objects.filter(email__startswith="bench-").count()
    customer = User.objects.create_user(f"bench-{number}@example.com", None, full_name="Bench Customer")
    cells = itertools.cycle(itertools.product(purpose_rows, channel_rows))
    start = timezone.now() - timedelta(minutes=records)
    states = itertools.cycle([ConsentRecord.State.GRANTED, ConsentRecord.State.WITHDRAWN])
    batch = []
    for index in range(records):
        purpose, channel = next(cells)
        batch.append(
            ConsentRecord(
                customer=customer,
                purpose=purpose,
                channel=channel,
                purpose_version=versions[purpose.pk],
                state=next(states) if index % len(channel_rows) else ConsentRecord.State.GRANTED,
                source=ConsentRecord.Source.PRIVACY_CENTER,
                actor=customer,
                created_at=start + timedelta(minutes=index),
            )
        )
    ConsentRecord.objects.bulk_create(batch, batch_size=2000)
    return customer
