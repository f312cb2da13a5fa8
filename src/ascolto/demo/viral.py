"""A post that goes viral: the brand's Christmas video on X and its fast-growing cascade.

Arrival times follow a logistic curve (slow start, explosive middle, saturation in about a
day); each newcomer is reached "via" an earlier participant chosen by reach and recency, so
the cascade is a tree whose shape the ground truth records. Three hubs pick it up early.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Any

from ascolto.demo import texts
from ascolto.demo.conversations import Conversations
from ascolto.demo.model import Post

POSTED = datetime(2024, 12, 5, 9, 30, tzinfo=UTC)
SIZE = 640
GROWTH_PER_HOUR = 0.42
MIDPOINT_HOURS = 11.0
HORIZON_HOURS = 72.0
CHECKPOINTS = (1, 3, 6, 12, 24, 48, 72)
VIDEO_TEXT = (
    "Nonna Pina, la moka e il Natale 🎄 Il nostro regalo per voi: guardatelo fino "
    "alla fine ❤️ #AuroraNatale https://caffeaurora.it/natale"
)
_REPLIES = (
    "ho pianto 😭",
    "la nonna è tutti noi ❤️",
    "questo sì che è uno spot!",
    "mia nonna faceva esattamente così",
    "chi sta tagliando le cipolle qui? 🥲",
    "bellissimo, complimenti",
    "altro che lo spot di novembre 👏",
    "mandato a tutta la famiglia",
    "il finale 😭😭",
    "Nonna Pina presidente",
    "che emozione",
    "so beautiful ❤️",
    "brividi",
    "finalmente uno spot fatto bene",
    "💔❤️🎄",
)
_QUOTES = (
    "Ecco come si fa uno spot. Imparate 👏",
    "Piango ogni volta che lo guardo 🥹",
    "Il video più bello di questo Natale",
    "Guardatelo fino alla fine, fidatevi",
    "Mia nonna uguale identica ❤️",
    "Questo sì. Bravi @CaffeAurora",
)


def plant_viral(conv: Conversations) -> dict[str, Any]:
    """The video tweet and its cascade of retweets, quotes and replies; the truth entry."""
    rng, make, pop = conv.rng, conv.make, conv.pop
    root = conv.announce("x", POSTED, VIDEO_TEXT, tag="viral")
    # Every participant with its arrival (hours after posting), the root first.
    nodes: list[tuple[Post, float]] = [(root, 0.0)]
    # Every message of the cascade with the one it came through.
    links: list[tuple[Post, Post]] = []
    replies: list[Post] = []
    early_hubs = list(zip((1.2, 2.1, 3.4), rng.sample(pop.hubs, 3), strict=True))
    for hours in _arrivals(conv):
        if early_hubs and early_hubs[0][0] <= hours:
            who = early_hubs.pop(0)[1]
        elif rng.random() < 0.55:
            who = pop.new_user("x")
        else:
            who = pop.pick("x")
        via = _via(conv, nodes, hours)
        when = (POSTED + timedelta(hours=hours)).replace(microsecond=0)
        roll = rng.random()
        if who.role == "hub" or roll < 0.12:
            msg = make.quote(
                root,
                who,
                when,
                texts.roughen(rng, rng.choice(_QUOTES)),
                intent="praise",
                tag="viral",
                likes=conv.poisson(8.0 if who.role != "hub" else 900.0),
            )
        elif roll < 0.38:
            parent = (
                via
                if via.kind == "reply"
                else (rng.choice(replies) if replies and rng.random() < 0.3 else root)
            )
            msg = make.reply(
                parent,
                who,
                when,
                texts.roughen(rng, rng.choice(_REPLIES)),
                intent="praise",
                tag="viral",
                likes=conv.poisson(2.0),
            )
            replies.append(msg)
        else:
            msg = make.share(root, who, when, tag="viral")
        nodes.append((msg, hours))
        links.append((msg, via))
    shares = len(root.shared_by)
    root.likes = shares * 5 + rng.randrange(200)
    root.views = 1_200_000 + rng.randrange(200_000)
    root.extra_shares = round(shares * 0.15)  # retweets by accounts outside the collection
    return {
        "description": "A post going viral: the cascade of retweets, quotes and replies of one "
        "post grows logistically, fast in its first half-day.",
        "platform": "x",
        "root_id": root.id,
        "posted": POSTED.isoformat(),
        "model": {
            "kind": "logistic",
            "size": SIZE,
            "growth_per_hour": GROWTH_PER_HOUR,
            "midpoint_hours": MIDPOINT_HOURS,
            "horizon_hours": HORIZON_HOURS,
        },
        "size": len(links),
        "by_kind": {
            k: sum(1 for m, _ in links if m.kind == k) for k in ("share", "quote", "reply")
        },
        "cumulative": {
            f"{h}h": sum(1 for m, _ in links if m.created_at <= POSTED + timedelta(hours=h))
            for h in CHECKPOINTS
        },
        "early_hub_ids": [m.author.id for m, _ in links if m.author.role == "hub"],
        "nodes": [
            {
                "id": m.id,
                "kind": m.kind,
                "created_at": m.created_at.isoformat(),
                "author_id": m.author.id,
                "via": via.id,
            }
            for m, via in links
        ],
    }


def _arrivals(conv: Conversations) -> list[float]:
    """SIZE arrival times (hours after posting) drawn from the logistic curve."""

    def cdf(t: float) -> float:
        return 1 / (1 + math.exp(-GROWTH_PER_HOUR * (t - MIDPOINT_HOURS)))

    low, high = cdf(0.05), cdf(HORIZON_HOURS)
    out = []
    for _ in range(SIZE):
        u = low + (high - low) * conv.rng.random()
        out.append(MIDPOINT_HOURS + math.log(u / (1 - u)) / GROWTH_PER_HOUR)
    return sorted(out)


def _via(conv: Conversations, nodes: list[tuple[Post, float]], hours: float) -> Post:
    """Who passed the post on: the root or one of the latest 200, weighted by reach (followers)
    and recency."""
    recent = [nodes[0], *nodes[1:][-200:]]
    weights = [max(p.author.followers, 10) ** 0.6 * math.exp(-(hours - t) / 6.0) for p, t in recent]
    return conv.rng.choices(recent, weights=weights)[0][0]
