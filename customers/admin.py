"""What staff see of customers and their choices in admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.db.models.functions import Now
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from customers.access import staff_access_record
from customers.incidents import AddressList, incident_addresses_read, incident_customers_add, incident_declare
from customers.models import (
    Channel,
    ConsentRecord,
    DataRequest,
    GpcSignal,
    Incident,
    IncidentNotice,
    OutgoingMail,
    ProcessingActivity,
    Purpose,
    PurposeVersion,
    StaffAccess,
    User,
)
from customers.purposes import purpose_save
from customers.requests import DataRequestRefused, data_request_extend
from plumbing.admin import ReadOnlyAdmin

CSV_MAX_BYTES = 5 * 1024 * 1024


class LogsStaffAccess(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin whose change view opens one customer's data: each look goes to their staff-access log."""

    access_view = ""

    def accessed_customer(self, obj: Any) -> User | None:
        customer = getattr(obj, "customer", None)
        return customer if isinstance(customer, User) else None

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            customer = self.accessed_customer(self.get_object(request, object_id))
            if customer is not None:
                assert isinstance(request.user, User)
                staff_access_record(staff=request.user, customer=customer, view=self.access_view)
        return response


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(LogsStaffAccess, DjangoUserAdmin[User]):  # type: ignore[type-var]  # an email user, not AbstractUser
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
class ConsentRecordAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:consent_record"
    list_display = ["created_at", "customer", "purpose", "channel", "state", "source", "actor"]
    list_filter = ["state", "source", "purpose", "channel"]
    search_fields = ["customer__email"]
    list_select_related = ["customer", "purpose", "channel", "actor"]
    date_hierarchy = "created_at"
    ordering = ["-id"]


@admin.register(StaffAccess)
class StaffAccessAdmin(ReadOnlyAdmin):
    list_display = ["accessed_at", "staff_name", "by_system", "customer", "view"]
    list_filter = ["view", "by_system"]
    search_fields = ["customer__email", "staff_name"]
    list_select_related = ["customer"]
    ordering = ["-id"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:mail"
    list_display = ["claimed_at", "customer", "template", "purpose_key", "sent_at"]
    list_filter = ["template", "purpose_key"]
    search_fields = ["customer__email", "key"]
    list_select_related = ["customer"]
    ordering = ["-id"]


# --- The privacy officer's tools ----------------------------------------------------


@admin.register(ProcessingActivity)
class ProcessingActivityAdmin(admin.ModelAdmin[ProcessingActivity]):
    list_display = ["category_en", "source_key", "legal_basis", "retention_en", "order", "active"]
    list_editable = ["order", "active"]
    list_filter = ["legal_basis", "active"]
    search_fields = ["category_en", "category_de", "source_key"]
    fieldsets = (
        (None, {"fields": ("source_key", "order", "active", "legal_basis")}),
        (
            _("English"),
            {"fields": ("category_en", "fields_en", "purpose_en", "retention_en", "recipients_en")},
        ),
        (
            _("German"),
            {"fields": ("category_de", "fields_de", "purpose_de", "retention_de", "recipients_de")},
        ),
    )


class OverdueFilter(admin.SimpleListFilter):
    title = _("deadline")
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", str(_("overdue"))), ("no", str(_("not overdue")))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        overdue = Q(status__in=DataRequest.OPEN, due_at__lt=timezone.now())
        if self.value() == "yes":
            return queryset.filter(overdue)
        if self.value() == "no":
            return queryset.exclude(overdue)
        return queryset


DATA_REQUEST_FIELDS: tuple[str, ...] = (
    "kind",
    "status",
    "customer",
    "received_at",
    "due_at",
    "extended_at",
    "extension_reason",
    "erase_after",
    "cancelled_at",
    "completed_at",
    "expires_at",
    "file_deleted_at",
    "erased_counts",
)


class DataRequestAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = DataRequest
        fields = ["extension_reason"]

    def clean_extension_reason(self) -> str:
        reason = str(self.cleaned_data.get("extension_reason") or "").strip()
        if reason and not self.instance.is_open:
            raise forms.ValidationError(_("Only an open request can be extended."))
        return reason


@admin.register(DataRequest)
class DataRequestAdmin(LogsStaffAccess, admin.ModelAdmin[DataRequest]):
    """The privacy officers' queue: overdue first, then by due date."""

    access_view = "admin:data_request"
    form = DataRequestAdminForm
    list_display = [
        "__str__",
        "kind",
        "status",
        "customer_label",
        "received_at",
        "due_at",
        "overdue",
        "extended",
    ]
    list_filter = ["kind", "status", OverdueFilter]
    search_fields = ["customer__email"]
    list_select_related = ["customer"]
    fields = DATA_REQUEST_FIELDS

    def get_ordering(self, request: HttpRequest) -> list[Any]:
        """Overdue first, then the other open ones, then the closed ones; each by due date."""
        rank = Case(
            When(status__in=DataRequest.OPEN, due_at__lt=Now(), then=Value(0)),
            When(status__in=DataRequest.OPEN, then=Value(1)),
            default=Value(2),
        )
        return [rank.asc(), "due_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: DataRequest | None = None) -> list[str]:
        editable = obj is not None and obj.is_open and obj.extended_at is None
        return [field for field in DATA_REQUEST_FIELDS if not (editable and field == "extension_reason")]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("customer"), ordering="customer__email")
    def customer_label(self, obj: DataRequest) -> str:
        return obj.customer.email if obj.customer else str(_("— erased —"))

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: DataRequest) -> bool:
        return obj.is_overdue

    @admin.display(description=_("extended"), boolean=True)
    def extended(self, obj: DataRequest) -> bool:
        return obj.extended_at is not None

    def save_model(self, request: HttpRequest, obj: DataRequest, form: Any, change: bool) -> None:
        reason = form.cleaned_data.get("extension_reason", "")
        if not reason or "extension_reason" not in form.changed_data:
            return
        try:
            data_request_extend(request_id=obj.pk, reason=reason)
        except DataRequestRefused as refusal:
            self.message_user(request, refusal.message, messages.ERROR)
        else:
            self.message_user(request, _("The due date is extended; the customer sees the reason."))


