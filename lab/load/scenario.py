"""The data of a load run: the demo data, plus what the simulated people need, through the services.

:func:`scenario_seed` runs ``seed_demo`` (a few hundred bilingual customers
with histories) and gives the demo customers the demo password, so the load
generator can sign in as them. :func:`scenario_plan` gives each simulated
customer a resolved thread whose satisfaction survey was sent, and writes
what the load generator needs (logins, ideas, survey links) as a plan.
:func:`scenario_chaos` adds what the chaos run interrupts: a ledger big
enough that a full recompute takes a while, and a batch of follow-ups whose
mails wait for one run of the batch task.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from customers.consents import ConsentChange, consent_change
from customers.demo import DEMO_DOMAIN, DEMO_PASSWORD
from customers.models import ConsentRecord, User
from feedback.asking import question_path
from feedback.models import Idea, Kind, Survey, SurveyState, Topic
from feedback.staff_settings import feedback_settings
from feedback.surveys import CSAT, survey_send
from feedback.threads import thread_resolve, thread_submit
from lab.benchmarks.trust_recompute import BENCH_DOMAIN, bench_build
from plumbing.roles import SUPPORT_AGENT
from trust.accounts import account_lock
from trust.configuration import trust_settings
from trust.followups import followup_open
from trust.models import FollowUp, TrustSettings
from trust.scoring import Rules

AGENTS = ("agent@example.com", "agent2@example.com")


def scenario_seed(*, customers: int) -> None:
    """The demo data, the demo password for the demo customers, surveys at once, no quiet hours."""
    call_command("seed_demo", customers=customers, force=True, quiet_banner=True)
    User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_staff=False).update(
        password=make_password(DEMO_PASSWORD)
    )
    settings = feedback_settings()
    settings.survey_delay_hours = 0
    settings.threads_per_hour = max(settings.threads_per_hour, 60)
    settings.save()
    # Mails go out whatever the hour of the run (quiet hours start == end: none).
    TrustSettings.objects.filter(pk=trust_settings().pk).update(quiet_hours_start=0, quiet_hours_end=0)


def scenario_plan(*, users: int) -> dict[str, Any]:
    """Logins, ideas and one sent survey per simulated customer (mails go to the configured sink)."""
    people = list(
        User.objects.filter(email__endswith=f"@{DEMO_DOMAIN}", is_staff=False, is_active=True).order_by("pk")[
            :users
        ]
    )
    agent = User.objects.get(email=AGENTS[0])
    topic = Topic.objects.filter(active=True).order_by("pk").first()
    assert topic is not None, "seed_demo creates topics"
    customers = []
    for person in people:
        sent = list(
            Survey.objects.filter(customer=person, state=SurveyState.SENT)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if not sent:
            with transaction.atomic():
                thread = thread_submit(
                    customer=person,
                    kind=Kind.QUESTION,
                    topic=topic,
                    text="How do I change my delivery address? (load run)",
                )
                thread_resolve(thread=thread, actor=agent)
            survey = Survey.objects.get(thread=thread)
            survey_send(survey_id=survey.pk)
            sent = [survey.pk]
        customers.append(
            {
                "id": person.pk,
                "email": person.email,
                "surveys": [
                    [pk, question_path(CSAT, asked_id=pk).rstrip("/").rsplit("/", 1)[-1]] for pk in sent
                ],
            }
        )
    ideas = list(
        Idea.objects.filter(published=True, merged_into__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    agents = [
        email
        for email in AGENTS
        if User.objects.filter(email=email, is_staff=True, groups__name=SUPPORT_AGENT).exists()
    ]
    return {
        "password": DEMO_PASSWORD,
        "customers": customers,
        "ideas": ideas,
        "agents": agents or [AGENTS[0]],
    }


def scenario_chaos(*, ledger_customers: int, follow_ups: int, say: Callable[[str], None]) -> list[int]:
    """A big ledger, and follow-ups whose mails wait for the batch task; return the follow-ups' ids."""
    bench_build(customers=ledger_customers, entries_per_customer=20, say=say)
    chosen = list(
        User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("pk").values_list("pk", flat=True)
    )
    chosen = random.Random(2026).sample(chosen, min(follow_ups, len(chosen)))
    customers = {user.pk: user for user in User.objects.filter(pk__in=chosen)}
    grant = [ConsentChange(purpose="care", channel="email", granted=True, shown_version=1)]
    for customer_id in chosen:
        consent_change(customer=customers[customer_id], changes=grant, source=ConsentRecord.Source.IMPORT)
    # Open them "in quiet hours", so each one's own mail job waits for their end, far after the run;
    # then lift the quiet hours: the batch task is what sends them.
    now = timezone.now()
    settings = trust_settings()
    hour = timezone.localtime(now).hour
    settings.quiet_hours_start, settings.quiet_hours_end = hour, (hour + 2) % 24
    rules = Rules.of(settings)
    opened = []
    for customer_id in sorted(chosen):
        with transaction.atomic():
            account = account_lock(customer_id=customer_id, rules=rules)
            follow_up, _created = followup_open(
                account=account, reason=FollowUp.Reason.BAND, settings=settings, now=now
            )
            opened.append(follow_up.pk)
    TrustSettings.objects.filter(pk=settings.pk).update(quiet_hours_start=0, quiet_hours_end=0)
    return opened
