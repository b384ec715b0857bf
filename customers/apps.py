from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "customers"
    verbose_name = _("Customers and privacy")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import pre_save

        from customers import gpc, personal_data, report, sessions
        from customers.models import User
        from plumbing.transparency import transparency_section_register

        personal_data.personal_data_connect()
        transparency_section_register(
            name="privacy",
            order=10,
            template="customers/transparency_privacy.html",
            context=lambda: {"privacy_months": report.privacy_report()},
        )
        user_logged_in.connect(gpc.gpc_on_login, dispatch_uid="customers.gpc_on_login")
        pre_save.connect(
            sessions.sessions_end_on_deactivation, sender=User, dispatch_uid="customers.sessions_end"
        )
