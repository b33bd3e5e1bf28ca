"""The trigram indexes behind the staff search over descriptions (PostgreSQL only).

The changelist searches with Django's `icontains`, which PostgreSQL receives as
`UPPER(description) LIKE UPPER('%term%')`; the indexes are therefore built on
`upper(description)`, the expression the query filters on (an index on the bare column, as the
first one was, is never used by that query). Two of them: every ticket, for searches over all
statuses, and the open tickets only, for the default list, where a term found in thousands of
closed tickets must not be looked up among them.

pg_trgm works on Chinese text too (each character is a word character under a UTF-8 locale):
terms of three characters or more use the indexes; shorter ones (two characters, e.g. 漏水) have
no trigram and are filtered ticket by ticket. Created by migration 0019 (0004 created the first,
unused, one); bulk loaders drop them while they write a large batch and build them again
afterwards, which is several times faster than maintaining them row by row.
"""

DESCRIPTION_INDEX = "ticket_description_search"
OPEN_DESCRIPTION_INDEX = "ticket_open_description_search"
