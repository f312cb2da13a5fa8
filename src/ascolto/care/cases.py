"""Cases: the conversations that need an answer, kept in step with the store, with a history.

A case is one customer's conversation with the brand in one thread (platform, thread root,
author), opened by their first message that needs an answer (an intent in ``case_intents``;
``unknown`` until ``ascolto enrich`` has run). ``sync`` derives from the store what each case
should be and applies only the differences, each as a ``case_events`` row:

- a new conversation opens a case (closed at once when the brand's reply is already stored);
- an owned reply to the customer's latest message closes it (``answered by ACCOUNT``);
- the customer writing again after it was closed reopens it, with a new SLA clock, and so
  does their message after a person set it pending (waiting on the customer);
- a first owned reply is recorded even when later messages still wait.

A person's own actions (assign, pending, close, note, tag) are events too, with their name, so
the history is never rewritten. SLA due times are business time (``BusinessCalendar.add``).
"""

from __future__ import annotations

import getpass
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from ascolto.care.calendar import BusinessCalendar
from ascolto.care.conversations import addressed
from ascolto.care.responses import epoch_seconds
from ascolto.errors import AscoltoError, BadOption
from ascolto.store.db import records, registered, scalar, scratch

STATUSES = ("open", "pending", "closed")
#: When a conversation mixes intents, the case takes the most pressing one.
URGENCY = ("support", "complaint", "question", "purchase", "idea", "unknown")
DEFAULT_CASE_INTENTS = URGENCY
SYSTEM = "ascolto"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)\s*(m|min|h|d)$")


@dataclass(frozen=True)
class SlaPolicy:
    """First-response targets in business seconds per ``(platform or "*", intent or "*")``."""

    rules: dict[tuple[str, str], float]

    @classmethod
    def parse(cls, items: Sequence[str]) -> SlaPolicy:
        """``["support=2h", "x:support=1h", "*=24h"]``: platform optional, minutes/hours/days."""
        rules = {}
        for item in items:
            key, sep, value = item.partition("=")
            m = _DURATION.match(value.strip().lower())
            if not sep or not m:
                raise BadOption(
                    f"SLA {item!r}: expected [PLATFORM:]INTENT=DURATION, e.g. support=2h, "
                    "x:question=30m, *=1d"
                )
            platform, _, intent = key.strip().rpartition(":")
            n, unit = float(m.group(1)), m.group(2)
            rules[(platform or "*", intent or "*")] = n * {"m": 60, "min": 60, "h": 3600}.get(
                unit, 86400
            )
        return cls(rules)

    def seconds(self, platform: str, intent: str) -> float:
        """The most specific rule: platform and intent, intent, platform, then ``*``."""
        for key in ((platform, intent), ("*", intent), (platform, "*"), ("*", "*")):
            if key in self.rules:
                return self.rules[key]
        return float("nan")


_CONVERSATIONS = """
SELECT platform, coalesce(root_id, id) AS root_id, author_id,
       arg_min(id, created_at) AS message_id,
       min(created_at) AS opened_at,
       max(created_at) AS last_message_at,
       count(*) AS messages,
       arg_min(intent, list_position($urgency, intent)) AS intent,
       bool_or(sentiment = 'negative') AS negative,
       bool_or(toxicity = 'toxic') AS toxic,
       max(followers) AS followers,
       min(first_response_at) AS first_response_at,
       arg_max(first_response_at, created_at) AS last_answered_at,
       arg_max(responder, created_at) AS last_responder
FROM addressed_rows
WHERE list_contains($intents, intent)
GROUP BY ALL
"""


def conversations(rows: pa.Table, intents: Sequence[str] = DEFAULT_CASE_INTENTS) -> pa.Table:
    """One row per customer conversation needing an answer, from ``addressed`` rows."""
    with scratch("addressed_rows", rows) as con:
        return con.sql(
            _CONVERSATIONS, params={"urgency": list(URGENCY), "intents": list(intents)}
        ).to_arrow_table()


