"""Staff-access transparency: record each look at a customer's data, and show it to them."""

from __future__ import annotations

from django.db.models import QuerySet

from customers.models import StaffAccess, User


def staff_access_record(*, staff: User, customer: User, view: str) -> StaffAccess | None:
    """Write who opened which customer's data where; staff looking at staff is not logged."""
    if customer.is_staff or staff.pk == customer.pk:
        return None
    return StaffAccess.objects.create(
        customer=customer, staff=staff, staff_name=staff.get_full_name(), view=view
    )


def system_access_record(*, system_name: str, customer: User, view: str) -> StaffAccess | None:
    """Write that another system of the company read a customer's data (through the API)."""
    if customer.is_staff:
        return None
    return StaffAccess.objects.create(
        customer=customer, staff=None, staff_name=system_name[:200], by_system=True, view=view
    )


def staff_accesses_of(*, customer: User) -> QuerySet[StaffAccess]:
    """The customer's staff-access log, newest first."""
    return StaffAccess.objects.filter(customer=customer).order_by("-accessed_at", "-pk")
