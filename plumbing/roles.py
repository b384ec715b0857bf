"""Staff roles: Django groups with exactly the permissions each role needs.

Data migrations call :func:`role_grant` as each app adds its models, so the
roles are created and extended by migrations, and reversed by them too.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.apps.registry import Apps
from django.contrib.auth.management import create_permissions

SUPPORT_AGENT = "Support agent"
PRIVACY_OFFICER = "Privacy officer"


def _ensure_permissions_exist(apps: Apps) -> None:
    # Permissions are normally created after migrate finishes; a migration that
    # grants them right after creating the model has to create them itself.
    for app_config in apps.get_app_configs():
        app_config.models_module = True  # type: ignore[assignment]
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def _permissions(apps: Apps, names: Iterable[str]) -> list[object]:
    Permission = apps.get_model("auth", "Permission")
    found = []
    for name in names:
        app_label, codename = name.split(".", 1)
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def role_grant(apps: Apps, role: str, permissions: Iterable[str]) -> None:
    """Create the role's group if needed and give it ``app_label.codename`` permissions."""
    _ensure_permissions_exist(apps)
    Group = apps.get_model("auth", "Group")
    group, _ = Group.objects.get_or_create(name=role)
    group.permissions.add(*_permissions(apps, permissions))


def role_revoke(apps: Apps, role: str, permissions: Iterable[str]) -> None:
    """Take permissions away from a role (the reverse of :func:`role_grant`)."""
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=role).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, permissions))
