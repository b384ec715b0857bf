"""Forms of the trust admin: the actions on a customer's page and the what-if confirmation."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import User
from trust.accounts import BookingRefused
from trust.configuration import trust_settings
from trust.followups import followup_assignee_check, support_agents
from trust.models import EventType, FollowUp, TrustSettings
from trust.outcomes import followup_outcome_check
from trust.scoring import Rules
from trust.whatif import WhatIf, whatif_cap, whatif_event_type, whatif_rules


class _OnceForm(forms.Form):
    """A form whose hidden token makes a double submit book once (it becomes the idempotency key)."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("token", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)


class GoodwillForm(_OnceForm):
    note = forms.CharField(
        label=_("What was granted"),
        max_length=500,
        widget=forms.TextInput(attrs={"size": 50}),
        help_text=_("E.g. a free month of service, a voucher, an express repair."),
    )


class AdjustmentForm(_OnceForm):
    points = forms.IntegerField(label=_("Points (+ or -)"))
    note = forms.CharField(label=_("Reason"), max_length=500, widget=forms.TextInput(attrs={"size": 50}))

    def clean_points(self) -> int:
        points = int(self.cleaned_data["points"])
        limit = trust_settings().max_points
        if points == 0 or abs(points) > limit:
            raise ValidationError(
                _("Enter points between -%(limit)s and %(limit)s, not zero.") % {"limit": limit}
            )
        return points


class ScheduleFollowUpForm(forms.Form):
    due = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("What to do"), max_length=1000, widget=forms.TextInput(attrs={"size": 50}))
    assigned_to = forms.ModelChoiceField(
        label=_("Assigned to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("me if I am a support agent, otherwise nobody"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("due", timezone.localdate() + timedelta(days=3))
        super().__init__(*args, **kwargs)
        field = self.fields["assigned_to"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=support_agents()).order_by("full_name", "email")

    def clean_due(self) -> object:
        due = self.cleaned_data["due"]
        if due < timezone.localdate():
            raise ValidationError(_("A follow-up cannot be due in the past."))
        return due


class ReverseForm(forms.Form):
    """The reason asked for before reversing entries (an admin action's second step)."""

    reason = forms.CharField(label=_("Reason for the correction"), max_length=500)


class FollowUpForm(forms.ModelForm):  # type: ignore[type-arg]
    """An agent's work on a follow-up: reassign, move the due date, record the outcome."""

    record_outcome = forms.ChoiceField(
        label=_("Record the outcome"),
        required=False,
        choices=[("", "---------")]
        + [
            (value, label) for value, label in FollowUp.Outcome.choices if value != FollowUp.Outcome.RECOVERED
        ],
        help_text=_("Closes the follow-up and books the outcome on the customer's ledger."),
    )
    outcome_note = forms.CharField(
        label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = FollowUp
        fields = ["assigned_to", "due_at"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "assigned_to" in self.fields:
            field = self.fields["assigned_to"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = User.objects.filter(pk__in=support_agents()).order_by("full_name", "email")

    def clean(self) -> dict[str, Any]:
        """Ask the follow-up services' own checks, so a refused save writes nothing (not half)."""
        data = super().clean() or {}
        if self.instance.pk is None or self.instance.status != FollowUp.Status.OPEN:
            return data
        if "assigned_to" in self.fields and "assigned_to" in data:
            try:
                followup_assignee_check(assigned_to=data["assigned_to"])
            except BookingRefused as refusal:
                self.add_error("assigned_to", refusal.message)
        if data.get("record_outcome"):
            try:
                followup_outcome_check(
                    followup_id=self.instance.pk,
                    outcome=data["record_outcome"],
                    note=data.get("outcome_note", ""),
                )
            except BookingRefused as refusal:
                self.add_error("record_outcome", refusal.message)
        return data


class _WhatIfForm(forms.ModelForm):  # type: ignore[type-arg]
    """Shows the what-if before a change that moves bands is saved, and saves on the second submit."""

    whatif_confirm = forms.CharField(widget=forms.HiddenInput, required=False)
    whatif: WhatIf | None = None
    WATCHED: tuple[str, ...] = ()

    def _proposal(self) -> str:
        values = "|".join(f"{name}={self.cleaned_data.get(name)}" for name in self.WATCHED)
        return hashlib.sha256(values.encode()).hexdigest()[:32]

    def _compute(self) -> WhatIf:
        raise NotImplementedError

    def _validate(self, cleaned: dict[str, Any]) -> None:
        """Refuse an invalid proposal before computing its effect."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or not self.instance.pk or not any(name in self.changed_data for name in self.WATCHED):
            return cleaned
        self._validate(cleaned)
        token = self._proposal()
        if cleaned.get("whatif_confirm") == token:
            return cleaned
        self.whatif = self._compute()
        # Render the token back, so that saving the same proposal again confirms it.
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        if not isinstance(self.data, QueryDict):
            data.update(self.data)
        data[self.add_prefix("whatif_confirm")] = token
        self.data = data
        raise ValidationError(
            _("See below how many customers would move to which band; save again to confirm."),
            code="whatif",
        )


class EventTypeForm(_WhatIfForm):
    WATCHED = ("points", "half_life_days", "cap_count", "cap_days")

    class Meta:
        model = EventType
        fields = [
            "key",
            "label_en",
            "label_de",
            "points",
            "half_life_days",
            "active",
            "custom_points",
            "counts_for_alarm",
            "touchpoint",
            "nature",
            "cap_count",
            "cap_days",
            "api_bookable",
        ]

    def clean_points(self) -> int:
        points = int(self.cleaned_data["points"])
        limit = trust_settings().max_points
        if abs(points) > limit:
            raise ValidationError(_("Points must lie between -%(limit)s and %(limit)s.") % {"limit": limit})
        return points

    def clean_cap_days(self) -> int | None:
        days: int | None = self.cleaned_data.get("cap_days")
        if days and not self.cleaned_data.get("cap_count"):  # cap_count is cleaned first
            raise ValidationError(_("Say how many times it counts within these days, or leave both empty."))
        return days

    def _compute(self) -> WhatIf:
        current = EventType.objects.get(pk=self.instance.pk)
        result = whatif_event_type(
            event_type=current,
            points=self.cleaned_data["points"],
            half_life_days=self.cleaned_data["half_life_days"],
            rules=Rules.of(trust_settings()),
        )
        if {"cap_count", "cap_days"} & set(self.changed_data):
            result.cap = whatif_cap(
                event_type=current,
                cap_count=self.cleaned_data.get("cap_count"),
                cap_days=self.cleaned_data.get("cap_days"),
            )
        return result


class TrustSettingsForm(_WhatIfForm):
    WATCHED = TrustSettings.SCORING_FIELDS

    class Meta:
        model = TrustSettings
        fields = [
            *TrustSettings.SCORING_FIELDS,
            "inactivity_days",
            "max_points",
            "follow_up_due_days",
            "assign_round_robin",
            "care_mail_interval_days",
            "quiet_hours_start",
            "quiet_hours_end",
        ]

    def _validate(self, cleaned: dict[str, Any]) -> None:
        TrustSettings(**{name: cleaned[name] for name in TrustSettings.THRESHOLD_FIELDS}).clean()

    def _compute(self) -> WhatIf:
        current = Rules.of(TrustSettings.objects.get(pk=self.instance.pk))
        proposed = current.replace(**{name: self.cleaned_data[name] for name in TrustSettings.SCORING_FIELDS})
        return whatif_rules(current=current, proposed=proposed)
