from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "feedback"
    verbose_name = _("Feedback")

    def ready(self) -> None:
        from feedback import figures, personal_data
        from plumbing.transparency import transparency_section_register

        personal_data.register()
        transparency_section_register(
            name="feedback",
            order=20,
            template="feedback/transparency_section.html",
            context=figures.transparency_context,
        )
