"""Create the two staff roles; later migrations widen them as models arrive."""

from django.apps.registry import Apps
from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

from plumbing.roles import PRIVACY_OFFICER, SUPPORT_AGENT, role_grant

PERMISSIONS = {
    SUPPORT_AGENT: ["customers.view_user"],
    PRIVACY_OFFICER: ["customers.view_user"],
}


def create_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for role, permissions in PERMISSIONS.items():
        role_grant(apps, role, permissions)


def delete_roles(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
