"""The support agents' side: the feedback inbox, the idea board's moderation, and the settings.

Thin: every change goes through the same services as the customer's pages.
``ThreadAdmin`` is the inbox; ``desk.admin`` registers it with what other apps add to it
(its ``list_display`` is a plain list). Opening a thread goes to the customer's staff-access log.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from customers.admin.access_log import LogsStaffAccess
from customers.models import User
from feedback.ideas import idea_create_by_staff, idea_publish, idea_staff_update
from feedback.models import (
    TEXT_MAX,
    FeedbackSettings,
    Holiday,
    Idea,
    IdeaComment,
    NpsSurvey,
    ResponsePromise,
    Survey,
    Thread,
    Topic,
)
from feedback.refusals import FeedbackRefused
from feedback.texts import text_clean
from feedback.threads import conversation_of, inbox, thread_agent_update, thread_assign
from plumbing.admin import OverdueFilter, ReadOnlyAdmin, RefusableSaveAdmin
from plumbing.roles import SUPPORT_AGENT

ADMIN_CSS = {"all": ["feedback/admin.css"]}


def agents() -> QuerySet[User]:
    """Staff who can work on feedback: support agents and superusers."""
    return (
        User.objects.filter(is_staff=True, is_active=True)
        .filter(Q(groups__name=SUPPORT_AGENT) | Q(is_superuser=True))
        .distinct()
        .order_by("full_name", "email")
    )


class AssignedAgentFilter(admin.SimpleListFilter):
    title = _("assigned agent")
    parameter_name = "agent"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        people = [(str(agent.pk), agent.get_full_name()) for agent in agents()]
        return [("me", gettext("me")), ("nobody", gettext("nobody")), *people]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "me":
            return queryset.filter(assigned_to=request.user.pk)
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        if value and value.isdigit():
            return queryset.filter(assigned_to=int(value))
        return queryset


def _staff_text(value: str) -> str:
    if not value.strip():
        return ""
    try:
        return text_clean(value)
    except FeedbackRefused as refusal:
        raise forms.ValidationError(refusal.message) from None


class ThreadAgentForm(forms.ModelForm):  # type: ignore[type-arg]
    """Status and assignment of the thread, plus a reply and an internal note to write."""

    reply = forms.CharField(
        label=_("Reply to the customer"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent to the customer by mail and shown in the portal."),
    )
    note = forms.CharField(
        label=_("Internal note"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only staff see it; the customer never does."),
    )

    class Meta:
        model = Thread
        fields = ["status", "assigned_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "assigned_to" in self.fields:
            self.fields["assigned_to"].queryset = agents()  # type: ignore[attr-defined]

    def clean_reply(self) -> str:
        return _staff_text(self.cleaned_data.get("reply", ""))

    def clean_note(self) -> str:
        return _staff_text(self.cleaned_data.get("note", ""))


class ThreadAdmin(LogsStaffAccess, RefusableSaveAdmin[Thread]):
    """The support agents' inbox: overdue threads first; ``desk.admin`` registers it with the trust band."""

    access_view = "admin:feedback_thread"
    form = ThreadAgentForm
    refusals = (FeedbackRefused,)
    list_display = [
        "id",
        "overdue",
        "summary",
        "customer",
        "kind",
        "topic",
        "status",
        "assigned_to",
        "due_at",
        "created_at",
    ]
    list_display_links = ["id", "summary"]
    list_filter = ["status", "kind", "topic", AssignedAgentFilter, OverdueFilter]
    # No joins on the page query: with 100,000 threads the database sorts the
    # narrow thread rows first; the page's people and topics come by prefetch.
    list_select_related = ()
    search_fields = ["customer__email", "summary"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["assign_to_me"]
    readonly_fields = [
        "customer",
        "kind",
        "topic",
        "rating",
        "created_at",
        "promise_state",
        "first_reply_at",
        "resolved_at",
        "resolved_by",
        "conversation",
    ]
    fieldsets = [
        (None, {"fields": ["customer", "kind", "topic", "rating", "created_at"]}),
        (_("Response promise"), {"fields": ["promise_state", "first_reply_at"]}),
        (_("Conversation"), {"fields": ["conversation"]}),
        (_("Work on it"), {"fields": ["status", "assigned_to", "reply", "note"]}),
        (_("Resolution"), {"fields": ["resolved_at", "resolved_by"]}),
    ]

    class Media:
        css = ADMIN_CSS

    def get_queryset(self, request: HttpRequest) -> QuerySet[Thread]:
        return inbox().prefetch_related("customer", "topic", "assigned_to")

    def get_ordering(self, request: HttpRequest) -> list[str]:
        return ["-is_overdue", "-created_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # threads come from customers

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # erasure anonymises; nothing is deleted by hand

    @admin.display(description=_("overdue"), ordering="is_overdue")
    def overdue(self, obj: Thread) -> str:
        if not getattr(obj, "is_overdue", False):
            return ""
        return format_html('<span class="feedback-overdue">{}</span>', gettext("overdue"))

    @admin.display(description=_("response promise"))
    def promise_state(self, obj: Thread) -> str:
        due = timezone.localtime(obj.due_at)
        return ngettext(
            "%(days)d business day, due by %(due)s: %(state)s",
            "%(days)d business days, due by %(due)s: %(state)s",
            obj.promise_days,
        ) % {
            "days": obj.promise_days,
            "due": date_format(due, "SHORT_DATETIME_FORMAT"),
            "state": obj.get_promise_display(),
        }

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "assigned_to" and field is not None:
            # A plain choice of agents: no add/change/delete-user buttons beside it.
            for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(field.widget, flag, False)
        return field

    @admin.display(description=_("conversation"))
    def conversation(self, obj: Thread) -> SafeString:
        rows = []
        for message in conversation_of(thread=obj, for_staff=True):
            if message.internal:
                who, css = gettext("Internal note by %(name)s"), "feedback-note"
            elif message.from_staff:
                who, css = gettext("Reply by %(name)s"), "feedback-reply"
            else:
                who, css = gettext("Customer %(name)s"), "feedback-customer"
            name = message.author.get_full_name() if message.author else gettext("(erased)")
            files = format_html_join(
                " ",
                '<a href="{}">{}</a>',
                (
                    (reverse("feedback:attachment", args=[a.token]), f"{a.name} ({a.content_type})")
                    for a in message.attachments.all()
                ),
            )
            rows.append(
                (
                    css,
                    who % {"name": name},
                    date_format(timezone.localtime(message.created_at), "SHORT_DATETIME_FORMAT"),
                    linebreaksbr(message.text),
                    files,
                )
            )
        return format_html_join(
            "",
            '<div class="feedback-message {}"><p class="feedback-meta">{} · {}</p>'
            '<div class="feedback-text">{}</div><p>{}</p></div>',
            rows,
        )

    def save_model(self, request: HttpRequest, obj: Thread, form: Any, change: bool) -> None:
        """Write the agent's reply, note, assignment and status through the threads service.

        A refusal is raised on: the whole save rolls back and the form shows it (RefusableSaveAdmin).
        """
        assert isinstance(request.user, User)
        status = form.cleaned_data["status"] if "status" in form.changed_data else None
        thread_agent_update(
            thread=Thread.objects.get(pk=obj.pk),
            agent=request.user,
            status=status,
            assigned_to=form.cleaned_data.get("assigned_to"),
            reply=form.cleaned_data.get("reply", ""),
            note=form.cleaned_data.get("note", ""),
        )

    @admin.action(description=_("Assign the selected threads to me"), permissions=["change"])
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Thread]) -> None:
        assert isinstance(request.user, User)
        count = 0
        for thread in queryset.order_by("pk"):
            thread_assign(thread=thread, agent=request.user, actor=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d thread assigned to you.", "%(count)d threads assigned to you.", count)
            % {"count": count},
        )


