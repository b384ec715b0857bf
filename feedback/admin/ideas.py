"""The idea board's moderation: publish, answer, change status, merge; comments."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from customers.models import User
from feedback.ideas import idea_create_by_staff, idea_publish, idea_staff_update
from feedback.models import (
    Idea,
    IdeaComment,
)
from feedback.refusals import FeedbackRefused
from feedback.texts import text_clean
from plumbing.admin import RefusableSaveAdmin


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
