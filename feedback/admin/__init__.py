"""The support agents' side in the admin, one module per page: the inbox, the idea board's
moderation, the surveys' answers and the channel's settings.

Importing the package registers the pages; ``inbox.ThreadAdmin`` is registered by ``desk``.
"""

from feedback.admin import ideas, inbox, settings, surveys

__all__ = ["ideas", "inbox", "settings", "surveys"]
