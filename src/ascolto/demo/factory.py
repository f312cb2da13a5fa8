"""Making posts with the right id, kind and thread shape for their platform.

X threads nest without limit; Facebook, Instagram and YouTube keep two levels (a reply to a
reply hangs under the top-level comment); WordPress comments nest like X.
"""

from __future__ import annotations

from datetime import datetime

from ascolto.demo.brand import ACCOUNTS
from ascolto.demo.model import Person, Post, World

_FLAT_THREADS = ("facebook", "instagram", "youtube")


class Factory:
    """Creates posts in a ``World`` and gives each the id its platform would."""

    def __init__(self, world: World) -> None:
        self.world = world

    def post(
        self,
        author: Person,
        when: datetime,
        text: str,
        *,
        title: str | None = None,
        intent: str = "chatter",
        **labels: object,
    ) -> Post:
        """A top-level post (tweet, page post, media, video, blog article)."""
        platform = author.platform
        post = Post(
            platform=platform,
            id=self._post_id(platform, when),
            author=author,
            created_at=when,
            text=text,
            kind="post",
            title=title,
            intent=intent,
        )
        return self._add(post, labels)

    def reply(
        self,
        parent: Post,
        author: Person,
        when: datetime,
        text: str,
        *,
        intent: str = "chatter",
        **labels: object,
    ) -> Post:
        """A comment on a post or a reply to a comment, shaped by the platform."""
        platform = parent.platform
        if platform in _FLAT_THREADS:
            while parent.parent is not None and parent.parent.parent is not None:
                parent = parent.parent
        if platform == "x" and parent.author is not author:
            text = f"@{parent.author.handle} {text}"
        kind = "comment" if parent.parent is None and platform != "x" else "reply"
        post = Post(
            platform=platform,
            id=self._reply_id(platform, when, parent),
            author=author,
            created_at=when,
            text=text,
            kind=kind,
            parent=parent,
            intent=intent,
        )
        return self._add(post, labels)

    def share(self, original: Post, author: Person, when: datetime, **labels: object) -> Post:
        """An X retweet: text ``RT @handle: ...`` cut like the API cuts it."""
        body = original.text if len(original.text) <= 116 else original.text[:115] + "…"
        post = Post(
            platform="x",
            id=self.world.ids.snowflake(when),
            author=author,
            created_at=when,
            text=f"RT @{original.author.handle}: {body}",
            kind="share",
            shared=original,
            intent="share",
            lang=original.lang,
        )
        return self._add(post, labels)

    def quote(
        self,
        original: Post,
        author: Person,
        when: datetime,
        text: str,
        *,
        intent: str = "chatter",
        **labels: object,
    ) -> Post:
        """An X quote tweet with its own text."""
        post = Post(
            platform="x",
            id=self.world.ids.snowflake(when),
            author=author,
            created_at=when,
            text=text,
            kind="quote",
            quoted=original,
            intent=intent,
        )
        return self._add(post, labels)

    def _add(self, post: Post, labels: dict[str, object]) -> Post:
        """Give ``post`` its true ``labels`` (``tag`` adds a phenomenon) and add it to the world."""
        for name, value in labels.items():
            if name == "tag":
                post.tags.append(str(value))
            else:
                setattr(post, name, value)
        return self.world.add(post)

    def _post_id(self, platform: str, when: datetime) -> str:
        ids = self.world.ids
        if platform == "x":
            return ids.snowflake(when)
        if platform == "facebook":
            return f"{ACCOUNTS['facebook'].id}_{ids.fb_number()}"
        if platform == "instagram":
            return ids.ig("17")
        if platform == "youtube":
            return ids.yt_video()
        return ids.wp()

    def _reply_id(self, platform: str, when: datetime, parent: Post) -> str:
        ids = self.world.ids
        if platform == "x":
            return ids.snowflake(when)
        if platform == "facebook":
            return f"{parent.root.id.split('_')[-1]}_{ids.fb_number()}"
        if platform == "instagram":
            return ids.ig("18")
        if platform == "youtube":
            return ids.yt_thread() if parent.parent is None else ids.yt_reply(parent.id)
        return ids.wp()
