"""Account settings → API tokens: a person makes and revokes tokens for their own apps.

A new token is shown once, on the page that answers the POST (never stored,
never put in a message or the session); the list shows only names, prefixes
and when each was made and last used.
"""

from __future__ import annotations

from http import HTTPStatus

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from api.keys import personal_token_create, personal_token_revoke, personal_tokens_of
from customers.models import User

MAX_LIVE_TOKENS = 20
TEMPLATE = "api/personal_tokens.html"


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("So you know later what it is for, e.g. “budget app on my phone”."),
    )

    def __init__(self, *args: object, person: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.person = person

    def clean(self) -> dict[str, object]:
        cleaned: dict[str, object] = super().clean() or {}
        if (
            personal_tokens_of(customer=self.person).filter(revoked_at__isnull=True).count()
            >= MAX_LIVE_TOKENS
        ):
            raise forms.ValidationError(
                _("You have %(count)d tokens; revoke one you no longer use first.")
                % {"count": MAX_LIVE_TOKENS}
            )
        return cleaned


def _page(
    request: HttpRequest, person: User, form: TokenForm, status: int = 200, **context: object
) -> HttpResponse:
    context = {"tokens": personal_tokens_of(customer=person), "form": form, **context}
    response = render(request, TEMPLATE, context, status=status)
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def personal_tokens(request: HttpRequest) -> HttpResponse:
    """List the person's tokens; make one (shown once) or revoke one."""
    person = request.user
    assert isinstance(person, User)
    if request.method == "GET":
        return _page(request, person, TokenForm(person=person))
    if "revoke" in request.POST:
        token_id = request.POST["revoke"]
        if not token_id.isdigit() or not personal_token_revoke(customer=person, token_id=int(token_id)):
            raise Http404
        messages.success(request, _("The token is revoked: apps using it can no longer sign in with it."))
        return redirect("personal_tokens")
    form = TokenForm(request.POST, person=person)
    if not form.is_valid():
        return _page(request, person, form, status=HTTPStatus.BAD_REQUEST)
    token, plaintext = personal_token_create(customer=person, name=form.cleaned_data["name"])
    return _page(request, person, TokenForm(person=person), new_token=token, plaintext=plaintext)
