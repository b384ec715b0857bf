"""Describe the feedback channel's data in the processing register (officers edit it afterwards)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from customers.register_seeds import processing_activities_seed, processing_activities_unseed

ENTRIES = [
    {
        "source_key": "feedback_conversations",
        "order": 40,
        "category_en": "Feedback conversations",
        "category_de": "Feedback-Gespräche",
        "fields_en": "Kind, topic, rating, status, the promised answer date and whether it was kept, "
        "every message you and our staff wrote, and the files you attached.",
        "fields_de": "Art, Thema, Bewertung, Status, das zugesagte Antwortdatum und ob es eingehalten wurde, "
        "jede Nachricht von Ihnen und unseren Mitarbeitenden sowie die Dateien, die Sie angehängt haben.",
        "purpose_en": "To answer you, to keep our promise of a timely answer, and to learn what to improve.",
        "purpose_de": "Um Ihnen zu antworten, unser Versprechen einer zeitnahen Antwort zu halten und zu "
        "lernen, was wir verbessern können.",
        "legal_basis": "contract",
        "retention_en": "As long as you have an account; on erasure the texts are kept only without any "
        "link to you, for statistics, and attachments are deleted.",
        "retention_de": "Solange Sie ein Konto haben; nach der Löschung bleiben die Texte nur ohne Bezug zu "
        "Ihnen für Statistiken erhalten, Anhänge werden gelöscht.",
        "recipients_en": "Our support agents.",
        "recipients_de": "Unsere Mitarbeitenden im Kundenservice.",
    },
    {
        "source_key": "feedback_surveys",
        "order": 41,
        "category_en": "Survey answers",
        "category_de": "Umfrageantworten",
        "fields_en": "Your satisfaction (1 to 5) after a conversation, whether your problem was solved, and "
        "whether you would recommend us (0 to 10).",
        "fields_de": "Ihre Zufriedenheit (1 bis 5) nach einem Gespräch, ob Ihr Problem gelöst wurde, und ob "
        "Sie uns weiterempfehlen würden (0 bis 10).",
        "purpose_en": "To learn whether we helped, with your consent to surveys.",
        "purpose_de": "Um zu erfahren, ob wir geholfen haben – mit Ihrer Einwilligung in Umfragen.",
        "legal_basis": "consent",
        "retention_en": "As long as you have an account; erased when you ask for erasure.",
        "retention_de": "Solange Sie ein Konto haben; gelöscht, wenn Sie die Löschung verlangen.",
        "recipients_en": "",
        "recipients_de": "",
    },
    {
        "source_key": "feedback_ideas",
        "order": 42,
        "category_en": "Ideas, votes and comments",
        "category_de": "Ideen, Stimmen und Kommentare",
        "fields_en": "The ideas you suggested, the ideas you voted for, and your comments on the idea board.",
        "fields_de": "Die Ideen, die Sie vorgeschlagen haben, die Ideen, für die Sie gestimmt haben, und Ihre "
        "Kommentare auf der Ideenbörse.",
        "purpose_en": "To let customers shape what we build, and to tell you what became of your ideas.",
        "purpose_de": "Damit Kunden mitbestimmen, was wir entwickeln, und wir Ihnen sagen können, was aus "
        "Ihren Ideen wurde.",
        "legal_basis": "contract",
        "retention_en": "As long as you have an account; erased when you ask for erasure.",
        "retention_de": "Solange Sie ein Konto haben; gelöscht, wenn Sie die Löschung verlangen.",
        "recipients_en": "Other signed-in customers see published ideas and comments.",
        "recipients_de": "Andere angemeldete Kunden sehen veröffentlichte Ideen und Kommentare.",
    },
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_seed(apps, ENTRIES)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_unseed(apps, ENTRIES)


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_defaults_roles_schedules"),
        ("customers", "0010_seed_processing_register"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
