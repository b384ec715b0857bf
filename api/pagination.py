"""Cursor pagination: stable pages over lists that grow while they are read."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class CursorPage(CursorPagination):
    """Newest first, 50 per page (``page_size`` up to 200); ``next``/``previous`` are opaque links."""

    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request: Request) -> Any:
        # DRF answers a bad cursor with 404; it is a bad query parameter.
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("This cursor is not valid; use the next or previous link as given.")
                    ]
                },
                code="invalid",
            ) from None
