"""The demo's world before it is written out: people, posts and the labels only the truth knows.

The generator builds these platform-neutral records; one writer per platform turns them into
that platform's export files. Labels (intent, toxicity, phenomenon tags) never reach the files:
they go to the ground truth.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime

from ascolto.demo.ids import IdMaker

_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,30})")
_URL = re.compile(r"https?://\S+|\b(?:\w+\.)?caffeaurora\.it/\S*")


@dataclass(slots=True, eq=False)
class Person:
    """An account on one platform."""

    platform: str
    id: str
    handle: str
    name: str
    created_at: datetime
    followers: int = 0
    following: int = 0
    posts_count: int = 0
    description: str = ""
    location: str = ""
    verified: bool = False
    default_profile: bool = False
    owned: bool = False
    #: user, brand, hub, fan (bought), ring (contest), flamer, journalist
    role: str = "user"
    community: str | None = None
    email: str = ""
    lang: str = "it"

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else self.handle


@dataclass(slots=True, eq=False)
class Post:
    """A message: post, comment, reply, share or quote, with its true labels."""

    platform: str
    id: str
    author: Person
    created_at: datetime
    text: str
    kind: str = "post"
    parent: Post | None = None
    quoted: Post | None = None
    shared: Post | None = None
    title: str | None = None
    lang: str = "it"
    #: question, complaint, idea, purchase, praise, spam, chatter, answer, announcement, vote
    intent: str = "chatter"
    topic: str | None = None
    toxic: bool = False
    #: Addressed to the brand and expecting an answer: counted in the response gap.
    to_brand: bool = False
    #: Phenomena this message belongs to (flame, fans, contest, viral, influencer).
    tags: list[str] = field(default_factory=list)
    likes: int = 0
    views: int | None = None
    extra_shares: int = 0
    children: list[Post] = field(default_factory=list)
    quoted_by: list[Post] = field(default_factory=list)
    shared_by: list[Post] = field(default_factory=list)

    @property
    def root(self) -> Post:
        node = self
        while node.parent is not None:
            node = node.parent
        return node

    def descendants(self) -> list[Post]:
        """Every reply below this message, depth first."""
        out = []
        for child in self.children:
            out.append(child)
            out.extend(child.descendants())
        return out

    def spans(self, kind: str) -> list[tuple[int, int, str]]:
        """``(start, end, value)`` of hashtags, mentions or urls in the text (code points)."""
        pattern = {"hashtag": _HASHTAG, "mention": _MENTION, "url": _URL}[kind]
        return [
            (m.start(), m.end(), m.group(1) if m.groups() else m.group(0))
            for m in pattern.finditer(self.text)
        ]


@dataclass(slots=True)
class World:
    """Every message generated, in creation order, with the shared random source and id maker."""

    rng: random.Random
    ids: IdMaker
    posts: list[Post] = field(default_factory=list)
    #: Phenomenon name -> what the ground truth says about it.
    truth: dict[str, dict[str, object]] = field(default_factory=dict)

    def add(self, post: Post) -> Post:
        self.posts.append(post)
        if post.parent is not None:
            post.parent.children.append(post)
        if post.quoted is not None:
            post.quoted.quoted_by.append(post)
        if post.shared is not None:
            post.shared.shared_by.append(post)
        return post
