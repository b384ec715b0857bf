"""Demo feedback: bilingual threads with replies, surveys, NPS answers, ideas with votes (idempotent).

Rows are written directly (no events, no mails): the demo shows a channel
that has been running for a while, it does not replay its history.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.utils import timezone

from customers.models import User
from feedback.business_days import business_deadline, holidays_from
from feedback.ideas import trending_of
from feedback.models import (
    Idea,
    IdeaComment,
    IdeaVote,
    Kind,
    Message,
    NpsSurvey,
    Survey,
    SurveyState,
    Thread,
    Topic,
)
from feedback.promises import promise_days
from feedback.texts import summary_of

DEMO_CUSTOMER = "customer@example.com"

TEXTS: dict[str, dict[str, list[str]]] = {
    Kind.PRAISE: {
        "en": [
            "Your support team sorted out my delivery problem within an hour. Thank you, that was excellent!",
            "The new invoice layout is much clearer. I found everything at once.",
        ],
        "de": [
            "Ihr Kundenservice hat mein Lieferproblem innerhalb einer Stunde gelöst. Vielen Dank, großartig!",
            "Die neue Rechnungsübersicht ist viel klarer. Ich habe sofort alles gefunden.",
        ],
    },
    Kind.COMPLAINT: {
        "en": [
            "My parcel was announced for Tuesday and still has not arrived. Nobody told me why.",
            "I was charged twice for the same order. Please refund the second payment.",
        ],
        "de": [
            "Mein Paket war für Dienstag angekündigt und ist immer noch nicht da. "
            "Niemand hat mir gesagt, warum.",
            "Mir wurde dieselbe Bestellung zweimal abgebucht. Bitte erstatten Sie die zweite Zahlung.",
        ],
    },
    Kind.QUESTION: {
        "en": [
            "Can I change the delivery address of an order that has already been shipped?",
            "Which data do you keep about me after I close my account, and for how long?",
        ],
        "de": [
            "Kann ich die Lieferadresse einer bereits versandten Bestellung noch ändern?",
            "Welche Daten speichern Sie nach der Kündigung meines Kontos noch, und wie lange?",
        ],
    },
    Kind.IDEA: {
        "en": ["It would be great to choose a delivery time window when I order."],
        "de": ["Es wäre toll, beim Bestellen ein Zeitfenster für die Lieferung wählen zu können."],
    },
}

REPLIES = {
    "en": [
        "Thank you for letting us know. We have looked into it and sorted it out; details are below.",
        "Good question! Yes, that is possible: just use the link in your order confirmation.",
        "We are sorry about this. We have refunded the amount; it will be on your account in 3 days.",
    ],
    "de": [
        "Danke für Ihre Nachricht. Wir haben uns darum gekümmert und es geklärt.",
        "Gute Frage! Ja, das geht: Nutzen Sie einfach den Link in Ihrer Bestellbestätigung.",
        "Das tut uns leid. Wir haben den Betrag erstattet; er ist in 3 Tagen auf Ihrem Konto.",
    ],
}

IDEAS = [
    (
        "en",
        "Delivery time windows",
        "Let me pick a two-hour window for the delivery when I order.",
        "planned",
    ),
    (
        "de",
        "Rechnungen als PDF per E-Mail",
        "Ich hätte meine Rechnungen gerne automatisch als PDF im Postfach.",
        "done",
    ),
    (
        "en",
        "Dark mode for the portal",
        "A dark colour scheme would be easier on the eyes in the evening.",
        "under_review",
    ),
    (
        "de",
        "Paketstation als Lieferadresse",
        "Bitte Packstationen als Lieferadresse erlauben.",
        "in_progress",
    ),
    ("en", "Reuse packaging", "Offer a deposit scheme for your shipping boxes.", "under_review"),
    ("de", "Treuepunkte", "Punkte für jede Bestellung, die man später einlösen kann.", "declined"),
]

RESPONSES = {
    "planned": ("We will build this in the spring.", "Wir bauen das im Frühjahr."),
    "done": ("Available now under “My account”.", "Ab sofort unter „Mein Konto“ verfügbar."),
    "in_progress": ("We are testing this with two partners.", "Wir testen das gerade mit zwei Partnern."),
    "declined": (
        "We prefer lower prices for everyone over a points scheme.",
        "Wir setzen lieber auf niedrigere Preise für alle als auf ein Punktesystem.",
    ),
}


def _agents() -> list[User]:
    agents = list(
        User.objects.filter(email__in=["agent@example.com", "agent2@example.com"]).order_by("email")
    )
    return agents or list(User.objects.filter(is_superuser=True)[:1])


WAITING, ANSWERED, RESOLVED, SURVEYED = "waiting", "answered", "resolved", "surveyed"
# The demo customer sees one conversation in each state, and a survey to answer.
DEMO_FATES = [
    (Kind.QUESTION, WAITING, 0),
    (Kind.COMPLAINT, ANSWERED, 3),
    (Kind.PRAISE, SURVEYED, 6),
    (Kind.IDEA, RESOLVED, 40),
]


def _thread(
    customer: User,
    topic: Topic,
    kind: str,
    fate: str,
    created: datetime,
    rng: random.Random,
    agents: list[User],
) -> None:
    language = customer.language or "en"
    text = rng.choice(TEXTS[kind][language])
    days = promise_days(topic=topic, kind=kind)
    due = business_deadline(start=created, days=days, holidays=holidays_from(created))
    now = timezone.now()
    thread = Thread.objects.create(
        customer=customer,
        kind=kind,
        topic=topic,
        summary=summary_of(text),
        rating=rng.choice([None, None, 2, 3, 4, 5]) if kind != Kind.QUESTION else None,
        created_at=created,
        last_message_at=created,
        promise_days=days,
        due_at=due,
    )
    Message.objects.create(thread=thread, author=customer, text=text, created_at=created)
    if fate == WAITING:
        return  # the periodic check records the promise as broken once it is overdue
    agent = rng.choice(agents) if agents else None
    replied = min(created + timedelta(hours=rng.choice([2, 5, 20, 30, 70, 120])), now - timedelta(minutes=5))
    Message.objects.create(
        thread=thread, author=agent, from_staff=True, text=rng.choice(REPLIES[language]), created_at=replied
    )
    if agent is not None and rng.random() < 0.3:
        Message.objects.create(
            thread=thread,
            author=agent,
            from_staff=True,
            internal=True,
            text="Checked with the warehouse — see ticket W-1042.",
            created_at=replied,
        )
    kept = replied <= due
    thread.first_reply_at, thread.last_message_at, thread.assigned_to = replied, replied, agent
    thread.promise = Thread.Promise.KEPT if kept else Thread.Promise.BROKEN
    thread.promise_settled_at = replied if kept else due
    thread.status = Thread.Status.ANSWERED
    if fate in (RESOLVED, SURVEYED):
        _resolve(thread, agent, fate, replied, rng)
    thread.save()


def _resolve(thread: Thread, agent: User | None, fate: str, replied: datetime, rng: random.Random) -> None:
    """Resolve the demo thread after its reply; its survey is sent, and answered unless ``SURVEYED``."""
    now = timezone.now()
    resolved = min(replied + timedelta(hours=3), now - timedelta(minutes=1))
    thread.status, thread.resolved_at, thread.resolved_by = Thread.Status.RESOLVED, resolved, agent
    thread.times_resolved = 1
    sent = min(resolved + timedelta(days=1), now)
    answered = sent + timedelta(hours=2) if fate == RESOLVED and sent + timedelta(hours=2) < now else None
    Survey.objects.create(
        thread=thread,
        customer=thread.customer,
        agent=agent,
        state=SurveyState.SENT,
        created_at=resolved,
        sent_at=sent,
        score=rng.choice([3, 4, 4, 5, 5, 5, 2]) if answered else None,
        solved=(rng.random() < 0.85) if answered else None,
        answered_at=answered,
        changed_at=answered,
    )


def _threads(customers: list[User], rng: random.Random) -> None:
    topics = list(Topic.objects.filter(active=True))
    if not topics:
        return
    agents = _agents()
    has_threads = set(Thread.objects.filter(customer__in=customers).values_list("customer_id", flat=True))
    now = timezone.now()
    for customer in customers[:80]:
        if customer.pk in has_threads:
            continue
        if customer.email == DEMO_CUSTOMER:
            for kind, fate, days_ago in DEMO_FATES:
                created = now - timedelta(days=days_ago, hours=2)
                _thread(customer, rng.choice(topics), kind, fate, created, rng, agents)
            continue
        for _ in range(rng.randint(1, 2)):
            fate = rng.choices([WAITING, ANSWERED, RESOLVED, SURVEYED], weights=[2, 2, 5, 1])[0]
            age = timedelta(
                days=rng.randint(0, 6) if fate == WAITING else rng.randint(1, 150), hours=rng.randint(0, 23)
            )
            _thread(customer, rng.choice(topics), rng.choice(list(Kind)), fate, now - age, rng, agents)


def _nps(customers: list[User], rng: random.Random) -> None:
    if NpsSurvey.objects.filter(customer__in=customers).exists():
        return
    now = timezone.now()
    rows = []
    for customer in rng.sample(customers, k=min(60, len(customers))):
        asked = now - timedelta(days=rng.randint(1, 80))
        answered = asked + timedelta(hours=3) if rng.random() < 0.75 else None
        rows.append(
            NpsSurvey(
                customer=customer,
                state=SurveyState.SENT,
                created_at=asked,
                sent_at=asked,
                score=rng.choice([10, 9, 9, 8, 7, 10, 6, 3, 9, 8]) if answered else None,
                answered_at=answered,
                changed_at=answered,
            )
        )
    NpsSurvey.objects.bulk_create(rows)


def _ideas(customers: list[User], rng: random.Random) -> None:
    now = timezone.now()
    by_language = {lang: [c for c in customers if c.language == lang] for lang in ("en", "de")}
    for language, title, description, status in IDEAS:
        if Idea.objects.filter(title=title).exists():
            continue
        authors = by_language[language] or customers
        created = now - timedelta(days=rng.randint(10, 120))
        response_en, response_de = RESPONSES.get(status, ("", ""))
        idea = Idea.objects.create(
            author=rng.choice(authors) if authors else None,
            title=title,
            description=description,
            status=status,
            response_en=response_en,
            response_de=response_de,
            published=True,
            published_at=created + timedelta(days=1),
            created_at=created,
            status_changed_at=created + timedelta(days=5) if status != "under_review" else None,
            status_changes=0 if status == "under_review" else 1,
        )
        voters = rng.sample(customers, k=min(len(customers), rng.randint(3, 40)))
        votes = [
            IdeaVote(
                idea=idea,
                customer=voter,
                created_at=created + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 23)),
            )
            for voter in voters
        ]
        IdeaVote.objects.bulk_create(votes)
        idea.votes_count, idea.trending = len(votes), trending_of([vote.created_at for vote in votes])
        idea.save(update_fields=["votes_count", "trending"])
        for commenter in voters[: rng.randint(0, 3)]:
            IdeaComment.objects.create(
                idea=idea,
                author=commenter,
                text="Yes, please!" if commenter.language == "en" else "Ja, bitte!",
                created_at=created + timedelta(days=2),
            )
    demo = next((c for c in customers if c.email == DEMO_CUSTOMER), None)
    if demo is not None and not Idea.objects.filter(author=demo, published=False).exists():
        Idea.objects.create(
            author=demo,
            title="Bestellungen pausieren",
            description="Ich würde mein Abo gerne für die Urlaubszeit pausieren können.",
            created_at=now - timedelta(days=1),
        )


def seed(*, customers: list[User], rng: random.Random) -> None:
    """Create the demo feedback once; running it again adds nothing."""
    if not customers:
        return
    _threads(customers, rng)
    _nps(customers, rng)
    _ideas(customers, rng)