class ResponsePromiseInline(admin.TabularInline[ResponsePromise, Topic]):
    model = ResponsePromise
    extra = 0


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin[Topic]):
    list_display = ["key", "name_en", "name_de", "order", "active"]
    list_editable = ["order", "active"]
    search_fields = ["key", "name_en", "name_de"]
    inlines = [ResponsePromiseInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # threads point at it; deactivate instead


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin[Holiday]):
    """The company's own days off; the public holidays of the region need no entry."""

    list_display = ["date", "name_en", "name_de"]
    date_hierarchy = "date"
    ordering = ["-date"]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        region = "-".join(
            filter(None, [settings.PORTAL_HOLIDAYS_COUNTRY, settings.PORTAL_HOLIDAYS_SUBDIVISION])
        )
        messages.info(
            request,
            gettext(
                "The public holidays of %(region)s count by themselves; list here only the company's own "
                "days off."
            )
            % {"region": region},
        )
        return super().changelist_view(request, extra_context)


@admin.register(FeedbackSettings)
class FeedbackSettingsAdmin(admin.ModelAdmin[FeedbackSettings]):
    list_display = [
        "__str__",
        "survey_delay_hours",
        "survey_edit_days",
        "nps_interval_days",
        "reopen_days",
        "default_promise_days",
        "threads_per_hour",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not FeedbackSettings.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["thread", "customer", "agent", "state", "sent_at", "score", "solved", "answered_at"]
    list_filter = ["state", "score", "solved"]
    list_select_related = ["thread", "customer", "agent"]
    search_fields = ["customer__email"]
    ordering = ["-id"]


@admin.register(NpsSurvey)
class NpsSurveyAdmin(ReadOnlyAdmin):
    list_display = ["id", "customer", "state", "created_at", "sent_at", "score", "answered_at"]
    list_filter = ["state", "score"]
    list_select_related = ["customer"]
    search_fields = ["customer__email"]
    ordering = ["-id"]


class IdeaCommentInline(admin.TabularInline[IdeaComment, Idea]):
    model = IdeaComment
    extra = 0
    fields = ["author", "from_staff", "text", "created_at"]
    readonly_fields = ["author", "from_staff", "text", "created_at"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class IdeaStaffForm(forms.ModelForm):  # type: ignore[type-arg]
    merge_into = forms.ModelChoiceField(
        queryset=Idea.objects.none(),
        required=False,
        label=_("Merge into"),
        help_text=_(
            "Choose the idea this one duplicates: its votes move there (nobody counts twice), "
            "its comments follow, and this one leaves the board."
        ),
    )

    class Meta:
        model = Idea
        fields = ["title", "description", "published", "status", "response_en", "response_de"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        candidates = Idea.objects.filter(merged_into__isnull=True).order_by("title")
        if self.instance.pk:
            candidates = candidates.exclude(pk=self.instance.pk)
        self.fields["merge_into"].queryset = candidates  # type: ignore[attr-defined]
        if self.instance.merged_into_id is not None:
            self.fields["merge_into"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("merge_into") and data.get("published") and not self.instance.published:
            # idea_publish refuses it after the merge; say so before anything is written.
            self.add_error(
                "published", gettext("A merged idea cannot be published; publish the one it was merged into.")
            )
        for name in ("description", "response_en", "response_de"):
            # The ideas service cleans these texts with text_clean; ask it before anything is written.
            if data.get(name):
                try:
                    text_clean(data[name])
                except FeedbackRefused as refusal:
                    self.add_error(name, refusal.message)
        return data


@admin.register(Idea)
class IdeaAdmin(RefusableSaveAdmin[Idea]):
    form = IdeaStaffForm
    refusals = (FeedbackRefused,)
    list_display = ["title", "status", "published", "votes_count", "author", "created_at", "merged_into"]
    list_filter = ["status", "published"]
    list_select_related = ["author", "merged_into"]
    search_fields = ["title", "description"]
    ordering = ["-created_at"]
    actions = ["publish", "unpublish"]
    readonly_fields = ["author", "created_at", "published_at", "votes_count", "merged_into"]
    inlines = [IdeaCommentInline]
    fieldsets = [
        (None, {"fields": ["title", "description", "author", "created_at", "votes_count"]}),
        (
            _("On the board"),
            {"fields": ["published", "published_at", "status", "response_en", "response_de"]},
        ),
        (_("Duplicates"), {"fields": ["merge_into", "merged_into"]}),
    ]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # merge duplicates, decline the rest

    def save_model(self, request: HttpRequest, obj: Idea, form: Any, change: bool) -> None:
        """Create or update the idea through the ideas service (publishing, status, merging).

        A refusal is raised on: the whole save (a new idea too) rolls back and the form shows it.
        """
        assert isinstance(request.user, User)
        data = form.cleaned_data
        if not change:
            created = idea_create_by_staff(
                actor=request.user, title=data["title"], description=data["description"]
            )
            obj.pk = created.pk
            obj.refresh_from_db()
        idea_staff_update(
            idea=Idea.objects.get(pk=obj.pk),
            actor=request.user,
            title=data["title"],
            description=data["description"],
            published=data["published"],
            status=data["status"],
            response_en=data.get("response_en", ""),
            response_de=data.get("response_de", ""),
            merge_into=data.get("merge_into"),
        )

    def _publish(self, request: HttpRequest, queryset: QuerySet[Idea], published: bool) -> None:
        assert isinstance(request.user, User)
        done = 0
        for idea in queryset.filter(merged_into__isnull=True).order_by("pk"):
            idea_publish(idea=idea, actor=request.user, published=published)
            done += 1
        self.message_user(
            request, ngettext("%(count)d idea updated.", "%(count)d ideas updated.", done) % {"count": done}
        )

    @admin.action(description=_("Publish the selected ideas on the board"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Idea]) -> None:
        self._publish(request, queryset, True)

    @admin.action(description=_("Take the selected ideas off the board"), permissions=["change"])
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Idea]) -> None:
        self._publish(request, queryset, False)
