"""The API's URLs, mounted at /api/v1/ (namespace ``api``)."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from api import (
    customer_views,
    feedback_views,
    integration_views,
    privacy_views,
    public_views,
    trust_views,
)
from api.docs import DocsView

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
    path("me/consents/receipt/", privacy_views.ConsentReceiptView.as_view(), name="me-consent-receipt"),
    path("me/data-requests/", privacy_views.DataRequestListView.as_view(), name="me-data-requests"),
    path("me/data-requests/<int:pk>/", privacy_views.DataRequestDetailView.as_view(), name="me-data-request"),
    path(
        "me/data-requests/<int:pk>/cancel/",
        privacy_views.DataRequestCancelView.as_view(),
        name="me-data-request-cancel",
    ),
    path(
        "me/data-requests/<int:pk>/download/",
        privacy_views.DataRequestDownloadView.as_view(),
        name="me-data-request-download",
    ),
    path("me/feedback/topics/", feedback_views.TopicListView.as_view(), name="me-feedback-topics"),
    path("me/feedback/threads/", feedback_views.ThreadListView.as_view(), name="me-threads"),
    path("me/feedback/threads/<int:pk>/", feedback_views.ThreadDetailView.as_view(), name="me-thread"),
    path(
        "me/feedback/threads/<int:pk>/replies/",
        feedback_views.ThreadReplyView.as_view(),
        name="me-thread-replies",
    ),
    path(
        "me/feedback/threads/<int:pk>/resolve/",
        feedback_views.ThreadResolveView.as_view(),
        name="me-thread-resolve",
    ),
    path(
        "me/feedback/threads/<int:pk>/reopen/",
        feedback_views.ThreadReopenView.as_view(),
        name="me-thread-reopen",
    ),
    path("me/ideas/", feedback_views.IdeaListView.as_view(), name="me-ideas"),
    path("me/ideas/<int:pk>/vote/", feedback_views.IdeaVoteView.as_view(), name="me-idea-vote"),
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
