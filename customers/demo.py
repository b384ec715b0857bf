"""Demo people: four logins for the roles, and bilingual customers around them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from customers.consents import consent_announce
from customers.incidents import incident_customers_add, incident_declare
from customers.models import ConsentRecord, DataRequest, Incident, Purpose, PurposeVersion, StaffAccess, User
from customers.requests import data_request_export, months_after
from plumbing.roles import PRIVACY_OFFICER, SUPPORT_AGENT

DEMO_PASSWORD = "trust-portal-demo"  # noqa: S105 -- printed on purpose; seed_demo refuses with DEBUG off
DEMO_DOMAIN = "example.org"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    full_name: str
    language: str
    group: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


DEMO_LOGINS = [
    DemoLogin("customer", "customer@example.com", "Clara Kunde", "de"),
    DemoLogin("support agent", "agent@example.com", "Alex Agent", "en", group=SUPPORT_AGENT, is_staff=True),
    DemoLogin(
        "privacy officer",
        "privacy@example.com",
        "Petra Datenschutz",
        "de",
        group=PRIVACY_OFFICER,
        is_staff=True,
    ),
    DemoLogin("superuser", "admin@example.com", "Ada Admin", "en", is_staff=True, is_superuser=True),
]


def _verified(user: User) -> None:
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def seed_logins() -> list[DemoLogin]:
    """Create (once) the demo logins for each role, all with the demo password."""
    password = make_password(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            email=login.email,
            defaults={
                "full_name": login.full_name,
                "language": login.language,
                "is_staff": login.is_staff,
                "is_superuser": login.is_superuser,
                "password": password,
                "date_joined": timezone.now() - timedelta(days=400),
            },
        )
        if created and login.group:
            user.groups.add(Group.objects.get(name=login.group))
        _verified(user)
    # A second support agent, so follow-ups have someone to be shared with.
    second, created = User.objects.get_or_create(
        email="agent2@example.com",
        defaults={"full_name": "Jonas Support", "language": "de", "is_staff": True, "password": password},
    )
    if created:
        second.groups.add(Group.objects.get(name=SUPPORT_AGENT))
    _verified(second)
    return DEMO_LOGINS


def seed_customers(*, count: int, rng: random.Random) -> list[User]:
    """Create ``count`` customers with German or English names (once); return all demo customers."""
    fakers = {"de": Faker("de_DE"), "en": Faker("en_GB")}
    for faker in fakers.values():
        faker.seed_instance(rng.randint(0, 2**31))
    existing = set(User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").values_list("email", flat=True))
    now = timezone.now()
    new_users = []
    for number in range(count):
        language = "de" if number % 5 < 3 else "en"
        faker = fakers[language]
        first, last = faker.first_name(), faker.last_name()
        email = f"{slugify(first)}.{slugify(last)}.{number}@{DEMO_DOMAIN}"
        if email in existing:
            continue
        new_users.append(
            User(
                email=email,
                full_name=f"{first} {last}",
                language=language,
                date_joined=now - timedelta(days=rng.randint(30, 900), minutes=rng.randint(0, 1440)),
                password=make_password(None),
            )
        )
    User.objects.bulk_create(new_users)
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in User.objects.filter(email__in=[user.email for user in new_users])
        ]
    )
    customer = User.objects.get(email="customer@example.com")
    return [customer, *User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}").order_by("pk")]


# --- The privacy center's demo data -----------------------------------------------------------

STAFF_REASONS = {
    "de": ["Kundin hat am Telefon widersprochen.", "Wunsch per Brief an den Kundenservice."],
    "en": ["Customer objected on the phone.", "Asked for it in a letter to customer care."],
}
DEMO_INCIDENT = {
    "title_en": "Misdirected order confirmations",
    "title_de": "Fehlgeleitete Bestellbestätigungen",
    "what_happened_en": "For two days a faulty update sent some order confirmations to the wrong customer.",
    "what_happened_de": "Zwei Tage lang hat ein fehlerhaftes Update einige Bestellbestätigungen an falsche "
    "Kundinnen und Kunden geschickt.",
    "data_concerned_en": "Name, delivery address and the items of one order. No payment data.",
    "data_concerned_de": "Name, Lieferadresse und die Artikel einer Bestellung. Keine Zahlungsdaten.",
    "measures_en": "We stopped the update within an hour of noticing, asked the recipients to delete the "
    "mails and informed the supervisory authority.",
    "measures_de": "Wir haben das Update innerhalb einer Stunde nach Bemerken gestoppt, die Empfänger "
    "gebeten, die E-Mails zu löschen, und die Aufsichtsbehörde informiert.",
    "advice_en": "Nothing is needed. Be wary of calls or mails that mention your order and ask for payment.",
    "advice_de": "Sie müssen nichts tun. Seien Sie vorsichtig bei Anrufen oder E-Mails, die Ihre Bestellung "
    "erwähnen und eine Zahlung verlangen.",
}


def _seed_history(customer: User, rng: random.Random, staff: list[User]) -> None:
    """Give a customer a plausible consent history over the time they have been a customer."""
    if ConsentRecord.objects.filter(customer=customer).exists():
        return
    purposes = list(Purpose.objects.filter(active=True, required=False).prefetch_related("channels"))
    versions = {v.purpose_id: v for v in PurposeVersion.objects.filter(version=1)}
    now = timezone.now()
    moment = customer.date_joined + timedelta(minutes=rng.randint(5, 120))
    state: dict[tuple[int, int], str] = {}
    for _ in range(rng.randint(1, 7)):
        purpose = rng.choice(purposes)
        channel = rng.choice(list(purpose.channels.all()))
        if purpose.pk not in versions:
            continue
        current = state.get((purpose.pk, channel.pk), ConsentRecord.State.WITHDRAWN)
        new = (
            ConsentRecord.State.WITHDRAWN
            if current == ConsentRecord.State.GRANTED
            else ConsentRecord.State.GRANTED
        )
        source = rng.choices(
            [
                ConsentRecord.Source.PRIVACY_CENTER,
                ConsentRecord.Source.EMAIL_LINK,
                ConsentRecord.Source.STAFF,
            ],
            weights=[8, 2 if new == ConsentRecord.State.WITHDRAWN else 0, 1],
        )[0]
        actor, reason = customer, ""
        if source == ConsentRecord.Source.STAFF and staff:
            actor, reason = rng.choice(staff), rng.choice(STAFF_REASONS[customer.language or "en"])
        record = ConsentRecord.objects.create(
            customer=customer,
            purpose=purpose,
            channel=channel,
            purpose_version=versions[purpose.pk],
            state=new,
            source=source,
            actor=actor,
            reason=reason,
            created_at=min(moment, now),
        )
        consent_announce(record)
        state[(purpose.pk, channel.pk)] = new
        moment += timedelta(days=rng.randint(1, 120), minutes=rng.randint(0, 600))


def _seed_requests(customers: list[User], rng: random.Random) -> None:
    """Past requests for the transparency report (some late, one extended), and a copy being made now."""
    if DataRequest.objects.exists():
        return
    now = timezone.now()
    for customer in rng.sample(customers[1:], k=min(len(customers) - 1, 30)):
        received = now - timedelta(days=rng.randint(20, 330), hours=rng.randint(0, 23))
        days = rng.choice([1, 2, 3, 5, 8, 13, 21, 29, 34])
        request = DataRequest.objects.create(
            customer=customer,
            kind=rng.choice([DataRequest.Kind.EXPORT] * 4 + [DataRequest.Kind.ERASURE]),
            received_at=received,
            due_at=months_after(received, 1),
            download_token="",
        )
        if request.kind == DataRequest.Kind.ERASURE:
            # The customer changed their mind during the grace period.
            request.status = DataRequest.Status.CANCELLED
            request.cancelled_at = received + timedelta(days=2)
            request.erase_after = received + timedelta(days=14)
        else:
            if days > 28 and rng.random() < 0.5:  # extended in time; otherwise simply late
                request.extended_at = received + timedelta(days=20)
                request.extension_reason = (
                    "Ihre Daten lagen teilweise im Archiv."
                    if customer.language == "de"
                    else "Part of your data was in our archive."
                )
                request.due_at = months_after(received, 3)
            request.status = DataRequest.Status.COMPLETED
            request.completed_at = received + timedelta(days=days)
            request.expires_at = request.completed_at + timedelta(days=7)
            request.file_deleted_at = request.expires_at
        request.save()
    # The demo customer's own copy: the worker builds it when `make run` starts.
    data_request_export(customer=customers[0])


def _seed_incident(customers: list[User], rng: random.Random) -> None:
    """One declared incident that affected the demo customer and a few others."""
    if Incident.objects.filter(title_en=DEMO_INCIDENT["title_en"]).exists():
        return
    officer = User.objects.get(email="privacy@example.com")
    incident = Incident.objects.create(
        started_on=(timezone.now() - timedelta(days=9)).date(), **DEMO_INCIDENT
    )
    affected = [customers[0], *rng.sample(customers[1:], k=min(len(customers) - 1, 6))]
    incident_customers_add(incident=incident, customer_ids=[customer.pk for customer in affected])
    incident_declare(incident_id=incident.pk, staff=officer)


def _seed_staff_accesses(customers: list[User], rng: random.Random, staff: list[User]) -> None:
    if not staff or StaffAccess.objects.exists():
        return
    now = timezone.now()
    for customer in [customers[0], *rng.sample(customers[1:], k=min(len(customers) - 1, 40))]:
        for _ in range(rng.randint(1, 4)):
            person = rng.choice(staff)
            StaffAccess.objects.create(
                customer=customer,
                staff=person,
                staff_name=person.get_full_name(),
                view=rng.choice(["admin:customer", "admin:customer", "admin:data_request"]),
                accessed_at=now - timedelta(days=rng.randint(0, 200), minutes=rng.randint(0, 1440)),
            )


def seed(*, customers: list[User], rng: random.Random) -> None:
    """Consent histories, data requests, staff accesses and an incident for the demo (idempotent)."""
    if not customers:
        return
    staff = list(User.objects.filter(is_staff=True, is_superuser=False).order_by("pk"))
    base = rng.random()
    for customer in customers:
        # One generator per customer: a second run makes the same choices for everyone.
        own = random.Random(f"{base}:{customer.email}")
        if customer is customers[0] or own.random() < 0.8:
            _seed_history(customer, own, staff)
    _seed_staff_accesses(customers, rng, staff)
    _seed_requests(customers, rng)
    _seed_incident(customers, rng)
