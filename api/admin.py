"""Admin for integrations: systems, their API keys (shown once), webhooks and the delivery log.

Only superusers add or change anything here; privacy officers may look
(which systems receive what), without seeing secrets.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from api.keys import API_KEY_KIND, api_key_issue, api_keys_revoke
from api.models import ApiKey, Scope, System, WebhookDelivery, WebhookEndpoint, WebhookEvent
from api.webhooks import webhook_delivery_resend
from customers.models import User
from plumbing.admin import ReadOnlyAdmin

_ISSUED = "_portal_api_key_plaintext"


@admin.register(System)
class SystemAdmin(admin.ModelAdmin[System]):
    list_display = ["name", "description", "created_at"]
    search_fields = ["name"]


class ApiKeyForm(forms.ModelForm):  # type: ignore[type-arg]
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Give a system only what it needs."),
    )

    class Meta:
        model = ApiKey
        fields = ["system", "name", "scopes", "event_types"]
        widgets = {"event_types": forms.CheckboxSelectMultiple}


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    form = ApiKeyForm
    list_display = ["name", "system", "key_start", "scope_list", "created_at", "last_used_at", "status"]
    list_filter = ["system", ("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "prefix", "system__name"]
    list_select_related = ["system"]
    readonly_fields = ["key_start", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[str]:
        fields = list(self.readonly_fields)
        return fields if obj is None else ["system", *fields]

    def get_fields(self, request: HttpRequest, obj: ApiKey | None = None) -> list[Any]:
        if obj is None:
            return ["system", "name", "scopes", "event_types"]
        return ["system", "name", "scopes", "event_types", *self.readonly_fields]

    @admin.display(description=_("key"))
    def key_start(self, obj: ApiKey) -> str:
        return f"{API_KEY_KIND}_{obj.prefix}_…" if obj.prefix else "—"

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiKey) -> str:
        return ", ".join(obj.scopes)

    @admin.display(description=_("status"), boolean=False)
    def status(self, obj: ApiKey) -> str:
        return str(_("revoked")) if obj.revoked else str(_("live"))

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # revoke instead: the key's history stays explainable

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            obj.save()
            return
        assert isinstance(request.user, User)
        obj.created_by = request.user
        setattr(request, _ISSUED, api_key_issue(key=obj))

    def response_add(
        self, request: HttpRequest, obj: ApiKey, post_url_continue: str | None = None
    ) -> HttpResponse:
        """Show the new key once, on the page that answers the POST; it is stored nowhere."""
        plaintext = getattr(request, _ISSUED, None)
        if plaintext is None:
            return super().response_add(request, obj, post_url_continue)
        context = {
            **self.admin_site.each_context(request),
            "title": _("API key issued"),
            "opts": self.opts,
            "key": obj,
            "plaintext": plaintext,
        }
        return TemplateResponse(request, "admin/api/apikey/issued.html", context)

    @admin.action(description=_("Revoke the selected keys"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        count = api_keys_revoke(keys=queryset)
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


class WebhookEndpointForm(forms.ModelForm):  # type: ignore[type-arg]
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["system", "url", "events", "active"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin[WebhookEndpoint]):
    form = WebhookEndpointForm
    list_display = ["url", "system", "event_list", "active", "created_at"]
    list_filter = ["active", "system"]
    list_select_related = ["system"]

    def get_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[Any]:
        fields = ["system", "url", "events", "active"]
        # The signing secret is for the receiving system's administrator: superusers only.
        return [*fields, "secret"] if obj is not None and request.user.is_superuser else fields

    def get_readonly_fields(self, request: HttpRequest, obj: WebhookEndpoint | None = None) -> list[str]:
        return ["secret"] if obj is not None and request.user.is_superuser else []

    @admin.display(description=_("events"))
    def event_list(self, obj: WebhookEndpoint) -> str:
        return ", ".join(obj.events)


_DELIVERY_FIELDS: list[str] = [
    "public_id",
    "endpoint",
    "event",
    "event_key",
    "customer",
    "state",
    "attempts",
    "failures",
    "next_attempt_at",
    "last_status",
    "last_error",
    "created_at",
    "delivered_at",
    "payload_shown",
]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "customer",
        "state",
        "attempts",
        "last_status",
        "delivered_at",
    ]
    list_filter = ["state", "event", "endpoint__system"]
    search_fields = ["event_key", "public_id", "customer__email"]
    list_select_related = ["endpoint__system", "customer"]
    ordering = ["-id"]
    fields = tuple(_DELIVERY_FIELDS)
    readonly_fields = tuple(_DELIVERY_FIELDS)
    actions = ["resend"]

    @admin.display(description=_("payload"))
    def payload_shown(self, obj: WebhookDelivery) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    @admin.action(description=_("Resend the selected deliveries"), permissions=["view"])
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        if not request.user.is_superuser:
            self.message_user(request, _("Only superusers may resend webhooks."), messages.ERROR)
            return
        count = sum(webhook_delivery_resend(delivery_id=pk) for pk in queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
        )
