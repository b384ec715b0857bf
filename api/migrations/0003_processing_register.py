"""Describe the API's data about customers in the processing register (officers edit it afterwards)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from customers.register_seeds import processing_activities_seed, processing_activities_unseed

ENTRIES = [
    {
        "source_key": "external_ids",
        "order": 70,
        "category_en": "Your numbers in our other systems",
        "category_de": "Ihre Nummern in unseren anderen Systemen",
        "fields_en": "The customer number the shop, the call center or another of our systems uses for you.",
        "fields_de": "Die Kundennummer, unter der Sie im Shop, im Callcenter oder in einem anderen unserer "
        "Systeme geführt werden.",
        "purpose_en": "So that our systems find you and respect your choices everywhere.",
        "purpose_de": "Damit unsere Systeme Sie finden und Ihre Entscheidungen überall beachten.",
        "legal_basis": "contract",
        "retention_en": "As long as you have an account; erased when you ask for erasure.",
        "retention_de": "Solange Sie ein Konto haben; gelöscht, wenn Sie die Löschung verlangen.",
        "recipients_en": "Our own systems only.",
        "recipients_de": "Nur unsere eigenen Systeme.",
    },
    {
        "source_key": "api_tokens",
        "order": 71,
        "category_en": "Your API tokens",
        "category_de": "Ihre API-Tokens",
        "fields_en": "The names you gave your tokens, when they were made, last used and revoked. The "
        "secret itself is never stored.",
        "fields_de": "Die Namen Ihrer Tokens und wann sie erstellt, zuletzt benutzt und widerrufen wurden. "
        "Das Geheimnis selbst wird nie gespeichert.",
        "purpose_en": "To let your own apps use the portal on your behalf, and to let you revoke them.",
        "purpose_de": "Damit Ihre eigenen Apps das Portal in Ihrem Namen nutzen können und Sie sie "
        "widerrufen können.",
        "legal_basis": "contract",
        "retention_en": "As long as you have an account; erased when you ask for erasure.",
        "retention_de": "Solange Sie ein Konto haben; gelöscht, wenn Sie die Löschung verlangen.",
        "recipients_en": "",
        "recipients_de": "",
    },
    {
        "source_key": "webhook_deliveries",
        "order": 72,
        "category_en": "What our systems were told about you",
        "category_de": "Was unseren Systemen über Sie mitgeteilt wurde",
        "fields_en": "Which of our systems was told what happened (for example that you withdrew a "
        "consent), when, and exactly what was sent.",
        "fields_de": "Welches unserer Systeme was erfahren hat (zum Beispiel, dass Sie eine Einwilligung "
        "widerrufen haben), wann, und was genau gesendet wurde.",
        "purpose_en": "So that every system respects your choices at once, and you can see it did.",
        "purpose_de": "Damit jedes System Ihre Entscheidungen sofort beachtet und Sie das sehen können.",
        "legal_basis": "legal_obligation",
        "retention_en": "As long as you have an account; erased when you ask for erasure.",
        "retention_de": "Solange Sie ein Konto haben; gelöscht, wenn Sie die Löschung verlangen.",
        "recipients_en": "The systems that subscribed to the event.",
        "recipients_de": "Die Systeme, die das Ereignis abonniert haben.",
    },
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_seed(apps, ENTRIES)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_unseed(apps, ENTRIES)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_roles_and_schedules"),
        ("customers", "0010_seed_processing_register"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
