"""The trigram index behind the staff search over descriptions (PostgreSQL only).

pg_trgm works on Chinese text too (each character is a word character under a UTF-8 locale):
searches of three characters or more use the index; shorter ones scan, which the changelist's
LIMIT keeps cheap. Created by migration 0004; bulk loaders drop it while they write a large batch
and build it again afterwards, which is several times faster than maintaining it row by row.
"""

DESCRIPTION_INDEX = "ticket_description_trgm"
CREATE_DESCRIPTION_INDEX = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX IF NOT EXISTS {DESCRIPTION_INDEX}
    ON tickets_ticket USING gin (description gin_trgm_ops);
"""
DROP_DESCRIPTION_INDEX = f"DROP INDEX IF EXISTS {DESCRIPTION_INDEX};"