def _with_due(conv: pa.Table, calendar: BusinessCalendar, policy: SlaPolicy) -> pa.Table:
    """Add ``sla_s`` and the business-time due instants for a first and a renewed answer."""
    budget = np.array(
        [
            policy.seconds(p, i)
            for p, i in zip(
                conv.column("platform").to_pylist(), conv.column("intent").to_pylist(), strict=True
            )
        ],
        dtype=np.float64,
    )

    def due(column: str) -> pa.Array:
        at = calendar.add(epoch_seconds(conv.column(column)), budget)
        micros = np.where(np.isnan(at), 0, np.round(at * 1e6)).astype(np.int64)
        return pa.array(micros, mask=np.isnan(at)).cast(pa.timestamp("us", tz="UTC"))

    return (
        conv.append_column("sla_s", pa.array(budget, mask=np.isnan(budget)))
        .append_column("due", due("opened_at"))
        .append_column("renewed_due", due("last_message_at"))
    )


def _event(con: duckdb.DuckDBPyConnection, select: str, params: Sequence[Any] = ()) -> None:
    con.execute(
        f"INSERT INTO case_events (case_id, happened_at, actor, action, detail) {select}",
        list(params),
    )


def sync(
    con: duckdb.DuckDBPyConnection,
    calendar: BusinessCalendar,
    policy: SlaPolicy,
    intents: Sequence[str] = DEFAULT_CASE_INTENTS,
    now: datetime | None = None,
) -> dict[str, int]:
    """Bring the cases in step with the store; returns how many were opened, closed, ..."""
    now = now or datetime.now(UTC)
    conv = _with_due(conversations(addressed(con), intents), calendar, policy)
    counts = {}
    with registered(con, "case_conv", conv):
        con.execute("BEGIN TRANSACTION")
        try:
            counts = _apply(con, now)
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
    return counts


_MATCH = """
FROM case_conv v JOIN cases c ON c.platform = v.platform AND c.root_id = v.root_id
 AND c.author_id IS NOT DISTINCT FROM v.author_id
"""
_ANSWERED = "v.last_answered_at IS NOT NULL AND v.last_answered_at >= v.last_message_at"


