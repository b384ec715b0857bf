"""How allauth behaves for the portal, changed only through its adapter."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.utils import translation

from customers.suppression import address_suppressed, suppression_clear

# The only mail an erased (suppressed) address still gets: the confirmation of
# a new sign-up its owner asked for.
SIGN_UP_CONFIRMATION = "account/email/email_confirmation"


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        """Remember the language the customer signed up in, so mails speak it too."""
        user = super().save_user(request, user, form, commit=False)
        language = translation.get_language() or settings.LANGUAGE_CODE
        user.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        if commit:
            user.save()
        return user

    def confirm_email(self, request: HttpRequest, email_address: Any) -> bool:
        """Verify an address; a verified new sign-up with an erased address lifts its suppression.

        Lifting it only once the owner proved the address means nobody can
        sign up in someone else's name to get them contacted again.
        """
        confirmed = bool(super().confirm_email(request, email_address))
        if confirmed:
            suppression_clear(email_address.email)
        return confirmed

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """Send allauth's mails, but never to an erased address (except to confirm a new sign-up)."""
        if not template_prefix.startswith(SIGN_UP_CONFIRMATION) and address_suppressed(email):
            return
        super().send_mail(template_prefix, email, context)
