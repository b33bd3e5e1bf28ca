"""Cursor pagination for ticket lists: stable under inserts, no COUNT(*) over millions of rows."""

from rest_framework.pagination import CursorPagination


class TicketCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-submitted_at"
