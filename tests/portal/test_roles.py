"""Staff roles: created by migrations, each with exactly the permissions it needs."""

import pytest
from django.contrib.auth.models import Group

from plumbing.roles import PRIVACY_OFFICER, SUPPORT_AGENT

pytestmark = pytest.mark.django_db

# The whole contract of each role. A new permission must be added here on purpose.
EXPECTED = {
    SUPPORT_AGENT: {
        "customers.view_user",
        "feedback.view_thread",
        "feedback.change_thread",
        "feedback.view_topic",
        "feedback.add_topic",
        "feedback.change_topic",
        "feedback.view_responsepromise",
        "feedback.view_holiday",
        "feedback.add_holiday",
        "feedback.change_holiday",
        "feedback.delete_holiday",
        "feedback.view_feedbacksettings",
        "feedback.view_survey",
        "feedback.view_npssurvey",
        "feedback.view_idea",
        "feedback.add_idea",
        "feedback.change_idea",
        "feedback.view_ideacomment",
        "feedback.delete_ideacomment",
        "trust.view_account",
        "trust.change_account",
        "trust.view_dashboard",
        "trust.view_eventtype",
        "trust.view_trustsettings",
        "trust.view_ledgerentry",
        "trust.add_ledgerentry",
        "trust.view_followup",
        "trust.add_followup",
        "trust.change_followup",
    },
    PRIVACY_OFFICER: {
        "customers.view_user",
        "customers.view_channel",
        "customers.add_channel",
        "customers.change_channel",
        "customers.view_purpose",
        "customers.add_purpose",
        "customers.change_purpose",
        "customers.view_purposeversion",
        "customers.view_consentrecord",
        "customers.view_staffaccess",
        "customers.view_outgoingmail",
        "customers.view_processingactivity",
        "customers.add_processingactivity",
        "customers.change_processingactivity",
        "customers.delete_processingactivity",
        "customers.view_datarequest",
        "customers.change_datarequest",
        "customers.view_incident",
        "customers.add_incident",
        "customers.change_incident",
        "customers.delete_incident",
        "customers.view_incidentnotice",
        "customers.view_gpcsignal",
        # which systems receive what (API keys, webhooks), never their secrets
        "api.view_system",
        "api.view_apikey",
        "api.view_webhookendpoint",
        "api.view_webhookdelivery",
    },
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_has_exactly_its_permissions(role: str) -> None:
    group = Group.objects.get(name=role)

    granted = {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }

    assert granted == EXPECTED[role]
