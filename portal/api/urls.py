"""The API's URLs, mounted at /api/v1/ (namespace ``api``)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from portal.api import customer_views, integration_views, public_views, trust_views
from portal.api.docs import DocsView

app_name = "api"

urlpatterns = [
    path("ping/", public_views.PingView.as_view(), name="ping"),
    path("problems/<slug:slug>/", public_views.ProblemTypeView.as_view(), name="problem-type"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    # Customer endpoints: the caller's own data.
    path("me/", customer_views.ProfileView.as_view(), name="me"),
    path("me/consents/", customer_views.ConsentsView.as_view(), name="me-consents"),
    path("me/consents/history/", customer_views.ConsentHistoryView.as_view(), name="me-consent-history"),
    path(
        "me/consents/history/<int:pk>/", customer_views.ConsentRecordView.as_view(), name="me-consent-record"
    ),
    path("me/notifications/", customer_views.NotificationListView.as_view(), name="me-notifications"),
    path(
        "me/notifications/read/",
        customer_views.NotificationsMarkReadView.as_view(),
        name="me-notifications-read",
    ),
    path(
        "me/notifications/<int:pk>/",
        customer_views.NotificationDetailView.as_view(),
        name="me-notification",
    ),
    # Integration endpoints: API keys with scopes.
    path("customers/lookup/", integration_views.CustomerLookupView.as_view(), name="customer-lookup"),
    path("customers/<int:pk>/", integration_views.CustomerDetailView.as_view(), name="customer"),
    path(
        "customers/<int:pk>/external-id/",
        integration_views.ExternalIdView.as_view(),
        name="customer-external-id",
    ),
    path("consent-check/", integration_views.ConsentCheckView.as_view(), name="consent-check"),
    path("trust/events/", trust_views.TrustEventView.as_view(), name="trust-events"),
    path("trust/events/bulk/", trust_views.TrustEventBulkView.as_view(), name="trust-events-bulk"),
    path("trust/accounts/", trust_views.TrustAccountListView.as_view(), name="trust-accounts"),
    path("trust/accounts/<int:pk>/", trust_views.TrustAccountView.as_view(), name="trust-account"),
    path("trust/followups/", trust_views.FollowUpListView.as_view(), name="trust-followups"),
    path(
        "trust/followups/<int:pk>/outcome/",
        trust_views.FollowUpOutcomeView.as_view(),
        name="trust-followup-outcome",
    ),
]
