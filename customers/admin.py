"""What staff see of customers and their choices in admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from customers.access import staff_access_record
from customers.consents import purpose_save
from customers.models import Channel, ConsentRecord, OutgoingMail, Purpose, PurposeVersion, StaffAccess, User
from portal.admin import ReadOnlyAdmin


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):  # type: ignore[type-var]  # an email user, not AbstractUser
    add_form = UserCreationForm
    form = UserEditForm
    ordering = ["email"]
    list_display = ["email", "full_name", "language", "is_staff", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "language"]
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

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """Open a customer's record, and write it to their staff-access log."""
        response = super().change_view(request, object_id, form_url, extra_context)
        customer = User.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        if request.method == "GET" and response.status_code == 200 and customer is not None:
            assert isinstance(request.user, User)
            staff_access_record(staff=request.user, customer=customer, view="admin:customer")
        return response


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ["key", "name_en", "name_de", "order", "active"]
    list_editable = ["order", "active"]


class PurposeVersionInline(admin.TabularInline[PurposeVersion, Purpose]):
    model = PurposeVersion
    extra = 0
    can_delete = False
    fields = ("version", "title_en", "title_de", "created_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Purpose)
class PurposeAdmin(admin.ModelAdmin[Purpose]):
    list_display = [
        "key",
        "title_en",
        "legal_basis",
        "required",
        "is_marketing",
        "is_sale_sharing",
        "version",
        "active",
    ]
    list_filter = ["legal_basis", "required", "is_marketing", "is_sale_sharing", "active"]
    search_fields = ["key", "title_en", "title_de"]
    filter_horizontal = ["channels"]
    readonly_fields = ["version"]
    inlines = [PurposeVersionInline]
    fieldsets = (
        (None, {"fields": ("key", "order", "active", "version")}),
        (
            _("Texts (each edit is a new version customers reconfirm)"),
            {"fields": ("title_en", "title_de", "description_en", "description_de")},
        ),
        (
            _("Rules"),
            {
                "fields": (
                    "legal_basis",
                    "required",
                    "required_reason_en",
                    "required_reason_de",
                    "is_marketing",
                    "is_sale_sharing",
                    "default_granted",
                    "channels",
                )
            },
        ),
    )

    def save_model(self, request: HttpRequest, obj: Purpose, form: Any, change: bool) -> None:
        purpose_save(purpose=obj)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # records point at it; deactivate instead


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "customer", "purpose", "channel", "state", "source", "actor"]
    list_filter = ["state", "source", "purpose", "channel"]
    search_fields = ["customer__email"]
    list_select_related = ["customer", "purpose", "channel", "actor"]
    date_hierarchy = "created_at"
    ordering = ["-id"]


@admin.register(StaffAccess)
class StaffAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "staff_name", "customer", "view"]
    list_filter = ["view"]
    search_fields = ["customer__email", "staff_name"]
    list_select_related = ["customer"]
    ordering = ["-id"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(ReadOnlyAdmin):
    list_display = ["claimed_at", "customer", "template", "purpose_key", "sent_at"]
    list_filter = ["template", "purpose_key"]
    search_fields = ["customer__email", "key"]
    list_select_related = ["customer"]
    ordering = ["-id"]
