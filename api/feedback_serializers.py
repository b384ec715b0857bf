"""What the customer's feedback and idea board endpoints read and write."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import StrictSerializer
from feedback.models import TEXT_MAX, Idea, Kind, Message, Thread, Topic


class TopicSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Topic
        fields = ["key", "name"]


class ThreadSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    topic = serializers.CharField(source="topic.key")
    answer_due_at = serializers.DateTimeField(
        source="due_at", help_text=gettext_lazy("When we promised a first answer by.")
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "kind",
            "topic",
            "summary",
            "rating",
            "status",
            "created_at",
            "last_message_at",
            "answer_due_at",
            "first_reply_at",
            "resolved_at",
        ]


class MessageSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    attachments = serializers.SerializerMethodField(help_text=gettext_lazy("The names of attached files."))

    class Meta:
        model = Message
        fields = ["id", "from_staff", "text", "created_at", "attachments"]

    def get_attachments(self, obj: Message) -> list[str]:
        return [attachment.name for attachment in obj.attachments.all()]


class ThreadDetailSerializer(ThreadSerializer):
    messages = serializers.SerializerMethodField(help_text=gettext_lazy("The conversation, oldest first."))

    class Meta(ThreadSerializer.Meta):
        fields = [*ThreadSerializer.Meta.fields, "messages"]

    @extend_schema_field(MessageSerializer(many=True))
    def get_messages(self, obj: Thread) -> list[dict[str, object]]:
        return MessageSerializer(self.context.get("conversation", []), many=True).data  # type: ignore[return-value]


class ThreadCreateSerializer(StrictSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    topic = serializers.SlugField(max_length=40, help_text=gettext_lazy("A topic's key (see the topics)."))
    text = serializers.CharField(max_length=TEXT_MAX, trim_whitespace=False)
    rating = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5, help_text=gettext_lazy("1 to 5, optional.")
    )


class ReplySerializer(StrictSerializer):
    text = serializers.CharField(max_length=TEXT_MAX, trim_whitespace=False)


class IdeaSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    voted = serializers.BooleanField(read_only=True, help_text=gettext_lazy("Whether you voted for it."))
    response = serializers.SerializerMethodField(help_text=gettext_lazy("The company's public response."))

    class Meta:
        model = Idea
        fields = ["id", "title", "description", "status", "votes_count", "voted", "published_at", "response"]

    def get_response(self, obj: Idea) -> str:
        return str(getattr(obj, "response", "") or "")
