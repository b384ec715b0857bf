"""The customers app's own personal-data sources: what the privacy center itself stores.

Registered in ``CustomersConfig.ready()``; feedback and trust register theirs
in their apps. Each source counts, exports and erases one area of data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from customers.models import (
    ConsentRecord,
    DataRequest,
    GpcSignal,
    IncidentNotice,
    Notification,
    OutgoingMail,
    StaffAccess,
    User,
)
from customers.sessions import sessions_end
from plumbing.personal_data_registry import PersonalDataSource, personal_data_register


def _delete_all(model: type[models.Model]) -> Callable[[User], None]:
    """Return an ``erase`` that deletes the customer's rows of ``model``."""

    def erase(user: User) -> None:
        model._default_manager.filter(customer=user).delete()

    return erase


def _when(moment: Any) -> str:
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT") if moment else "—"


# --- profile -------------------------------------------------------------------


def _profile_export(user: User) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("pk")
        ],
        "two_factor_methods": sorted(
            set(Authenticator.objects.filter(user=user).values_list("type", flat=True))
        ),
        "sessions": [
            {"ip": session.ip, "user_agent": session.user_agent, "last_seen_at": session.last_seen_at}
            for session in UserSession.objects.filter(user=user).order_by("-last_seen_at")
        ],
    }


def _profile_values(user: User) -> list[tuple[str, Any]]:
    return [
        (_("Email address"), user.email),
        (_("Name"), user.full_name or "—"),
        (_("Language"), user.get_language_display() or "—"),
        (_("Customer since"), _when(user.date_joined)),
        (_("Last sign-in"), _when(user.last_login)),
    ]


def _profile_erase(user: User) -> None:
    # Sessions are not linked to the user by a foreign key: signed out everywhere, not only refused.
    sessions_end(user_id=user.pk)
    User.objects.filter(pk=user.pk).update(full_name="")


# --- consents --------------------------------------------------------------------


def _consents_export(user: User) -> list[dict[str, Any]]:
    records = (
        ConsentRecord.objects.filter(customer=user)
        .select_related("purpose", "channel", "purpose_version")
        .order_by("id")
    )
    return [
        {
            "id": record.pk,
            "purpose": record.purpose.key,
            "channel": record.channel.key,
            "state": record.state,
            "source": record.source,
            "reason": record.reason,
            "by_customer": record.actor_id == user.pk,
            "text_version": record.purpose_version.version,
            "text_shown": {
                "title_en": record.purpose_version.title_en,
                "title_de": record.purpose_version.title_de,
                "description_en": record.purpose_version.description_en,
                "description_de": record.purpose_version.description_de,
            },
            "created_at": record.created_at,
        }
        for record in records.iterator(chunk_size=2000)
    ]


def _consents_values(user: User) -> list[tuple[str, Any]]:
    last = ConsentRecord.objects.filter(customer=user).order_by("-id").values_list("created_at", flat=True)
    return [(_("Last change"), _when(last.first()))]


def _consents_erase(user: User) -> None:
    # Only the erasure may delete consent records (see the guard trigger); the
    # address stays as a hashed suppression entry.
    ConsentRecord.objects.filter(customer=user).delete()


def _gpc_export(user: User) -> dict[str, Any] | None:
    signal = GpcSignal.objects.filter(customer=user).first()
    return None if signal is None else {"honoured_at": signal.honoured_at, "withdrawn": signal.withdrawn}


# --- staff accesses, notifications, mail log ------------------------------------------


def _staff_accesses_export(user: User) -> list[Any]:
    return list(
        StaffAccess.objects.filter(customer=user)
        .order_by("accessed_at")
        .values("staff_name", "by_system", "view", "accessed_at")
    )


def _notifications_export(user: User) -> list[Any]:
    return list(
        Notification.objects.filter(customer=user)
        .order_by("created_at")
        .values("title", "body", "url", "created_at", "read_at")
    )


def _mails_export(user: User) -> list[Any]:
    return list(
        OutgoingMail.objects.filter(customer=user)
        .order_by("claimed_at")
        .values("template", "purpose_key", "message_id", "sent_at")
    )


# --- data requests and incident notices ------------------------------------------------


def _requests_export(user: User) -> list[Any]:
    return list(
        DataRequest.objects.filter(customer=user)
        .order_by("received_at")
        .values(
            "id",
            "kind",
            "status",
            "received_at",
            "due_at",
            "extension_reason",
            "erase_after",
            "cancelled_at",
            "completed_at",
            "expires_at",
        )
    )


def _requests_erase(user: User) -> None:
    # The requests stay as the non-personal record (the user's deletion unlinks
    # them); only what a person wrote about this customer goes.
    DataRequest.objects.filter(customer=user).update(extension_reason="")


