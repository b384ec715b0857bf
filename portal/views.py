"""Pages that belong to no single app: the home page and the language switch."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language


def home(request: HttpRequest) -> HttpResponse:
    """Tell a customer what the portal offers and where to find it."""
    return render(request, "portal/home.html")


@require_POST
def language_switch(request: HttpRequest) -> HttpResponse:
    """Switch the interface language and remember it on the signed-in user's profile."""
    code = request.POST.get("language", "")
    if code not in dict(settings.LANGUAGES):
        return render(request, "portal/language_unknown.html", {"code": code}, status=400)
    if request.user.is_authenticated and request.user.language != code:
        request.user.language = code
        request.user.save(update_fields=["language"])
    return set_language(request)
