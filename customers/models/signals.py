"""Privacy signals sent by the customer's browser (Global Privacy Control)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GpcSignal(models.Model):
    """The first Global Privacy Control signal of a customer, honoured once."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="gpc_signal",
    )
    honoured_at = models.DateTimeField(_("honoured at"), default=timezone.now)
    withdrawn = models.PositiveIntegerField(_("consents withdrawn"), default=0)

    class Meta:
        verbose_name = _("Global Privacy Control signal")
        verbose_name_plural = _("Global Privacy Control signals")

    def __str__(self) -> str:
        return f"GPC {self.customer_id}"
