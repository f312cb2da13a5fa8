"""The influencer network on X: hubs that talk about the brand and communities around them.

Each hub posts about coffee and tags @CaffeAurora; members of its community reply to it,
retweet it and talk among themselves, rarely across communities. The brand answers hubs fast
and retweets them. The ground truth lists hubs, communities and the members who took part.
"""

from __future__ import annotations

import statistics
from typing import Any

from ascolto.demo import clock, texts
from ascolto.demo.brand import END
from ascolto.demo.conversations import Conversations
from ascolto.demo.model import Person, Post
from ascolto.demo.people import COMMUNITIES

#: Share of a community's replies and retweets that come from outside it.
CROSS_COMMUNITY = 0.08


def plant_network(conv: Conversations) -> dict[str, Any]:
    """Hub posts with their community's replies and retweets; returns the truth entry."""
    rng, pop, make = conv.rng, conv.pop, conv.make
    brand = pop.brand["x"]
    active: dict[str, set[str]] = {c: set() for c in COMMUNITIES}
    hub_posts: list[Post] = []
    delays: list[float] = []
    for hub in pop.hubs:
        for _ in range(conv.volumes.hub_posts):
            when = clock.random_instant(rng)
            post = make.post(
                hub,
                when,
                texts.hub_text(rng),
                intent="chatter",
                tag="influencer",
                likes=round(hub.followers * 0.004 * rng.lognormvariate(0, 0.5)),
            )
            hub_posts.append(post)
            replies: list[Post] = []
            for _ in range(conv.poisson(4.0)):
                member = _someone(conv, hub.community)
                parent = rng.choice(replies) if replies and rng.random() < 0.2 else post
                at = parent.created_at + clock.lognormal_delay(rng, 45, 1.1)
                if at < END:
                    replies.append(
                        make.reply(
                            parent,
                            member,
                            at,
                            texts.community_text(rng),
                            intent="chatter",
                            tag="influencer",
                        )
                    )
                    _note(active, member)
            pool = [_someone(conv, hub.community) for _ in range(conv.poisson(5.0))]
            for share in conv.retweets_of(
                post, len(pool), pool=pool, median_minutes=50, tag="influencer"
            ):
                _note(active, share.author)
            if rng.random() < 0.8:
                at = when + clock.lognormal_delay(rng, 15, 0.6)
                if at < END:
                    make.reply(
                        post,
                        brand,
                        at,
                        texts.answer_text(rng, "praise", hub.first_name),
                        intent="answer",
                        tag="influencer",
                    )
                    delays.append((at - when).total_seconds() / 60)
            if rng.random() < 0.4:
                conv.retweets_of(post, 1, pool=[brand], median_minutes=30)
    return {
        "description": "Influencer hubs on X, each at the centre of an interest community; "
        "members reply to and retweet their hub, rarely other communities "
        f"(about {CROSS_COMMUNITY:.0%} of interactions).",
        "platform": "x",
        "hubs": [
            {
                "id": h.id,
                "handle": h.handle,
                "name": h.name,
                "followers": h.followers,
                "community": h.community,
            }
            for h in pop.hubs
        ],
        "communities": {
            c: {
                "hub_ids": [h.id for h in pop.hubs if h.community == c],
                "member_ids": sorted(active[c]),
            }
            for c in COMMUNITIES
        },
        "hub_post_ids": [p.id for p in hub_posts],
        "brand_reply_median_minutes_to_hubs": (
            round(statistics.median(delays), 2) if delays else None
        ),
    }


def _someone(conv: Conversations, community: str | None) -> Person:
    if community is None or conv.rng.random() < CROSS_COMMUNITY:
        return conv.pop.pick("x")
    return conv.pop.member(community)


def _note(active: dict[str, set[str]], person: Person) -> None:
    if person.community is not None and person.role == "user":
        active[person.community].add(person.id)
