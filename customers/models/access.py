"""Staff-access transparency: who at the company opened a customer's record."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# What the ``view`` values mean, for the customer.
VIEW_LABELS = {
    "admin:customer": _("your customer record in the admin"),
    "admin:data_request": _("one of your data requests in the admin"),
    "admin:consent_record": _("one of your consent records in the admin"),
    "admin:mail": _("the log of a mail we sent you, in the admin"),
    "admin:incident_notice": _("your incident notice in the admin"),
    "admin:gpc_signal": _("your browser's privacy signal in the admin"),
    "api:customer": _("your customer record through the API"),
}


class StaffAccess(models.Model):
    """One look by a staff member at one customer's data."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="staff_accesses",
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    staff_name = models.CharField(_("staff member's name"), max_length=200)
    # The reader was another system of the company (an API key), and ``staff_name`` is that
    # system's name: the "System: <name>" label is rendered in the reader's language on display.
    by_system = models.BooleanField(_("read by a system"), default=False)
    view = models.CharField(_("what was opened"), max_length=100)
    accessed_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("staff access")
        verbose_name_plural = _("staff accesses")
        indexes = [models.Index(fields=["customer", "-accessed_at"], name="customers_access_recent_idx")]

    def __str__(self) -> str:
        return f"{self.who} → {self.customer_id} ({self.view})"

    @property
    def who(self) -> str:
        """Name the reader in the active language: the staff member, or "System: <name>"."""
        if self.by_system:
            return gettext("System: %(name)s") % {"name": self.staff_name}
        return self.staff_name

    @property
    def view_label(self) -> str:
        return str(VIEW_LABELS.get(self.view, self.view))
