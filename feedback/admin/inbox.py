"""The support agents' inbox: overdue threads first, the conversation, the reply, the note.

``ThreadAdmin`` is registered by ``desk.admin`` with what other apps add to it (its
``list_display`` is a plain list). Opening a thread goes to the customer's staff-access log.
Thin: every change goes through the same services as the customer's pages.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
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
from feedback.models import (
    TEXT_MAX,
    Thread,
)
from feedback.refusals import FeedbackRefused
from feedback.texts import text_clean
from feedback.threads import conversation_of, inbox, thread_agent_update, thread_assign
from plumbing.admin import OverdueFilter, RefusableSaveAdmin
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
