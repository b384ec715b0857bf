"""Forms of the customer's feedback pages: they read the input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from feedback.attachments import MAX_FILES
from feedback.ideas import TITLE_MAX
from feedback.models import TEXT_MAX, Kind, Topic

RATING_CHOICES = [("", _("no rating"))] + [(str(n), str(n)) for n in range(1, 6)]
ACCEPT = "image/jpeg,image/png,image/gif,image/webp,application/pdf"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Up to three files from one ``<input type="file" multiple>``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_FILES:
            raise forms.ValidationError(_("At most 3 files can be attached to one message."))
        return [single(item, initial) for item in files]


class TopicChoiceField(forms.ModelChoiceField[Topic]):
    def label_from_instance(self, obj: Topic) -> str:
        return obj.name


def _text_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Up to 10,000 characters."),
        error_messages={"required": _("Please write something: the text is empty.")},
    )


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What kind of feedback is it?"), choices=Kind.choices, widget=forms.RadioSelect
    )
    topic = TopicChoiceField(label=_("Topic"), queryset=Topic.objects.filter(active=True), empty_label=None)
    text = _text_field(_("Your message"))
    rating = forms.TypedChoiceField(
        label=_("Your rating (optional)"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        help_text=_("1 = very poor, 5 = excellent."),
    )
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        help_text=_("Up to 3 images (JPEG, PNG, GIF, WebP) or PDF documents, at most 5 MB each."),
    )


class ReplyForm(forms.Form):
    text = _text_field(_("Your reply"))
    attachments = MultipleFileField(
        label=_("Attachments (optional)"),
        help_text=_("Up to 3 images (JPEG, PNG, GIF, WebP) or PDF documents, at most 5 MB each."),
    )


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    description = _text_field(_("Describe your idea"))


class CommentForm(forms.Form):
    text = _text_field(_("Your comment"))


class SurveyAnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with our answer?"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("1 = very dissatisfied, 5 = very satisfied."),
        error_messages={"required": _("Please choose a score from 1 to 5.")},
    )
    solved = forms.TypedChoiceField(
        label=_("Was your problem solved?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Please tell us whether your problem was solved.")},
    )


class NpsAnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How likely are you to recommend us to a friend or colleague?"),
        choices=[(str(n), str(n)) for n in range(11)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("0 = not at all likely, 10 = extremely likely."),
        error_messages={"required": _("Please choose a score from 0 to 10.")},
    )