class IncidentAdminForm(forms.ModelForm):  # type: ignore[type-arg]
    affected_csv = forms.FileField(
        label=_("Affected customers (CSV file of email addresses)"),
        required=False,
        help_text=_(
            "One address per line (the first column counts; a header line is fine). "
            "If one address belongs to no customer, nothing is saved."
        ),
    )

    class Meta:
        model = Incident
        fields = [
            "started_on",
            "title_en",
            "title_de",
            "what_happened_en",
            "what_happened_de",
            "data_concerned_en",
            "data_concerned_de",
            "measures_en",
            "measures_de",
            "advice_en",
            "advice_de",
        ]

    def clean_affected_csv(self) -> AddressList | None:
        upload = self.cleaned_data.get("affected_csv")
        if not upload:
            return None
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 5 MB)."))
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not a UTF-8 text file.")) from None
        addresses = incident_addresses_read(text)
        if addresses.unknown:
            shown = ", ".join(addresses.unknown[:20])
            raise forms.ValidationError(
                ngettext(
                    "%(count)d address belongs to no customer: %(addresses)s. Nothing was saved.",
                    "%(count)d addresses belong to no customer: %(addresses)s. Nothing was saved.",
                    len(addresses.unknown),
                )
                % {
                    "count": len(addresses.unknown),
                    "addresses": shown + (" …" if len(addresses.unknown) > 20 else ""),
                }
            )
        if not addresses.customers:
            raise forms.ValidationError(_("The file names no customer."))
        return addresses


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin[Incident]):
    form = IncidentAdminForm
    list_display = ["title_en", "started_on", "declared_at", "affected", "acknowledged"]
    list_filter = ["declared_at"]
    search_fields = ["title_en", "title_de"]
    readonly_fields = ["declared_at", "declared_by", "affected", "mailed", "acknowledged"]
    actions = ["declare"]
    fieldsets = (
        (None, {"fields": ("started_on", "declared_at", "declared_by")}),
        (
            _("English"),
            {"fields": ("title_en", "what_happened_en", "data_concerned_en", "measures_en", "advice_en")},
        ),
        (
            _("German"),
            {"fields": ("title_de", "what_happened_de", "data_concerned_de", "measures_de", "advice_de")},
        ),
        (_("Affected customers"), {"fields": ("affected_csv", "affected", "mailed", "acknowledged")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Incident]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                affected_count=Count("notices"),
                mailed_count=Count("notices", filter=Q(notices__mailed_at__isnull=False)),
                acknowledged_count=Count("notices", filter=Q(notices__acknowledged_at__isnull=False)),
            )
        )

    @admin.display(description=_("affected customers"))
    def affected(self, obj: Incident) -> int:
        return int(getattr(obj, "affected_count", 0))

    @admin.display(description=_("mailed"))
    def mailed(self, obj: Incident) -> int:
        return int(getattr(obj, "mailed_count", 0))

    @admin.display(description=_("acknowledged"))
    def acknowledged(self, obj: Incident) -> int:
        return int(getattr(obj, "acknowledged_count", 0))

    def save_model(self, request: HttpRequest, obj: Incident, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        addresses = form.cleaned_data.get("affected_csv")
        if addresses is not None:
            added = incident_customers_add(incident=obj, customer_ids=[c.pk for c in addresses.customers])
            self.message_user(
                request,
                ngettext(
                    "%(count)d customer added as affected.", "%(count)d customers added as affected.", added
                )
                % {"count": added},
            )

    def has_delete_permission(self, request: HttpRequest, obj: Incident | None = None) -> bool:
        if obj is not None and obj.declared_at is not None:
            return False  # a declared incident is a record customers were told about
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Declare and notify the affected customers"), permissions=["change"])
    def declare(self, request: HttpRequest, queryset: QuerySet[Incident]) -> None:
        assert isinstance(request.user, User)
        declared = sum(
            incident_declare(incident_id=pk, staff=request.user)
            for pk in queryset.values_list("pk", flat=True)
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d incident declared; its customers are being notified.",
                "%(count)d incidents declared; their customers are being notified.",
                declared,
            )
            % {"count": declared},
        )


@admin.register(IncidentNotice)
class IncidentNoticeAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:incident_notice"
    list_display = ["incident", "customer", "added_at", "mailed_at", "acknowledged_at"]
    list_filter = ["incident"]
    search_fields = ["customer__email"]
    list_select_related = ["incident", "customer"]
    ordering = ["-id"]


@admin.register(GpcSignal)
class GpcSignalAdmin(LogsStaffAccess, ReadOnlyAdmin):
    access_view = "admin:gpc_signal"
    list_display = ["honoured_at", "customer", "withdrawn"]
    search_fields = ["customer__email"]
    list_select_related = ["customer"]
    ordering = ["-id"]
