"""The #AuroraContest photo contest on Instagram, and the ring that rigs it.

People vote by commenting ``Voto #N`` on the contest post. Genuine votes are spread over three
weeks, worded every which way, and split over the twelve entries. A ring of accounts votes
for entry #7 in waves: nearly all members within a few minutes, with the same sentence, again
and again, like piloted televoting.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ascolto.demo import clock, texts
from ascolto.demo.conversations import Conversations
from ascolto.demo.model import Post

OPENS = datetime(2024, 10, 21, 9, 0, tzinfo=UTC)
CLOSES = datetime(2024, 11, 10, 23, 0, tzinfo=UTC)
ENTRIES = 12
RIGGED_ENTRY = 7
RING_SIZE = 32
WAVES = 9
WAVE_SECONDS = 240
GENUINE_VOTES = 240
#: Genuine popularity of the entries 1..12 (the rigged one is middling without the ring).
_POPULARITY = (4, 6, 14, 5, 11, 3, 6, 4, 13, 5, 7, 3)
_GENUINE = (
    "Voto #{n}!",
    "voto #{n} 😍",
    "#{n} tutta la vita",
    "Voto la numero {n}",
    "il {n} è il più bello, voto #{n}",
    "Voto #{n} per il contest #AuroraContest",
    "#{n}!!! ❤️",
    "voto {n}",
    "Io voto la foto {n} 📸",
    "vote #{n} ❤️",
    "la {n} senza dubbio",
    "voto #{n}, bellissima colazione",
)
_RING = "Voto #{n} per il contest #AuroraContest"
_RING_ENDINGS = ("", "", "", " 🔥", "!!", " 💪", "!", " ☕")
CONTEST_TEXT = (
    '🏆 #AuroraContest "La mia pausa Aurora": le 12 foto finaliste sono nelle '
    'storie! Votate la vostra preferita commentando "Voto #N" entro il 10 novembre. '
    "In palio un anno di caffè ☕"
)


def plant_contest(conv: Conversations) -> dict[str, Any]:
    """The contest post, genuine votes and the ring's waves; returns the truth entry."""
    rng, make, pop = conv.rng, conv.make, conv.pop
    post = conv.announce("instagram", OPENS, CONTEST_TEXT, tag="contest", likes=2400)
    conv.comments_on(post, 12)
    genuine: list[Post] = []
    counts = {str(n): 0 for n in range(1, ENTRIES + 1)}
    span = (CLOSES - OPENS).total_seconds()
    for _ in range(GENUINE_VOTES):
        # More votes right after launch, fewer later: a quadratic fall-off.
        offset = span * (1 - (1 - rng.random()) ** 0.5) ** 1.6
        day = (OPENS + timedelta(seconds=offset)).date()
        when = max(OPENS + timedelta(minutes=5), min(CLOSES, clock.instant(rng, day)))
        n = rng.choices(range(1, ENTRIES + 1), weights=_POPULARITY)[0]
        voter = pop.pick("instagram") if rng.random() < 0.85 else pop.new_user("instagram")
        text = texts.roughen(rng, rng.choice(_GENUINE).format(n=n))
        genuine.append(make.reply(post, voter, when, text, intent="vote", tag="contest_vote"))
        counts[str(n)] += 1
    ring = [pop.new_user("instagram", role="ring") for _ in range(RING_SIZE)]
    waves: list[dict[str, Any]] = []
    window = int(span) - 86400
    starts = sorted(OPENS + timedelta(hours=6, seconds=rng.randrange(window)) for _ in range(WAVES))
    for start in starts:
        votes: list[Post] = []
        for member in ring:
            if rng.random() < 0.12:
                continue  # somebody always misses a wave
            when = start + timedelta(seconds=rng.randrange(WAVE_SECONDS))
            text = _RING.format(n=RIGGED_ENTRY) + rng.choice(_RING_ENDINGS)
            if rng.random() < 0.15:
                text = text.lower()
            votes.append(make.reply(post, member, when, text, intent="vote", tag="contest_ring"))
        votes.sort(key=lambda v: v.created_at)
        waves.append(
            {
                "start": votes[0].created_at.isoformat(),
                "end": votes[-1].created_at.isoformat(),
                "message_ids": [v.id for v in votes],
            }
        )
    ring_votes = sum(len(w["message_ids"]) for w in waves)
    return {
        "description": "Coordinated contest voting: a ring of Instagram accounts comments the "
        "same vote for one entry within minutes, in repeated waves.",
        "platform": "instagram",
        "post_id": post.id,
        "hashtag": "AuroraContest",
        "opens": OPENS.isoformat(),
        "closes": CLOSES.isoformat(),
        "entries": ENTRIES,
        "rigged_entry": RIGGED_ENTRY,
        # ascolto keys Instagram authors by lower-cased username; the files also carry from.id.
        "ring_author_ids": [m.handle.lower() for m in ring],
        "ring_handles": [m.handle for m in ring],
        "ring_user_ids": [m.id for m in ring],
        "wave_seconds": WAVE_SECONDS,
        "waves": waves,
        "ring_votes": ring_votes,
        "genuine_votes_by_entry": counts,
        "genuine_vote_ids": [v.id for v in genuine],
        "rigged_total": counts[str(RIGGED_ENTRY)] + ring_votes,
    }
