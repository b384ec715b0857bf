"""Customers and staff accounts: the user list and page, and marking customers affected by an incident."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from customers.admin.access_log import LogsStaffAccess
from customers.incidents import incident_customers_add
from customers.models import (
    Incident,
    User,
)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


class UserAdmin(LogsStaffAccess, DjangoUserAdmin[User]):  # type: ignore[type-var]  # an email user, not AbstractUser
    """Customers and staff accounts; ``desk.admin`` registers it with the other apps' sections."""

    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
        "language",
        "date_joined",
        ("incident_notices__incident", admin.RelatedOnlyFieldListFilter),
    ]
    actions = ["add_to_incident"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name", "language")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),
    )

    access_view = "admin:customer"

    def accessed_customer(self, obj: Any) -> User | None:
        return obj if isinstance(obj, User) else None

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # A customer leaves through an erasure request (hashed suppression, audit
        # record, every app's data), never by a bare delete.
        if obj is not None and not obj.is_staff:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_incident_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("customers.change_incident")

    @admin.action(description=_("Mark as affected by a data incident…"), permissions=["incident"])
    def add_to_incident(self, request: HttpRequest, queryset: QuerySet[User]) -> HttpResponse | None:
        """Ask which incident, then name the selected customers (staff are skipped) as affected."""
        form = AddToIncidentForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            added = incident_customers_add(
                incident=form.cleaned_data["incident"], customer_ids=queryset.values_list("pk", flat=True)
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d customer added as affected.", "%(count)d customers added as affected.", added
                )
                % {"count": added},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark as affected by a data incident"),
            "opts": self.opts,
            "form": form,
            "count": queryset.count(),
            "select_across": request.POST.get("select_across") == "1",
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "first_pk": queryset.values_list("pk", flat=True).first(),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/customers/user/add_to_incident.html", context)


class AddToIncidentForm(forms.Form):
    incident = forms.ModelChoiceField(
        label=_("Incident"), queryset=Incident.objects.order_by("-created_at"), empty_label=None
    )
