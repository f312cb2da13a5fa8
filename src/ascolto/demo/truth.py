"""The ground truth of the demo corpus: what was planted, with exact ids, windows, parameters.

``ground_truth.json`` holds the brand's accounts, counts, and one entry per phenomenon;
``ground_truth_messages.jsonl`` holds one line per message with its true labels (intent,
language, toxicity, phenomena, and the brand's first answer when it expects one), so later
features (intent classifier, response times, detectors) can be scored against it.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from pathlib import Path
from typing import Any

from ascolto.demo.brand import ACCOUNTS, END, EXPORTED_AT, NAME, SITE, START, owner_specs
from ascolto.demo.conversations import POLICY
from ascolto.demo.model import Post, World

TRUTH_NAME = "ground_truth.json"
MESSAGES_NAME = "ground_truth_messages.jsonl"
VERSION = 1


def first_answer(post: Post) -> Post | None:
    """The brand's earliest direct reply to ``post``."""
    answers = [c for c in post.children if c.author.owned]
    return min(answers, key=lambda c: (c.created_at, c.id)) if answers else None


def response_gap(posts: list[Post]) -> dict[str, Any]:
    """Answer rate and median first-response time by intent, as generated."""
    asked = [p for p in posts if p.to_brand]
    by_intent: dict[str, Any] = {}
    by_platform: dict[str, dict[str, Any]] = {}
    for intent in POLICY:
        group = [p for p in asked if p.intent == intent]
        by_intent[intent] = _gap_stats(group)
        for platform in ACCOUNTS:
            sub = [p for p in group if p.platform == platform]
            if sub:
                by_platform.setdefault(platform, {})[intent] = _gap_stats(sub)
    return {
        "description": "The brand answers purchase questions fast and almost always, and "
        "information requests, complaints and ideas slowly or not at all. "
        "Population: messages addressed to the brand (to_brand in "
        f"{MESSAGES_NAME}); response = the brand's first direct reply.",
        "policy": {
            k: {
                "answer_rate": v.answer_rate,
                "median_minutes": v.median_minutes,
                "sigma": v.sigma,
                "team_hours_local": list(v.hours),
                "team_days_per_week": v.days,
            }
            for k, v in POLICY.items()
        },
        "observed": by_intent,
        "observed_by_platform": by_platform,
    }


def _gap_stats(group: list[Post]) -> dict[str, Any]:
    delays = []
    for p in group:
        answer = first_answer(p)
        if answer is not None:
            delays.append((answer.created_at - p.created_at).total_seconds() / 60)
    return {
        "messages": len(group),
        "answered": len(delays),
        "answer_rate": round(len(delays) / len(group), 4) if group else None,
        "median_first_response_minutes": round(statistics.median(delays), 2) if delays else None,
    }


def build(world: World, seed: int, files: dict[str, list[str]]) -> dict[str, Any]:
    posts = world.posts
    messages = Counter(p.platform for p in posts)
    kinds: dict[str, Counter[str]] = {}
    authors: dict[str, set[str]] = {}
    owner_replies: Counter[str] = Counter()
    for p in posts:
        kinds.setdefault(p.platform, Counter())[p.kind] += 1
        authors.setdefault(p.platform, set()).add(p.author.id)
        if p.author.owned and p.parent is not None:
            owner_replies[p.platform] += 1
    return {
        "generator": {
            "name": "ascolto demo",
            "version": VERSION,
            "seed": seed,
            "start": START.isoformat(),
            "end": END.isoformat(),
            "exported_at": EXPORTED_AT.isoformat(),
        },
        "brand": {"name": NAME, "site": SITE},
        "id_conventions": (
            "Ids are as written in the files. ascolto's importers keep them, except: "
            "Instagram authors are keyed by lower-cased username (the files also carry "
            "from.id), and WordPress posts and comments become 'blog.caffeaurora.it/post-ID' "
            "and 'blog.caffeaurora.it/comment-ID'."
        ),
        "owned_accounts": {
            p: {"id": a.id, "handle": a.handle, "name": a.name, "owner_spec": a.owner_spec}
            for p, a in ACCOUNTS.items()
        },
        "owners": owner_specs(),
        "counts": {
            "messages": dict(sorted(messages.items())),
            "total": len(posts),
            "kinds": {p: dict(sorted(c.items())) for p, c in sorted(kinds.items())},
            "authors": {p: len(a) for p, a in sorted(authors.items())},
            "owner_replies": dict(sorted(owner_replies.items())),
            "intents": dict(sorted(Counter(p.intent for p in posts).items())),
        },
        "files": files,
        "phenomena": {"response_gap": response_gap(posts), **world.truth},
    }


def message_rows(posts: list[Post]) -> list[dict[str, Any]]:
    """One row of true labels per message, in file order (time, then id)."""
    rows = []
    for p in sorted(posts, key=lambda p: (p.platform, p.created_at, p.id)):
        row: dict[str, Any] = {
            "platform": p.platform,
            "id": p.id,
            "kind": p.kind,
            "author": p.author.id,
            "author_handle": p.author.handle,
            "owned": p.author.owned,
            "intent": p.intent,
            "lang": p.lang,
            "toxic": p.toxic,
            "to_brand": p.to_brand,
            "tags": p.tags,
        }
        if p.topic:
            row["topic"] = p.topic
        if p.to_brand:
            answer = first_answer(p)
            row["owner_reply_id"] = answer.id if answer else None
            row["first_response_seconds"] = (
                int((answer.created_at - p.created_at).total_seconds()) if answer else None
            )
        rows.append(row)
    return rows


def write(world: World, seed: int, directory: Path, files: dict[str, list[str]]) -> Path:
    """Write both truth files into ``directory``; returns the JSON one."""
    truth = build(world, seed, files)
    path = directory / TRUTH_NAME
    path.write_text(
        json.dumps(truth, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    lines = (json.dumps(r, ensure_ascii=False, sort_keys=True) for r in message_rows(world.posts))
    (directory / MESSAGES_NAME).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
