"""Each look of staff at one customer's data goes to that customer's staff-access log."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from customers.access import staff_access_record
from customers.models import (
    User,
)


class LogsStaffAccess(admin.ModelAdmin):  # type: ignore[type-arg]
    """An admin whose change view opens one customer's data: each look goes to their staff-access log."""

    access_view = ""

    def accessed_customer(self, obj: Any) -> User | None:
        customer = getattr(obj, "customer", None)
        return customer if isinstance(customer, User) else None

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            customer = self.accessed_customer(self.get_object(request, object_id))
            if customer is not None:
                assert isinstance(request.user, User)
                staff_access_record(staff=request.user, customer=customer, view=self.access_view)
        return response