def _notices_export(user: User) -> list[dict[str, Any]]:
    notices = IncidentNotice.objects.filter(customer=user).select_related("incident").order_by("added_at")
    return [
        {
            "incident": notice.incident.title_en,
            "declared_at": notice.incident.declared_at,
            "mailed_at": notice.mailed_at,
            "acknowledged_at": notice.acknowledged_at,
        }
        for notice in notices
    ]


# What the privacy center itself stores, area by area.
SOURCES = (
    PersonalDataSource(
        key="profile",
        label=gettext_lazy("Your account and profile"),
        explanation=gettext_lazy(
            "email: your sign-in address; full_name and language: your profile; date_joined and "
            "last_login: when you signed up and last signed in; email_addresses: every address on "
            "your account and whether it is verified; two_factor_methods: which second factors you "
            "use (never their secrets); sessions: the devices signed in to your account."
        ),
        count=lambda user: 1,
        export=_profile_export,
        erase=_profile_erase,
        values=_profile_values,
        order=10,
    ),
    PersonalDataSource(
        key="consents",
        label=gettext_lazy("Your consents and their full history"),
        explanation=gettext_lazy(
            "One entry per change: purpose and channel, state (granted, withdrawn, waiting for "
            "confirmation), source (privacy center, email link, API, staff with a reason, browser "
            "privacy signal, import), whether you made it yourself, and the exact text version you "
            "were shown (text_shown), with the time."
        ),
        count=lambda user: ConsentRecord.objects.filter(customer=user).count(),
        export=_consents_export,
        erase=_consents_erase,
        values=_consents_values,
        order=20,
    ),
    PersonalDataSource(
        key="privacy_signals",
        label=gettext_lazy("Browser privacy signals"),
        explanation=gettext_lazy(
            "honoured_at: when we first received your browser's Global Privacy Control signal; "
            "withdrawn: how many sale or sharing consents it withdrew."
        ),
        count=lambda user: GpcSignal.objects.filter(customer=user).count(),
        export=_gpc_export,
        erase=_delete_all(GpcSignal),
        order=25,
    ),
    PersonalDataSource(
        key="staff_accesses",
        label=gettext_lazy("Who at the company looked at your data"),
        explanation=gettext_lazy(
            "staff_name: the staff member, or the company's system if by_system is true; "
            "view: what they opened; accessed_at: when."
        ),
        count=lambda user: StaffAccess.objects.filter(customer=user).count(),
        export=_staff_accesses_export,
        erase=_delete_all(StaffAccess),
        order=30,
    ),
    PersonalDataSource(
        key="notifications",
        label=gettext_lazy("Notifications in the portal"),
        explanation=gettext_lazy(
            "title and body: the message; url: where it pointed; created_at and read_at: when it was "
            "written and when you read it."
        ),
        count=lambda user: Notification.objects.filter(customer=user).count(),
        export=_notifications_export,
        erase=_delete_all(Notification),
        order=40,
    ),
    PersonalDataSource(
        key="mails",
        label=gettext_lazy("Mails we sent you"),
        explanation=gettext_lazy(
            "template: which mail; purpose_key: the consent purpose it relied on (empty for "
            "service and legal mail); message_id: its identifier; sent_at: when it left."
        ),
        count=lambda user: OutgoingMail.objects.filter(customer=user).count(),
        export=_mails_export,
        erase=_delete_all(OutgoingMail),
        order=50,
    ),
    PersonalDataSource(
        key="data_requests",
        label=gettext_lazy("Your data requests"),
        explanation=gettext_lazy(
            "kind: copy of your data or erasure; status; received_at and due_at: when we received "
            "it and the legal due date; extension_reason: why we needed longer, if we did; "
            "erase_after, cancelled_at, completed_at, expires_at: the request's milestones."
        ),
        count=lambda user: DataRequest.objects.filter(customer=user).count(),
        export=_requests_export,
        erase=_requests_erase,
        order=60,
    ),
    PersonalDataSource(
        key="incident_notices",
        label=gettext_lazy("Data incidents that affected you"),
        explanation=gettext_lazy(
            "incident: its title; declared_at: when we declared it; mailed_at: when we told you; "
            "acknowledged_at: when you confirmed you read it."
        ),
        count=lambda user: IncidentNotice.objects.filter(customer=user).count(),
        export=_notices_export,
        erase=_delete_all(IncidentNotice),
        order=70,
    ),
)


def personal_data_connect() -> None:
    """Register the customers app's sources (called once from the app's ``ready()``)."""
    for source in SOURCES:
        personal_data_register(source)
