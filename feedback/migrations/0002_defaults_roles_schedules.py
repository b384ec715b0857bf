"""Defaults staff start from: settings, topics with response promises, holidays; roles; schedules."""

from datetime import date, timedelta

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.roles import SUPPORT_AGENT, role_grant, role_revoke
from plumbing.schedules import periodic_task_ensure, periodic_task_remove

# Business days for a first answer, per kind: complaints fastest.
PROMISES = {"complaint": 1, "question": 2, "praise": 5, "idea": 5}

TOPICS = [
    ("orders", "Orders and delivery", "Bestellungen und Lieferung", 10),
    ("billing", "Invoices and payment", "Rechnungen und Zahlung", 20),
    ("products", "Products and services", "Produkte und Leistungen", 30),
    ("account", "Your account and data", "Ihr Konto und Ihre Daten", 40),
    ("portal", "This portal", "Dieses Portal", 50),
    ("other", "Something else", "Etwas anderes", 60),
]

SUPPORT_AGENT_PERMISSIONS = [
    "feedback.view_thread",
    "feedback.change_thread",
    "feedback.view_topic",
    "feedback.add_topic",
    "feedback.change_topic",
    "feedback.view_responsepromise",
    "feedback.view_holiday",
    "feedback.add_holiday",
    "feedback.change_holiday",
    "feedback.delete_holiday",
    "feedback.view_feedbacksettings",
    "feedback.view_survey",
    "feedback.view_npssurvey",
    "feedback.view_idea",
    "feedback.add_idea",
    "feedback.change_idea",
    "feedback.view_ideacomment",
    "feedback.delete_ideacomment",
]

SCHEDULES = ["Find broken response promises", "Ask customers whether they would recommend us"]


def _easter(year: int) -> date:
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741
    m = (a + 11 * h + 22 * l) // 451
    month = (h + l - 7 * m + 114) // 31
    day = (h + l - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _german_holidays(year: int) -> list[tuple[date, str, str]]:
    easter = _easter(year)
    return [
        (date(year, 1, 1), "New Year's Day", "Neujahr"),
        (easter - timedelta(days=2), "Good Friday", "Karfreitag"),
        (easter + timedelta(days=1), "Easter Monday", "Ostermontag"),
        (date(year, 5, 1), "Labour Day", "Tag der Arbeit"),
        (easter + timedelta(days=39), "Ascension Day", "Christi Himmelfahrt"),
        (easter + timedelta(days=50), "Whit Monday", "Pfingstmontag"),
        (date(year, 10, 3), "Day of German Unity", "Tag der Deutschen Einheit"),
        (date(year, 12, 25), "Christmas Day", "1. Weihnachtstag"),
        (date(year, 12, 26), "Boxing Day", "2. Weihnachtstag"),
    ]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("feedback", "FeedbackSettings").objects.get_or_create(pk=1)
    Topic = apps.get_model("feedback", "Topic")
    ResponsePromise = apps.get_model("feedback", "ResponsePromise")
    for key, name_en, name_de, order in TOPICS:
        topic, created = Topic.objects.get_or_create(
            key=key, defaults={"name_en": name_en, "name_de": name_de, "order": order}
        )
        if created:
            for kind, days in PROMISES.items():
                ResponsePromise.objects.create(topic=topic, kind=kind, business_days=days)
    Holiday = apps.get_model("feedback", "Holiday")
    for year in (2026, 2027, 2028):
        for day, name_en, name_de in _german_holidays(year):
            Holiday.objects.get_or_create(date=day, defaults={"name_en": name_en, "name_de": name_de})
    role_grant(apps, SUPPORT_AGENT, SUPPORT_AGENT_PERMISSIONS)
    periodic_task_ensure(
        apps,
        name=SCHEDULES[0],
        task="feedback.check_promises",
        every_seconds=300,
        expire_seconds=240,
        description="Records every response promise past its due time without an answer as broken.",
    )
    periodic_task_ensure(
        apps,
        name=SCHEDULES[1],
        task="feedback.send_nps_due",
        crontab={"minute": "23", "hour": "9-17"},
        expire_seconds=3000,
        description="Asks the next consenting customers (at most once per NPS interval) for their NPS.",
    )


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in SCHEDULES:
        periodic_task_remove(apps, name=name)
    role_revoke(apps, SUPPORT_AGENT, SUPPORT_AGENT_PERMISSIONS)
    apps.get_model("feedback", "Holiday").objects.all().delete()
    apps.get_model("feedback", "ResponsePromise").objects.all().delete()
    apps.get_model("feedback", "Topic").objects.filter(
        key__in=[t[0] for t in TOPICS], threads__isnull=True
    ).delete()
    apps.get_model("feedback", "FeedbackSettings").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("customers", "0002_staff_roles"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
