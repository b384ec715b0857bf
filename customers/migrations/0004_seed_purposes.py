"""Seed the channels and the purposes every company starts with (privacy officers edit them)."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.roles import PRIVACY_OFFICER, role_grant, role_revoke

CHANNELS = [
    ("email", "Email", "E-Mail", 10),
    ("sms", "SMS", "SMS", 20),
    ("phone", "Phone", "Telefon", 30),
    ("post", "Post", "Post", 40),
]

PURPOSES = [
    {
        "key": "service",
        "order": 10,
        "title_en": "Service messages",
        "title_de": "Servicenachrichten",
        "description_en": "Messages about your account, your orders, your requests and your data, "
        "including notices we are legally obliged to send.",
        "description_de": "Nachrichten zu Ihrem Konto, Ihren Bestellungen, Ihren Anfragen und Ihren Daten, "
        "einschließlich Mitteilungen, zu denen wir gesetzlich verpflichtet sind.",
        "legal_basis": "contract",
        "required": True,
        "required_reason_en": "Without them we could not confirm your orders or answer your requests.",
        "required_reason_de": "Ohne sie könnten wir Ihre Bestellungen nicht bestätigen und Ihre Anfragen "
        "nicht beantworten.",
        "default_granted": True,
        "channels": ["email", "post"],
    },
    {
        "key": "newsletter",
        "order": 20,
        "title_en": "Newsletter",
        "title_de": "Newsletter",
        "description_en": "News about our products and services, at most twice a month.",
        "description_de": "Neuigkeiten zu unseren Produkten und Leistungen, höchstens zweimal im Monat.",
        "legal_basis": "consent",
        "is_marketing": True,
        "channels": ["email", "post"],
    },
    {
        "key": "offers",
        "order": 30,
        "title_en": "Personalised offers",
        "title_de": "Persönliche Angebote",
        "description_en": "Offers chosen for you from what you bought and how you use our services.",
        "description_de": "Angebote, die wir anhand Ihrer Käufe und Ihrer Nutzung unserer Leistungen für "
        "Sie auswählen.",
        "legal_basis": "consent",
        "is_marketing": True,
        "channels": ["email", "sms", "phone", "post"],
    },
    {
        "key": "surveys",
        "order": 40,
        "title_en": "Surveys and research",
        "title_de": "Umfragen und Marktforschung",
        "description_en": "Short questions after we helped you, and now and then whether you would "
        "recommend us. Your answers help us get better.",
        "description_de": "Kurze Fragen, nachdem wir Ihnen geholfen haben, und ab und zu, ob Sie uns "
        "weiterempfehlen würden. Ihre Antworten helfen uns, besser zu werden.",
        "legal_basis": "consent",
        "channels": ["email", "phone"],
    },
    {
        "key": "care",
        "order": 50,
        "title_en": "Follow-ups from customer care",
        "title_de": "Nachfragen des Kundenservice",
        "description_en": "When something went wrong or we have not heard from you for a long time, our "
        "customer care may get in touch to put things right.",
        "description_de": "Wenn etwas schiefgelaufen ist oder wir lange nichts von Ihnen gehört haben, "
        "meldet sich unser Kundenservice, um es wieder gutzumachen.",
        "legal_basis": "consent",
        "channels": ["email", "phone"],
    },
    {
        "key": "partners",
        "order": 60,
        "title_en": "Sharing with partners",
        "title_de": "Weitergabe an Partner",
        "description_en": "We pass your name and contact details to selected partners, who may then "
        "contact you with their own offers on the channels you allow.",
        "description_de": "Wir geben Ihren Namen und Ihre Kontaktdaten an ausgewählte Partner weiter, "
        "die Ihnen dann über die von Ihnen erlaubten Kanäle eigene Angebote machen dürfen.",
        "legal_basis": "consent",
        "is_sale_sharing": True,
        "channels": ["email", "sms", "phone", "post"],
    },
]

PRIVACY_OFFICER_PERMISSIONS = [
    "customers.view_channel",
    "customers.add_channel",
    "customers.change_channel",
    "customers.view_purpose",
    "customers.add_purpose",
    "customers.change_purpose",
    "customers.view_purposeversion",
    "customers.view_consentrecord",
    "customers.view_staffaccess",
    "customers.view_outgoingmail",
]


def seed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    Channel = apps.get_model("customers", "Channel")
    Purpose = apps.get_model("customers", "Purpose")
    PurposeVersion = apps.get_model("customers", "PurposeVersion")
    channels = {}
    for key, name_en, name_de, order in CHANNELS:
        channels[key], _ = Channel.objects.get_or_create(
            key=key, defaults={"name_en": name_en, "name_de": name_de, "order": order}
        )
    for spec in PURPOSES:
        fields = dict(spec)
        channel_keys = fields.pop("channels")
        purpose, created = Purpose.objects.get_or_create(
            key=fields.pop("key"), defaults={**fields, "version": 1}
        )
        if created:
            purpose.channels.set([channels[key] for key in channel_keys])
            PurposeVersion.objects.create(
                purpose=purpose,
                version=1,
                title_en=purpose.title_en,
                title_de=purpose.title_de,
                description_en=purpose.description_en,
                description_de=purpose.description_de,
            )
    role_grant(apps, PRIVACY_OFFICER, PRIVACY_OFFICER_PERMISSIONS)


def unseed(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    role_revoke(apps, PRIVACY_OFFICER, PRIVACY_OFFICER_PERMISSIONS)
    keys = [spec["key"] for spec in PURPOSES]
    apps.get_model("customers", "PurposeVersion").objects.filter(purpose__key__in=keys).delete()
    apps.get_model("customers", "Purpose").objects.filter(key__in=keys).delete()
    apps.get_model("customers", "Channel").objects.filter(key__in=[c[0] for c in CHANNELS]).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_consents")]

    operations = [migrations.RunPython(seed, unseed)]
