"""The changelist's description searches can be answered from their trigram indexes (issue 18:
at ten million tickets a search that reads every open ticket takes 0.6 s, the index answers in
1 ms).

The planner picks plans by table size and statistics, so on a test's few tickets it would scan,
or pick another of the table's indexes: each test drops every other index of the ticket table
inside its transaction (PostgreSQL's DDL is transactional: the test's rollback restores them),
turns sequential scans off for its EXPLAIN and asserts that the index is in the plan, i.e. that
the index *can* serve the query Django sends (the first trigram index could not: it was on
`description`, the query filters on `UPPER(description)`). The primary key, which stays,
cannot evaluate a LIKE, so the result does not depend on the planner's costs.

(A unit's list and its `ticket_open_by_due` index are not tested this way: on a few tickets the
planner rightly prefers the unit's assignments and the primary key, a plan as valid as the index
one; its plans at ten million tickets are in bench/RESULTS.md.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tickets.search import DESCRIPTION_INDEX, OPEN_DESCRIPTION_INDEX

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def page_queries(client, params) -> list[str]:
    """The SQL of the changelist's id query for the page (the one with ORDER BY … LIMIT)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:tickets_ticket_changelist"), params)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if "tickets_ticket" in q["sql"]]


def plan(sql: str, *, only: str) -> str:
    """EXPLAIN `sql` with `only` as the ticket table's one index besides its primary key."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'tickets_ticket' "
            "AND indexname <> %s AND indexname NOT IN (SELECT conindid::regclass::text "
            "FROM pg_constraint WHERE conrelid = 'tickets_ticket'::regclass)",
            [only],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def matching(queries, *words):
    found = [sql for sql in queries if all(word in sql for word in words)]
    assert found, f"no query with {words}"
    return found


@pytest.mark.parametrize(
    "params, index",
    [
        ({"q": "楼牌号"}, OPEN_DESCRIPTION_INDEX),  # the default list: open tickets
        ({"q": "楼牌号", "status": "all"}, DESCRIPTION_INDEX),
    ],
)
def test_a_description_search_uses_its_trigram_index(client, staff, lifecycle, params, index):
    lifecycle("dispatched", description="小区3号楼没有楼牌号，快递员找不到。")
    client.force_login(staff["dispatcher"])
    queries = page_queries(client, params)
    for sql in matching(queries, "LIKE", "LIMIT"):
        steps = plan(sql, only=index)
        # The index searched for the term, not merely read whole for its open-ticket condition.
        assert index in steps and "Index Cond: (upper(description) ~~" in steps, steps
