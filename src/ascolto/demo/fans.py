"""A bought-follower batch on X: a few hundred accounts made in one hour, all alike.

Default profile image, no bio, no location, a first name + eight digits as username, a handful of
followers and tweets, and they all follow @CaffeAurora. They show up only as retweeters of
the brand's posts and as authors of one-word replies in the days after their creation.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from ascolto.demo.conversations import Conversations
from ascolto.demo.model import Person, Post
from ascolto.demo.people import FIRST, LAST

CREATED_FROM = datetime(2024, 10, 3, 2, 0, tzinfo=UTC)
CREATED_TO = CREATED_FROM + timedelta(hours=1)
BATCH = 320
_TRIVIAL = ("👍", "Bello!", "Top", "🔥🔥", "Bravi", "❤️", "Wow", "Super")


def plant_fans(conv: Conversations, size: int = BATCH) -> dict[str, Any]:
    """Create the batch and its trivial activity; returns the truth entry."""
    rng, make = conv.rng, conv.make
    brand = conv.pop.brand["x"]
    since, until = CREATED_FROM - timedelta(days=20), CREATED_TO + timedelta(days=9)
    targets = [p for p in conv.brand_posts["x"] if since <= p.created_at <= until]
    fans: list[Person] = []
    messages: list[Post] = []
    for _ in range(size):
        created = CREATED_FROM + timedelta(seconds=rng.randrange(3600))
        first, last = rng.choice(FIRST), rng.choice(LAST)
        fan = Person(
            platform="x",
            id=conv.world.ids.x_user(created),
            handle=f"{first[:7]}{rng.randrange(10_000_000, 99_999_999)}",
            name=f"{first} {last}",
            created_at=created,
            followers=rng.randrange(0, 4),
            following=rng.randrange(1, 9),
            posts_count=rng.randrange(0, 3),
            description="",
            default_profile=True,
            role="fan",
        )
        fans.append(fan)
        original = rng.choice(targets)
        when = max(created, original.created_at) + timedelta(minutes=rng.randrange(5, 60 * 72))
        messages.append(make.share(original, fan, when, tag="fans"))
        if rng.random() < 0.25:
            later = when + timedelta(minutes=rng.randrange(1, 600))
            messages.append(
                make.reply(original, fan, later, rng.choice(_TRIVIAL), intent="chatter", tag="fans")
            )
    return {
        "description": "Bought followers: accounts created within one hour with default "
        "profiles and near-zero activity, all following the brand; they only "
        "retweet the brand and post one-word replies.",
        "platform": "x",
        "follows": f"x:{brand.handle}",
        "created_from": CREATED_FROM.isoformat(),
        "created_to": CREATED_TO.isoformat(),
        "size": len(fans),
        "profile": {
            "default_profile_image": True,
            "description": "",
            "followers_max": 3,
            "following_max": 8,
            "tweet_count_max": 2,
            "username_pattern": "first name (up to 7 letters) + 8 digits",
        },
        "author_ids": [f.id for f in fans],
        "handles": [f.handle for f in fans],
        "message_ids": [m.id for m in messages],
    }
