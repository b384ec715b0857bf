"""The processing register's first entries: what the privacy center itself stores (officers edit them)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from customers.register_seeds import processing_activities_seed, processing_activities_unseed

ENTRIES = [
    {
        "source_key": "profile",
        "order": 10,
        "category_en": "Account and profile",
        "category_de": "Konto und Profil",
        "fields_en": "Email address, name, language, date of sign-up and last sign-in, verified addresses, "
        "which second factors you use, signed-in devices.",
        "fields_de": "E-Mail-Adresse, Name, Sprache, Datum der Registrierung und der letzten Anmeldung, "
        "bestätigte Adressen, welche zweiten Faktoren Sie nutzen, angemeldete Geräte.",
        "purpose_en": "To let you sign in, keep your account safe and speak to you in your language.",
        "purpose_de": "Damit Sie sich anmelden können, Ihr Konto sicher bleibt und wir Sie in Ihrer Sprache "
        "ansprechen.",
        "legal_basis": "contract",
        "retention_en": "As long as you have an account; erased when you ask for erasure.",
        "retention_de": "Solange Sie ein Konto haben; gelöscht, wenn Sie die Löschung verlangen.",
        "recipients_en": "Our hosting provider (processor, EU).",
        "recipients_de": "Unser Hosting-Anbieter (Auftragsverarbeiter, EU).",
    },
    {
        "source_key": "consents",
        "order": 20,
        "category_en": "Consents and their history",
        "category_de": "Einwilligungen und ihr Verlauf",
        "fields_en": "Purpose, channel, granted or withdrawn, when, how (privacy center, email link, API, "
        "staff with a reason, browser signal, import), who, and the text version you were shown.",
        "fields_de": "Zweck, Kanal, erteilt oder widerrufen, wann, wie (Datenschutz-Center, E-Mail-Link, API, "
        "Mitarbeitende mit Begründung, Browsersignal, Import), von wem, und die Textfassung, die Sie "
        "gesehen haben.",
        "purpose_en": "To prove what you allowed (Art. 7(1) GDPR) and to contact you only as you allow.",
        "purpose_de": "Um nachzuweisen, was Sie erlaubt haben (Art. 7 Abs. 1 DSGVO), und Sie nur so zu "
        "kontaktieren, wie Sie es erlauben.",
        "legal_basis": "legal_obligation",
        "retention_en": "As long as you have an account; on erasure only a scrambled (hashed) copy of your "
        "address remains, so we never contact you again.",
        "retention_de": "Solange Sie ein Konto haben; nach der Löschung bleibt nur eine verschlüsselte "
        "(gehashte) Kopie Ihrer Adresse, damit wir Sie nie wieder kontaktieren.",
        "recipients_en": "",
        "recipients_de": "",
    },
    {
        "source_key": "privacy_signals",
        "order": 25,
        "category_en": "Browser privacy signals",
        "category_de": "Datenschutzsignale des Browsers",
        "fields_en": "When your browser first sent a Global Privacy Control signal, and what it withdrew.",
        "fields_de": "Wann Ihr Browser zum ersten Mal ein Global-Privacy-Control-Signal gesendet hat und was "
        "es widerrufen hat.",
        "purpose_en": "To honour your signal once and remember that we did.",
        "purpose_de": "Um Ihr Signal einmal umzusetzen und festzuhalten, dass wir es getan haben.",
        "legal_basis": "legal_obligation",
        "retention_en": "As long as you have an account.",
        "retention_de": "Solange Sie ein Konto haben.",
        "recipients_en": "",
        "recipients_de": "",
    },
    {
        "source_key": "staff_accesses",
        "order": 30,
        "category_en": "Staff access log",
        "category_de": "Protokoll der Zugriffe durch Mitarbeitende",
        "fields_en": "Which staff member opened which of your data, and when.",
        "fields_de": "Welche Mitarbeiterin oder welcher Mitarbeiter welche Ihrer Daten wann geöffnet hat.",
        "purpose_en": "To show you who looked at your data, and to detect misuse.",
        "purpose_de": "Um Ihnen zu zeigen, wer Ihre Daten angesehen hat, und Missbrauch zu erkennen.",
        "legal_basis": "legitimate_interests",
        "retention_en": "As long as you have an account.",
        "retention_de": "Solange Sie ein Konto haben.",
        "recipients_en": "",
        "recipients_de": "",
    },
    {
        "source_key": "notifications",
        "order": 40,
        "category_en": "Notifications in the portal",
        "category_de": "Benachrichtigungen im Portal",
        "fields_en": "Title, text, link, when written and when read.",
        "fields_de": "Titel, Text, Link, wann geschrieben und wann gelesen.",
        "purpose_en": "To tell you about your requests and your account inside the portal.",
        "purpose_de": "Um Sie im Portal über Ihre Anfragen und Ihr Konto zu informieren.",
        "legal_basis": "contract",
        "retention_en": "As long as you have an account.",
        "retention_de": "Solange Sie ein Konto haben.",
        "recipients_en": "",
        "recipients_de": "",
    },
    {
        "source_key": "mails",
        "order": 50,
        "category_en": "Mail log",
        "category_de": "Protokoll der E-Mails",
        "fields_en": "Which mail we sent you, for which purpose, and when.",
        "fields_de": "Welche E-Mail wir Ihnen gesendet haben, zu welchem Zweck und wann.",
        "purpose_en": "To send each mail once only and to prove that legal notices reached you.",
        "purpose_de": "Um jede E-Mail nur einmal zu senden und nachzuweisen, dass gesetzliche Mitteilungen "
        "Sie erreicht haben.",
        "legal_basis": "legitimate_interests",
        "retention_en": "As long as you have an account.",
        "retention_de": "Solange Sie ein Konto haben.",
        "recipients_en": "Our mail delivery provider (processor, EU).",
        "recipients_de": "Unser E-Mail-Versanddienstleister (Auftragsverarbeiter, EU).",
    },
    {
        "source_key": "data_requests",
        "order": 60,
        "category_en": "Your data requests",
        "category_de": "Ihre Anfragen zu Ihren Daten",
        "fields_en": "Type of request, status, dates received, due and completed, reason for an extension.",
        "fields_de": "Art der Anfrage, Status, Eingangs-, Fälligkeits- und Erledigungsdatum, Grund für eine "
        "Fristverlängerung.",
        "purpose_en": "To answer your requests in time and to account for it (Art. 12 GDPR). A copy of your "
        "data is deleted after 7 days.",
        "purpose_de": "Um Ihre Anfragen fristgerecht zu beantworten und dies nachzuweisen (Art. 12 DSGVO). "
        "Eine Kopie Ihrer Daten wird nach 7 Tagen gelöscht.",
        "legal_basis": "legal_obligation",
        "retention_en": "As long as you have an account; after an erasure the request remains without any "
        "link to you.",
        "retention_de": "Solange Sie ein Konto haben; nach einer Löschung bleibt die Anfrage ohne jeden Bezug "
        "zu Ihnen bestehen.",
        "recipients_en": "",
        "recipients_de": "",
    },
    {
        "source_key": "incident_notices",
        "order": 70,
        "category_en": "Data incident notices",
        "category_de": "Mitteilungen über Datenpannen",
        "fields_en": "Which incident affected you, when we told you, when you confirmed reading it.",
        "fields_de": "Welche Datenpanne Sie betroffen hat, wann wir es Ihnen mitgeteilt haben und wann Sie "
        "das Lesen bestätigt haben.",
        "purpose_en": "To tell you about a breach of your data (Art. 34 GDPR).",
        "purpose_de": "Um Sie über eine Verletzung des Schutzes Ihrer Daten zu informieren (Art. 34 DSGVO).",
        "legal_basis": "legal_obligation",
        "retention_en": "As long as you have an account.",
        "retention_de": "Solange Sie ein Konto haben.",
        "recipients_en": "",
        "recipients_de": "",
    },
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_seed(apps, ENTRIES)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    processing_activities_unseed(apps, ENTRIES)


class Migration(migrations.Migration):
    dependencies = [("customers", "0009_privacy_schedules")]

    operations = [migrations.RunPython(seed, unseed)]
