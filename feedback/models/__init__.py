"""The feedback app's models, one module per topic."""

from feedback.models.ideas import Idea, IdeaComment, IdeaVote
from feedback.models.settings import FeedbackSettings, Holiday, Kind, ResponsePromise, Topic
from feedback.models.surveys import NpsSurvey, Survey, SurveyState
from feedback.models.threads import TEXT_MAX, Attachment, Message, Thread

__all__ = [
    "TEXT_MAX",
    "Attachment",
    "FeedbackSettings",
    "Holiday",
    "Idea",
    "IdeaComment",
    "IdeaVote",
    "Kind",
    "Message",
    "NpsSurvey",
    "ResponsePromise",
    "Survey",
    "SurveyState",
    "Thread",
    "Topic",
]
