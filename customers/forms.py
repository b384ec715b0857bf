"""Forms of the privacy center."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.mfa.base.forms import ReauthenticateForm
from allauth.mfa.utils import is_mfa_enabled
from django import forms
from django.conf import settings
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from customers.consents import ConsentChange, ConsentMatrix, ConsentRefused
from customers.models import Purpose, User
from customers.models.users import time_zones


def cell_name(purpose: Purpose, channel_key: str) -> str:
    return f"consent-{purpose.key}-{channel_key}"


def version_name(purpose: Purpose) -> str:
    return f"version-{purpose.key}"


def consent_matrix_changes(matrix: ConsentMatrix, data: QueryDict) -> list[ConsentChange]:
    """Read the submitted matrix: a ticked box grants, an unticked one withdraws.

    Only purposes the page showed (they carry the text version it showed)
    are read, so a purpose added since cannot be withdrawn by omission.
    """
    changes = []
    for row in matrix.rows:
        purpose = row.purpose
        shown = data.get(version_name(purpose))
        if shown is None:
            continue
        if not shown.isdigit():
            raise ConsentRefused(
                _("The form was incomplete. Please reload the page and try again."), code="malformed"
            )
        for state in row.states:
            if state.editable:
                changes.append(
                    ConsentChange(
                        purpose=purpose.key,
                        channel=state.channel.key,
                        granted=data.get(cell_name(purpose, state.channel.key)) == "on",
                        shown_version=int(shown),
                    )
                )
    return changes


def _zone_choices() -> list[tuple[str, str]]:
    default = str(settings.TIME_ZONE)
    return [("", _lazy("The portal's (%(zone)s)") % {"zone": default})] + [
        (name, name.replace("_", " ")) for name in sorted(time_zones()) if "/" in name
    ]


class ProfileForm(forms.Form):
    """Rectification: the customer's name, language and time zone."""

    full_name = forms.CharField(label=_lazy("Full name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_lazy("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_lazy("Time zone"), choices=_zone_choices, required=False)


class ErasureForm(forms.Form):
    """Erasure needs the password again, or a code from the customer's second factor."""

    password = forms.CharField(
        label=_lazy("Your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_lazy("Or a code from your authenticator app or a recovery code"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm = forms.BooleanField(
        label=_lazy("I understand that my account and my data will be erased and cannot be restored."),
        required=True,
    )

    def __init__(self, *args: Any, user: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.request = request
        self.mfa_enabled = is_mfa_enabled(user)
        if not self.mfa_enabled:
            del self.fields["code"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, code = data.get("password"), data.get("code")
        if not password and not code:
            raise forms.ValidationError(
                _("Please enter your password to confirm it is you."), code="reauthentication_required"
            )
        if password and get_account_adapter(self.request).reauthenticate(self.user, password):
            return data
        if code and self.mfa_enabled:
            mfa = ReauthenticateForm(data={"code": code}, user=self.user)
            if mfa.is_valid():
                return data
        raise forms.ValidationError(
            _("That password or code is not correct. Nothing was changed."), code="reauthentication_failed"
        )
