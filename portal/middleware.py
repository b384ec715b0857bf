"""Request middleware of the portal."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class ProfileLanguageMiddleware:
    """Speak the language a signed-in user chose, whatever the browser asks for.

    Runs after LocaleMiddleware (which reads the cookie and Accept-Language)
    and AuthenticationMiddleware; the choice is stored on the user's profile
    by the language switch, so it follows them to every device.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