def _apply(con: duckdb.DuckDBPyConnection, now: datetime) -> dict[str, int]:
    counts: dict[str, int] = {}
    # a thread's root can move when a missing parent arrives later: follow it
    con.execute(
        """UPDATE cases SET root_id = v.root_id FROM case_conv v
           WHERE cases.platform = v.platform AND cases.message_id = v.message_id
             AND cases.root_id IS DISTINCT FROM v.root_id"""
    )
    # new conversations: a case each, closed already when the brand's answer is stored
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE case_new AS
        SELECT v.* FROM case_conv v LEFT JOIN cases c
          ON c.platform = v.platform AND c.root_id = v.root_id
         AND c.author_id IS NOT DISTINCT FROM v.author_id
        LEFT JOIN cases m ON m.platform = v.platform AND m.message_id = v.message_id
        WHERE c.id IS NULL AND m.id IS NULL
        """
    )
    counts["opened"] = _count(con, "FROM case_new")
    con.execute(
        f"""
        INSERT INTO cases (platform, message_id, status, opened_at, first_response_at,
                           sla_due_at, closed_at, root_id, author_id, intent, last_message_at,
                           messages, updated_at)
        SELECT platform, message_id,
               CASE WHEN {_ANSWERED.replace("v.", "")} THEN 'closed' ELSE 'open' END,
               opened_at, first_response_at, due,
               CASE WHEN {_ANSWERED.replace("v.", "")} THEN last_answered_at END,
               root_id, author_id, intent, last_message_at, messages, $1
        FROM case_new
        """,
        [now],
    )
    _event(
        con,
        """SELECT c.id, n.opened_at, 'ascolto', 'opened', n.intent FROM case_new n
           JOIN cases c ON c.platform = n.platform AND c.message_id = n.message_id""",
    )
    _event(
        con,
        """SELECT c.id, n.last_answered_at, 'ascolto', 'closed', 'answered by ' || n.last_responder
           FROM case_new n JOIN cases c ON c.platform = n.platform AND c.message_id = n.message_id
           WHERE c.status = 'closed'""",
    )
    # pending waits on the customer: their new message (after it was set) reopens the case
    waking = (
        f"{_MATCH} WHERE c.status = 'pending' AND NOT ({_ANSWERED}) AND v.last_message_at > "
        "(SELECT max(e.happened_at) FROM case_events e WHERE e.case_id = c.id "
        "AND e.action = 'pending')"
    )
    counts["reopened"] = _count(con, waking)
    _event(
        con,
        f"SELECT c.id, v.last_message_at, 'ascolto', 'reopened', 'the customer wrote' {waking}",
    )
    con.execute(
        f"UPDATE cases SET status = 'open', updated_at = $1 WHERE id IN (SELECT c.id {waking})",
        [now],
    )
    # the brand's first answer (before any closing, so the history reads in order)
    answered = f"{_MATCH} WHERE c.first_response_at IS NULL AND v.first_response_at IS NOT NULL"
    counts["first_responses"] = _count(con, answered)
    _event(
        con,
        f"SELECT c.id, v.first_response_at, 'ascolto', 'first response', NULL {answered}",
    )
    # the brand answered the latest message of an open or pending case: closed
    closing = f"{_MATCH} WHERE c.status <> 'closed' AND {_ANSWERED}"
    counts["closed"] = _count(con, closing)
    _event(
        con,
        "SELECT c.id, v.last_answered_at, 'ascolto', 'closed', "
        f"'answered by ' || v.last_responder {closing}",
    )
    con.execute(
        f"""UPDATE cases SET status = 'closed', closed_at = v.last_answered_at, updated_at = $1
            FROM case_conv v WHERE cases.platform = v.platform AND cases.root_id = v.root_id
             AND cases.author_id IS NOT DISTINCT FROM v.author_id AND cases.status <> 'closed'
             AND {_ANSWERED}""",
        [now],
    )
    # the customer wrote again after the case was closed and nobody answered yet: reopened
    reopening = (
        f"{_MATCH} WHERE c.status = 'closed' AND v.last_message_at > c.closed_at "
        f"AND NOT ({_ANSWERED})"
    )
    counts["reopened"] += _count(con, reopening)
    _event(con, f"SELECT c.id, v.last_message_at, 'ascolto', 'reopened', NULL {reopening}")
    con.execute(
        f"""UPDATE cases SET status = 'open', closed_at = NULL, sla_due_at = v.renewed_due,
                   updated_at = $1
            FROM case_conv v WHERE cases.platform = v.platform AND cases.root_id = v.root_id
             AND cases.author_id IS NOT DISTINCT FROM v.author_id AND cases.status = 'closed'
             AND v.last_message_at > cases.closed_at AND NOT ({_ANSWERED})""",
        [now],
    )
    con.execute(
        """UPDATE cases SET first_response_at = v.first_response_at, intent = v.intent,
                   last_message_at = v.last_message_at, messages = v.messages
            FROM case_conv v WHERE cases.platform = v.platform AND cases.root_id = v.root_id
             AND cases.author_id IS NOT DISTINCT FROM v.author_id"""
    )
    con.execute("DROP TABLE case_new")
    return counts


def _count(con: duckdb.DuckDBPyConnection, from_where: str) -> int:
    return int(scalar(con, f"SELECT count(*) {from_where}") or 0)


# -- a person's actions ---------------------------------------------------------------------


def _case(con: duckdb.DuckDBPyConnection, case_id: int) -> dict[str, Any]:
    rows = records(con, "SELECT * FROM cases WHERE id = ?", [case_id])
    if not rows:
        raise AscoltoError(f"no case {case_id}: `ascolto inbox --status all` lists them")
    return rows[0]


def act(
    con: duckdb.DuckDBPyConnection,
    case_id: int,
    action: str,
    value: str | None = None,
    actor: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """``assign`` WHO, ``pending``, ``close``, ``reopen``, ``note`` TEXT or ``tag`` NAME."""
    actor = actor or getpass.getuser()
    now = now or datetime.now(UTC)
    case = _case(con, case_id)
    updates: dict[str, Any] = {}
    if action == "assign":
        if not value:
            raise BadOption("assign needs the assignee's name")
        updates["assignee"] = value
    elif action in ("pending", "close", "reopen"):
        status = {"pending": "pending", "close": "closed", "reopen": "open"}[action]
        if case["status"] == status:
            raise BadOption(f"case {case_id} is already {status}")
        updates["status"] = status
        updates["closed_at"] = now if status == "closed" else None
    elif action == "tag":
        if not value:
            raise BadOption("tag needs a tag name")
        updates["tags"] = sorted({*(case["tags"] or []), value})
    elif action != "note" or not value:
        raise BadOption("note needs its text" if action == "note" else f"unknown action {action}")
    con.execute("BEGIN TRANSACTION")
    if updates:
        sets = ", ".join(f"{k} = ?" for k in updates)
        con.execute(
            f"UPDATE cases SET {sets}, updated_at = ? WHERE id = ?",
            [*updates.values(), now, case_id],
        )
    con.execute(
        "INSERT INTO case_events (case_id, happened_at, actor, action, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        [case_id, now, actor, {"close": "closed", "reopen": "reopened"}.get(action, action), value],
    )
    con.execute("COMMIT")
    return _case(con, case_id)


def history(con: duckdb.DuckDBPyConnection, case_id: int) -> list[dict[str, Any]]:
    _case(con, case_id)
    return records(
        con,
        "SELECT happened_at, actor, action, detail FROM case_events WHERE case_id = ? "
        "ORDER BY happened_at, id",
        [case_id],
    )


# -- the inbox -------------------------------------------------------------------------------

#: Priority points per intent: users in difficulty first, then the unhappy and the curious.
INTENT_POINTS = {"support": 30, "complaint": 25, "question": 20, "purchase": 15, "idea": 15}
PRIORITY = """\
priority = intent (support 30, complaint 25, question 20, purchase 15, idea 15, unknown 10)
         + 10 if any message is negative + 5 if any is toxic (a flame starts there)
         + 5 x log10(1 + the author's followers)           (reach: 10k followers = 20)
         + 30 x business time waited / the SLA, up to 60    (+20 more once the SLA is breached)
         + 3 per further message from the customer, up to 15 (an active thread)"""


def inbox(
    con: duckdb.DuckDBPyConnection,
    calendar: BusinessCalendar,
    status: str = "open",
    intents: Sequence[str] = (),
    now: datetime | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Cases by priority (see ``PRIORITY``), each with the points that make its score."""
    if status not in (*STATUSES, "all"):
        raise BadOption(f"unknown status {status!r}: use {', '.join(STATUSES)} or all")
    now = now or datetime.now(UTC)
    rows = records(
        con,
        """
        SELECT c.*, m.text, a.handle, a.followers,
               coalesce(bool_or(l.task = 'sentiment' AND l.label = 'negative'), false) AS negative,
               coalesce(bool_or(l.task = 'toxicity' AND l.label = 'toxic'), false) AS toxic
        FROM cases c
        LEFT JOIN messages m ON m.platform = c.platform AND m.id = c.message_id
        LEFT JOIN authors a ON a.platform = c.platform AND a.id = c.author_id
        LEFT JOIN messages t ON t.platform = c.platform AND t.root_id = c.root_id
             AND t.author_id = c.author_id
        LEFT JOIN labels l ON l.platform = t.platform AND l.message_id = t.id
        WHERE ($1 = 'all' OR c.status = $1)
          AND (len($2::VARCHAR[]) = 0 OR list_contains($2::VARCHAR[], c.intent))
        GROUP BY ALL
        """,
        [status, list(intents)],
    )
    if not rows:
        return []
    opened = np.array([r["opened_at"].timestamp() for r in rows])
    due = np.array([r["sla_due_at"].timestamp() if r["sla_due_at"] else np.nan for r in rows])
    since = np.array([r["last_message_at"].timestamp() for r in rows])
    end = np.array([(r["closed_at"] or now).timestamp() for r in rows], dtype=np.float64)
    waited = calendar.seconds(since, end)
    sla = calendar.seconds(opened, due)
    for r, w, s in zip(rows, waited.tolist(), sla.tolist(), strict=True):
        r["waiting_business_s"] = w
        r["sla_breached"] = bool(
            r["sla_due_at"] and (r["first_response_at"] or now) > r["sla_due_at"]
        )
        r["why"] = _points(r, w, s)
        r["priority"] = round(sum(r["why"].values()), 1)
    rows.sort(key=lambda r: (-r["priority"], r["opened_at"]))
    return rows[:limit] if limit else rows


def _points(case: dict[str, Any], waited: float, sla: float) -> dict[str, float]:
    points = {"intent": float(INTENT_POINTS.get(case["intent"], 10))}
    if case["negative"]:
        points["negative"] = 10.0
    if case["toxic"]:
        points["toxic"] = 5.0
    if case["followers"]:
        points["reach"] = round(5 * float(np.log10(1 + case["followers"])), 1)
    if sla and sla == sla and case["status"] != "closed":
        points["waiting"] = round(min(30 * waited / sla, 60.0), 1)
        if case["sla_breached"]:
            points["breached"] = 20.0
    if case["messages"] and case["messages"] > 1:
        points["activity"] = float(min(3 * (case["messages"] - 1), 15))
    return points


# -- the team --------------------------------------------------------------------------------

_TEAM = """
WITH owned AS (SELECT platform, id, handle FROM authors WHERE is_owned),
replies AS (
    SELECT r.platform, r.author_id AS account, r.created_at, p.root_id,
           p.author_id AS customer, epoch(r.created_at) - epoch(p.created_at) AS wait
    FROM messages r
    JOIN owned o ON o.platform = r.platform AND o.id = r.author_id
    JOIN messages p ON p.platform = r.platform AND p.id = r.parent_id
    LEFT JOIN owned po ON po.platform = p.platform AND po.id = p.author_id
    WHERE po.id IS NULL AND r.created_at >= p.created_at
),
firsts AS (  -- who gave each case its first answer, and whether it was within the SLA
    SELECT c.id, arg_min(r.account, r.created_at) AS account, min(r.created_at) AS at,
           any_value(c.sla_due_at) AS due
    FROM cases c JOIN replies r
      ON r.platform = c.platform AND r.root_id = c.root_id AND r.customer = c.author_id
     AND r.created_at >= c.opened_at
    GROUP BY ALL
),
closes AS (
    SELECT split_part(detail, 'answered by ', 2) AS account, count(*) AS closed
    FROM case_events WHERE action = 'closed' AND actor = 'ascolto' GROUP BY ALL
)
SELECT o.platform, o.id AS account, o.handle,
       (SELECT count(*) FROM replies r WHERE r.platform = o.platform AND r.account = o.id)
           AS replies,
       (SELECT quantile_cont(wait, 0.5) FROM replies r
         WHERE r.platform = o.platform AND r.account = o.id) AS reply_median_s,
       (SELECT count(*) FROM firsts f WHERE f.account = o.id AND f.due IS NOT NULL)
           AS sla_measured,
       (SELECT count(*) FROM firsts f WHERE f.account = o.id AND f.at <= f.due) AS sla_met,
       coalesce((SELECT closed FROM closes k WHERE k.account = o.id), 0) AS cases_closed
FROM owned o ORDER BY replies DESC, account
"""


def team(con: duckdb.DuckDBPyConnection) -> dict[str, list[dict[str, Any]]]:
    """Per owned account: replies to customers, median reply time, SLA met (first answers
    within the case's SLA), cases its replies closed. Per person: cases assigned and closed."""
    accounts = records(con, _TEAM)
    for a in accounts:
        measured = a["sla_measured"]
        a["sla_met_rate"] = round(a["sla_met"] / measured, 4) if measured else None
    people = records(
        con,
        """
        WITH assigned AS (
            SELECT assignee AS person, count(*) FILTER (WHERE status <> 'closed') AS open_cases,
                   count(*) AS assigned
            FROM cases WHERE assignee IS NOT NULL GROUP BY ALL
        ), closed AS (
            SELECT actor AS person, count(*) AS closed FROM case_events
            WHERE action = 'closed' AND actor <> 'ascolto' GROUP BY ALL
        )
        SELECT person, coalesce(a.assigned, 0) AS assigned, coalesce(a.open_cases, 0)
               AS open_cases, coalesce(c.closed, 0) AS closed
        FROM assigned a FULL OUTER JOIN closed c USING (person) ORDER BY person
        """,
    )
    return {"accounts": accounts, "people": people}
