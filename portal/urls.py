"""The portal's URLs: pages, accounts, admin, API and health."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from api import token_pages
from customers.views import gpc_json
from portal import health, views

# Staff sign in through allauth too: the same MFA and rate limits as customers.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/setlang/", views.language_switch, name="set_language"),
    path("accounts/tokens/", token_pages.personal_tokens, name="personal_tokens"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("privacy/", include("customers.urls")),
    path("feedback/", include("feedback.urls")),
    path("promises/", include("trust.urls")),
    path("transparency/", views.transparency, name="transparency"),
    path(".well-known/gpc.json", gpc_json, name="gpc_json"),
    path("api/v1/", include("api.urls")),
]
