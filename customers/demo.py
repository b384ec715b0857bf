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

from customers.models import User
from portal.roles import PRIVACY_OFFICER, SUPPORT_AGENT

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
