"""Pages that belong to no single app: the home page, the language switch, the transparency report."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language

from plumbing.transparency import transparency_sections


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


@require_GET
def transparency(request: HttpRequest) -> HttpResponse:
    """The public transparency report: every section the apps registered, in order (no sign-in)."""
    sections = [
        render_to_string(section.template, section.context(), request=request)
        for section in transparency_sections()
    ]
    return render(request, "portal/transparency.html", {"sections": sections})
