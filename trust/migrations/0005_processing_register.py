"""Describe the trust account in the processing register (officers edit it afterwards)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from customers.register_seeds import processing_activities_seed, processing_activities_unseed

ENTRIES = [
    {
        "source_key": "trust_account",
        "order": 50,
        "category_en": "Trust account",
        "category_de": "Vertrauenskonto",
        "fields_en": "Every touchpoint we recorded with you (date, kind, points), the balance, the score "
        "from 0 to 100 we infer from them and its band, and the follow-ups of our customer care.",
        "fields_de": "Jeder Kontaktpunkt, den wir mit Ihnen festgehalten haben (Datum, Art, Punkte), der "
        "Saldo, der daraus abgeleitete Wert von 0 bis 100 mit seiner Stufe und die Nachfragen unseres "
        "Kundenservice.",
        "purpose_en": "To notice when we let you down and to put it right, and to see which of our "
        "actions build or lose your trust.",
        "purpose_de": "Um zu bemerken, wenn wir Sie enttäuscht haben, und es wieder gutzumachen, und um zu "
        "sehen, welche unserer Handlungen Ihr Vertrauen stärken oder kosten.",
        "legal_basis": "legitimate_interests",
        "retention_en": "As long as you have an account; entries fade in weight over time and are erased "
        "with your account.",
        "retention_de": "Solange Sie ein Konto haben; Einträge verlieren mit der Zeit an Gewicht und werden "
        "mit Ihrem Konto gelöscht.",
        "recipients_en": "Our customer care; our other systems may read the score and band.",
        "recipients_de": "Unser Kundenservice; unsere anderen Systeme dürfen Wert und Stufe lesen.",
    },
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_seed(apps, ENTRIES)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_unseed(apps, ENTRIES)


class Migration(migrations.Migration):
    dependencies = [
        ("trust", "0004_schedules"),
        ("customers", "0010_seed_processing_register"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
