"""Cursor pagination: stable pages over lists that grow while they are read."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination


class CursorPage(CursorPagination):
    """Newest first, 50 per page (``page_size`` up to 200); ``next``/``previous`` are opaque links."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
