"""The admin pages that show several apps side by side, composed here and nowhere else.

Each app keeps its own page for what is its own (``customers.admin.users.UserAdmin``,
``feedback.admin.inbox.ThreadAdmin``) and offers what it adds to another app's page as a mixin
and a template fragment (``trust.admin.customer_page``, ``trust.admin.inbox``). This module
registers the composed pages; no app registers, unregisters or replaces another's admin, so
the order of ``INSTALLED_APPS`` does not matter.
"""

from __future__ import annotations

from django.contrib import admin

from customers.admin.users import UserAdmin
from customers.models import User
from feedback.admin.inbox import ThreadAdmin
from feedback.models import Thread
from trust.admin.customer_page import TrustOnCustomerPage
from trust.admin.inbox import TrustBandOnInbox


@admin.register(User)
class CustomerAdmin(TrustOnCustomerPage, UserAdmin):
    """A customer's page: the trust account above the user form, score and band in the list."""

    change_form_template = "admin/desk/customer_change_form.html"


@admin.register(Thread)
class InboxAdmin(TrustBandOnInbox, ThreadAdmin):
    """The feedback inbox, with each customer's trust band beside their thread."""
