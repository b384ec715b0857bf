from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The staff desk: the admin pages that show several apps side by side (no models)."""

    name = "desk"
    verbose_name = _("Staff desk")
