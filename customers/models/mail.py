"""The mail log: every mail to a customer, claimed by a unique key before it is sent."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """One mail to one customer, sent at most once per key."""

    key = models.CharField(_("idempotency key"), max_length=255, unique=True)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="outgoing_mails",
    )
    template = models.CharField(_("template"), max_length=100)
    purpose_key = models.CharField(
        _("purpose"), max_length=40, blank=True, help_text=_("Empty for transactional mail.")
    )
    message_id = models.CharField(_("message id"), max_length=255)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")

    def __str__(self) -> str:
        return self.key
