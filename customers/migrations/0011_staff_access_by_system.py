"""A staff access records that a system (an API key) was the reader, not a pre-rendered label.

Rows written before kept "System: <name>" in ``staff_name``; they become
``by_system`` rows holding the bare name, so they too are labelled in the
customer's language.
"""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.models.functions import Concat, Left, Substr

PREFIX = "System: "


def split_label(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("customers", "StaffAccess").objects.filter(
        staff__isnull=True, staff_name__startswith=PREFIX
    ).update(by_system=True, staff_name=Substr("staff_name", len(PREFIX) + 1))


def join_label(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("customers", "StaffAccess").objects.filter(by_system=True).update(
        staff_name=Left(Concat(models.Value(PREFIX), "staff_name"), 200)
    )


class Migration(migrations.Migration):
    dependencies = [("customers", "0010_seed_processing_register")]

    operations = [
        migrations.AddField(
            model_name="staffaccess",
            name="by_system",
            field=models.BooleanField(default=False, verbose_name="read by a system"),
        ),
        migrations.RunPython(split_label, join_label),
    ]
