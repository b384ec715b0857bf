from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("", views.privacy_center, name="privacy_center"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("confirm/<str:token>/", views.consent_confirm_view, name="consent_confirm"),
]
