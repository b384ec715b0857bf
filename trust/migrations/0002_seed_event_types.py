"""Seed the event types every company starts with, and the settings row (staff edit both).

Negative types fade more slowly than positive ones (broken trust is harder
to rebuild): positives halve in 90 days, negatives in 180, a data incident
in a year.
"""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

# key, English, German, points, half-life (days), extra flags
EVENT_TYPES = [
    ("praise", "Praise", "Lob", 5, 90, {}),
    ("complaint", "Complaint", "Beschwerde", -8, 180, {}),
    ("feedback_given", "Feedback or question sent", "Feedback oder Frage gesendet", 1, 90, {}),
    ("promise_kept", "Response promise kept", "Antwortversprechen gehalten", 3, 90, {}),
    ("promise_broken", "Response promise broken", "Antwortversprechen gebrochen", -10, 180, {}),
    ("issue_resolved", "Issue resolved", "Anliegen gelöst", 4, 90, {}),
    ("issue_reopened", "Issue reopened", "Anliegen wieder geöffnet", -4, 180, {}),
    ("survey_good", "Survey: good", "Umfrage: gut", 5, 90, {}),
    ("survey_neutral", "Survey: neutral", "Umfrage: neutral", 1, 90, {}),
    ("survey_bad", "Survey: bad", "Umfrage: schlecht", -8, 180, {}),
    ("nps_promoter", "NPS: promoter", "NPS: Promoter", 6, 90, {}),
    ("nps_passive", "NPS: passive", "NPS: passiv", 1, 90, {}),
    ("nps_detractor", "NPS: detractor", "NPS: Kritiker", -6, 180, {}),
    ("idea_voted", "Voted for an idea", "Für eine Idee gestimmt", 1, 90, {}),
    ("idea_shipped", "Their idea was shipped", "Ihre Idee wurde umgesetzt", 4, 90, {}),
    ("goodwill", "Goodwill gesture granted", "Kulanzleistung gewährt", 10, 90, {}),
    ("follow_up_contact", "Follow-up contact made", "Nachfasskontakt hergestellt", 2, 90, {}),
    (
        "follow_up_no_answer",
        "Follow-up: no answer",
        "Nachfassen: keine Antwort",
        0,
        90,
        {"touchpoint": False},
    ),
    ("consent_granted", "Consent granted", "Einwilligung erteilt", 1, 90, {}),
    # Withdrawing consent must never count against a customer (Art. 7(3) GDPR): a touchpoint worth 0.
    ("consent_withdrawn", "Consent withdrawn", "Einwilligung widerrufen", 0, 90, {}),
    ("export_on_time", "Data export delivered on time", "Datenexport pünktlich geliefert", 3, 90, {}),
    ("data_request_overdue", "Data request overdue", "Datenanfrage überfällig", -15, 180, {}),
    ("data_incident", "Affected by a data incident", "Von einem Datenvorfall betroffen", -25, 365, {}),
    ("incident_acknowledged", "Incident notice acknowledged", "Vorfallsmeldung bestätigt", 2, 90, {}),
    (
        "inactivity",
        "No touchpoint for a long time",
        "Lange kein Kontakt",
        -3,
        180,
        {"counts_for_alarm": False, "touchpoint": False},
    ),
    (
        "adjustment",
        "Manual adjustment",
        "Manuelle Korrektur",
        0,
        180,
        {"custom_points": True, "counts_for_alarm": False, "touchpoint": False},
    ),
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    EventType = apps.get_model("trust", "EventType")
    for key, label_en, label_de, points, half_life, flags in EVENT_TYPES:
        EventType.objects.get_or_create(
            key=key,
            defaults={
                "label_en": label_en,
                "label_de": label_de,
                "points": points,
                "half_life_days": half_life,
                **flags,
            },
        )
    apps.get_model("trust", "TrustSettings").objects.get_or_create(pk=1)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("trust", "TrustSettings").objects.filter(pk=1).delete()
    apps.get_model("trust", "EventType").objects.filter(key__in=[spec[0] for spec in EVENT_TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("trust", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
