"""The store's schema as numbered migrations; ``migrate`` applies the missing ones in order.

A migration is never edited once released: a change to the schema is a new entry.
"""

from __future__ import annotations

import duckdb

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "core model: sources, authors, messages, interactions, enrichments, cases, campaigns",
        """
        CREATE SEQUENCE source_seq START 1;
        CREATE TABLE sources (
            id           BIGINT PRIMARY KEY DEFAULT nextval('source_seq'),
            format       VARCHAR NOT NULL,
            platform     VARCHAR,
            path         VARCHAR NOT NULL,
            account      VARCHAR,
            imported_at  TIMESTAMPTZ NOT NULL,
            records      BIGINT DEFAULT 0,
            new          BIGINT DEFAULT 0,
            updated      BIGINT DEFAULT 0,
            duplicates   BIGINT DEFAULT 0,
            quarantined  BIGINT DEFAULT 0
        );
        CREATE TABLE authors (
            platform     VARCHAR NOT NULL,
            id           VARCHAR NOT NULL,
            handle       VARCHAR,
            name         VARCHAR,
            followers    BIGINT,
            following    BIGINT,
            posts_count  BIGINT,
            created_at   TIMESTAMPTZ,
            verified     BOOLEAN,
            description  VARCHAR,
            url          VARCHAR,
            is_owned     BOOLEAN NOT NULL DEFAULT false,
            first_seen   TIMESTAMPTZ,
            updated_at   TIMESTAMPTZ
            -- unique on (platform, id), kept by the writer's join upsert (see store/writer.py)
        );
        CREATE TABLE messages (
            platform          VARCHAR NOT NULL,
            id                VARCHAR NOT NULL,
            author_id         VARCHAR,
            created_at        TIMESTAMPTZ NOT NULL,
            text              VARCHAR,
            kind              VARCHAR NOT NULL,
            lang              VARCHAR,
            url               VARCHAR,
            title             VARCHAR,
            parent_id         VARCHAR,
            root_id           VARCHAR,
            root_inferred     BOOLEAN NOT NULL DEFAULT false,
            parent_author_id  VARCHAR,
            quoted_id         VARCHAR,
            quoted_author_id  VARCHAR,
            shared_id         VARCHAR,
            shared_author_id  VARCHAR,
            likes             BIGINT,
            shares            BIGINT,
            replies           BIGINT,
            quotes            BIGINT,
            views             BIGINT,
            score             BIGINT,
            mentions          VARCHAR[],
            hashtags          VARCHAR[],
            links             VARCHAR[],
            source_id         BIGINT,
            imported_at       TIMESTAMPTZ,
            updated_at        TIMESTAMPTZ,
            -- zstd: KB-sized original records; measured 2.6x smaller and faster to write than
            -- DuckDB's default (dictionary + FSST) on twarc2 tweets
            raw               JSON USING COMPRESSION zstd
            -- unique on (platform, id), kept by the writer's join upsert (see store/writer.py)
        );
        CREATE TABLE interactions (
            platform      VARCHAR NOT NULL,
            kind          VARCHAR NOT NULL,
            message_id    VARCHAR NOT NULL,
            src_author_id VARCHAR NOT NULL,
            dst_author_id VARCHAR,
            dst_handle    VARCHAR,
            created_at    TIMESTAMPTZ NOT NULL
        );
        CREATE TABLE enrichments (
            platform    VARCHAR NOT NULL,
            message_id  VARCHAR NOT NULL,
            task        VARCHAR NOT NULL,
            label       VARCHAR,
            score       DOUBLE,
            model       VARCHAR NOT NULL,
            version     VARCHAR NOT NULL,
            created_at  TIMESTAMPTZ NOT NULL,
            PRIMARY KEY (platform, message_id, task, model, version)
        );
        CREATE SEQUENCE case_seq START 1;
        CREATE TABLE cases (
            id                 BIGINT PRIMARY KEY DEFAULT nextval('case_seq'),
            platform           VARCHAR NOT NULL,
            message_id         VARCHAR NOT NULL,
            status             VARCHAR NOT NULL DEFAULT 'open',
            assignee           VARCHAR,
            opened_at          TIMESTAMPTZ NOT NULL,
            first_response_at  TIMESTAMPTZ,
            sla_due_at         TIMESTAMPTZ,
            closed_at          TIMESTAMPTZ,
            UNIQUE (platform, message_id)
        );
        CREATE SEQUENCE campaign_seq START 1;
        CREATE TABLE campaigns (
            id          BIGINT PRIMARY KEY DEFAULT nextval('campaign_seq'),
            name        VARCHAR NOT NULL UNIQUE,
            brief       JSON,
            starts_at   TIMESTAMPTZ,
            ends_at     TIMESTAMPTZ,
            queries     VARCHAR[],
            kpis        JSON,
            created_at  TIMESTAMPTZ NOT NULL
        );
        CREATE SEQUENCE quarantine_seq START 1;
        CREATE TABLE quarantine (
            id           BIGINT PRIMARY KEY DEFAULT nextval('quarantine_seq'),
            source_id    BIGINT,
            path         VARCHAR NOT NULL,
            format       VARCHAR,
            location     VARCHAR NOT NULL,
            reason       VARCHAR NOT NULL,
            excerpt      VARCHAR,
            quarantined_at TIMESTAMPTZ NOT NULL
        );
        """,
    ),
    (
        2,
        "messages.raw as VARCHAR: inserting into a JSON column parses every record again",
        # Every raw record is JSON already (parsed by the reader, or written by orjson), and
        # DuckDB's JSON functions read VARCHAR alike; the check cost ~4% of an import's writes.
        # The column keeps its zstd compression.
        "ALTER TABLE messages ALTER COLUMN raw SET DATA TYPE VARCHAR;",
    ),
    (
        3,
        "label corrections, and the labels view where a correction wins over any model",
        # Corrections keep their history (who, when); the newest one per message and task is
        # the label. ``labels`` gives one row per message and task: the newest correction, or
        # else the enrichment written last (the current model's, since versions only add).
        """
        CREATE TABLE corrections (
            platform    VARCHAR NOT NULL,
            message_id  VARCHAR NOT NULL,
            task        VARCHAR NOT NULL,
            label       VARCHAR NOT NULL,
            actor       VARCHAR,
            created_at  TIMESTAMPTZ NOT NULL
        );
        CREATE VIEW labels AS
        WITH latest_correction AS (
            SELECT platform, message_id, task,
                   arg_max(label, created_at) AS label
            FROM corrections GROUP BY ALL
        ), latest_model AS (
            SELECT platform, message_id, task,
                   arg_max(label, created_at) AS label,
                   arg_max(score, created_at) AS score,
                   arg_max(model || ' ' || version, created_at) AS model
            FROM enrichments GROUP BY ALL
        )
        SELECT coalesce(c.platform, m.platform) AS platform,
               coalesce(c.message_id, m.message_id) AS message_id,
               coalesce(c.task, m.task) AS task,
               coalesce(c.label, m.label) AS label,
               CASE WHEN c.label IS NULL THEN m.score ELSE 1.0 END AS score,
               CASE WHEN c.label IS NULL THEN m.model ELSE 'correction' END AS source
        FROM latest_correction c
        FULL OUTER JOIN latest_model m USING (platform, message_id, task);
        """,
    ),
    (
        4,
        "cases as conversations (thread and customer), their tags and their history",
        # A case is one customer's conversation with the brand in one thread, named by its
        # first message (``message_id``). Every change of state, assignee, note or tag is a
        # ``case_events`` row with its time and actor, so the history is never rewritten.
        """
        ALTER TABLE cases ADD COLUMN root_id VARCHAR;
        ALTER TABLE cases ADD COLUMN author_id VARCHAR;
        ALTER TABLE cases ADD COLUMN intent VARCHAR;
        ALTER TABLE cases ADD COLUMN last_message_at TIMESTAMPTZ;
        ALTER TABLE cases ADD COLUMN messages INTEGER DEFAULT 1;
        ALTER TABLE cases ADD COLUMN tags VARCHAR[] DEFAULT [];
        ALTER TABLE cases ADD COLUMN updated_at TIMESTAMPTZ;
        CREATE SEQUENCE case_event_seq START 1;
        CREATE TABLE case_events (
            id       BIGINT PRIMARY KEY DEFAULT nextval('case_event_seq'),
            case_id  BIGINT NOT NULL,
            happened_at TIMESTAMPTZ NOT NULL,
            actor    VARCHAR NOT NULL,
            action   VARCHAR NOT NULL,
            detail   VARCHAR
        );
        """,
    ),
    (
        5,
        "saved topics: a name, a Boolean query, and whether it is a competitor's",
        # Topics can also be written in ascolto.toml ([topics]); these are the ones added
        # with ``ascolto topics add``.
        """
        CREATE TABLE topics (
            name        VARCHAR PRIMARY KEY,
            query       VARCHAR NOT NULL,
            competitor  BOOLEAN NOT NULL DEFAULT false,
            created_at  TIMESTAMPTZ NOT NULL
        );
        """,
    ),
)

SCHEMA_VERSION = MIGRATIONS[-1][0]


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration, 0 for an empty database."""
    exists = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchall()
    if not exists[0][0]:
        return 0
    rows = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchall()
    return int(rows[0][0])


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply missing migrations, each in its own transaction; return the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMPTZ DEFAULT now())"
    )
    have = current_version(con)
    applied = []
    for version, description, sql in MIGRATIONS:
        if version <= have:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations (version, description) VALUES (?, ?)",
                [version, description],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
