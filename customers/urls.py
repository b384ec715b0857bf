from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.privacy_center, name="privacy_center"),
    path("receipt/", views.consent_receipt_download, name="consent_receipt"),
    path("data/", views.data_overview_page, name="data_overview"),
    path("requests/", views.data_requests, name="data_requests"),
    path("requests/erasure/", views.erasure_request, name="erasure_request"),
    path("requests/<int:pk>/cancel/", views.data_request_cancel_view, name="data_request_cancel"),
    path("requests/<int:pk>/download/<str:token>/", views.export_download, name="export_download"),
    path("incidents/<int:pk>/acknowledge/", views.incident_acknowledge_view, name="incident_acknowledge"),
    path("notifications/", views.notifications_page, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("profile/", views.profile, name="profile"),
    path("staff-access/", views.staff_access_log, name="staff_accesses"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("confirm/<str:token>/", views.consent_confirm_view, name="consent_confirm"),
]
