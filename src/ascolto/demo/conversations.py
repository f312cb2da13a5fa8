"""Everyday activity: the brand's posts, what people ask and say, and how the brand answers.

The response gap is planted here: the brand answers purchase questions within minutes and
almost always, information requests and complaints after many hours and half the time, ideas
after days and rarely (``POLICY``). Every user message that expects an answer is marked
``to_brand`` so the ground truth can measure the gap exactly as it was generated.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ascolto.demo import clock, texts
from ascolto.demo.brand import CHRISTMAS_LAUNCH, COLD_BREW_LAUNCH, END, SITE
from ascolto.demo.factory import Factory
from ascolto.demo.model import Person, Post, World
from ascolto.demo.people import Population


@dataclass(frozen=True, slots=True)
class Policy:
    """How the brand treats messages of one intent: answer rate and delay (log-normal)."""

    answer_rate: float
    median_minutes: float
    sigma: float
    #: Local hours and weekdays (Monday first) the answering team works; answers that fall
    #: outside wait for the next opening.
    hours: tuple[int, int] = (9, 18)
    days: int = 5


#: Sales questions go to the e-commerce team (every day, 7 to 23); everything else waits for
#: the social team's office hours and its backlog.
POLICY: dict[str, Policy] = {
    "purchase": Policy(0.93, 9.0, 0.7, hours=(7, 23), days=7),
    "question": Policy(0.45, 16 * 60.0, 0.8),
    "complaint": Policy(0.50, 24 * 60.0, 0.7),
    "idea": Policy(0.12, 60 * 60.0, 0.6),
    "praise": Policy(0.35, 5 * 60.0, 0.9),
}

#: Intent mix of comments on the brand's posts and of direct mentions, per platform.
COMMENT_MIX: dict[str, dict[str, float]] = {
    "x": {
        "praise": 28,
        "question": 18,
        "purchase": 18,
        "chatter": 18,
        "complaint": 9,
        "idea": 5,
        "spam": 4,
    },
    "facebook": {
        "praise": 26,
        "purchase": 20,
        "question": 18,
        "complaint": 13,
        "chatter": 12,
        "idea": 7,
        "spam": 4,
    },
    "instagram": {
        "praise": 42,
        "purchase": 20,
        "question": 14,
        "chatter": 12,
        "complaint": 5,
        "idea": 4,
        "spam": 3,
    },
    "youtube": {
        "praise": 32,
        "question": 20,
        "chatter": 20,
        "purchase": 10,
        "complaint": 8,
        "idea": 6,
        "spam": 4,
    },
    "wordpress": {
        "question": 30,
        "praise": 25,
        "idea": 15,
        "purchase": 12,
        "complaint": 10,
        "chatter": 8,
    },
}
MENTION_MIX = {
    "question": 22,
    "complaint": 22,
    "purchase": 20,
    "praise": 17,
    "idea": 10,
    "spam": 4,
    "chatter": 5,
}


@dataclass(frozen=True, slots=True)
class Volumes:
    """How much everyday activity to generate (the phenomena add their own)."""

    brand_posts: dict[str, int]
    comments_per_post: dict[str, float]
    x_mentions: int = 520
    x_retweets_per_post: float = 3.0
    hub_posts: int = 9


DEFAULT_VOLUMES = Volumes(
    brand_posts={"x": 95, "facebook": 58, "instagram": 66, "youtube": 12, "wordpress": 16},
    comments_per_post={
        "x": 3.0,
        "facebook": 11.0,
        "instagram": 6.5,
        "youtube": 22.0,
        "wordpress": 8.0,
    },
)

_VIDEO_TITLES = (
    "Come si prepara la moka perfetta | Caffè Aurora",
    "Dentro la torrefazione Aurora di Verona",
    "Aurora Cold Brew: la ricetta dell'estrazione a freddo",
    "Espresso a casa: 5 errori da evitare",
    "Tiramisù classico con Aurora Intenso",
    "Capsule compostabili: come smaltirle",
    "Il nostro caffè dal Brasile: il viaggio del chicco",
    "Affogato al caffè in 2 minuti",
    "Latte art per principianti",
    "Caffè shakerato come al bar",
    "Intervista al nostro mastro tostatore",
    "Natale con Aurora: biscotti al caffè",
)
_BLOG_TITLES = (
    "Moka o espresso? Guida alla scelta",
    "Le capsule compostabili: come funzionano",
    "Cold Brew: cos'è e come si beve",
    "Dal Brasile a Verona: la nostra filiera",
    "Cinque ricette dolci con il caffè",
    "Decaffeinato: tutto quello che volete sapere",
    "Come conservare il caffè macinato",
    "La storia di Caffè Aurora, dal 1962",
    "Macinatura: fine, media o grossa?",
    "Caffè e sport: quando berlo",
    "Il nostro impegno per il riciclo",
    "Latte art: i primi passi",
    "I caffè regionali d'Italia",
    "Natale Aurora: l'edizione limitata",
    "Caffè e salute: miti da sfatare",
    "Le risposte alle vostre domande più frequenti",
)


class Conversations:
    """Generates the background activity of every platform into a ``World``."""

    def __init__(
        self, world: World, pop: Population, make: Factory, volumes: Volumes = DEFAULT_VOLUMES
    ) -> None:
        self.world = world
        self.rng: random.Random = world.rng
        self.pop = pop
        self.make = make
        self.volumes = volumes
        self.brand_posts: dict[str, list[Post]] = {}

    def run(self) -> None:
        for platform, n in self.volumes.brand_posts.items():
            self.brand_posts[platform] = self._brand_posts(platform, n)
        for platform, posts in self.brand_posts.items():
            per_post = self.volumes.comments_per_post[platform]
            for post in posts:
                self.comments_on(post, self.poisson(per_post))
        for post in self.brand_posts["x"]:
            self.retweets_of(post, self.poisson(self.volumes.x_retweets_per_post))
        self._mentions(self.volumes.x_mentions)

    def _brand_posts(self, platform: str, n: int) -> list[Post]:
        """``n`` brand posts spread over the period in office hours, launches included."""
        posts = []
        step = len(clock.ALL_DAYS) / n
        launches = [
            (COLD_BREW_LAUNCH, texts.fill(self.rng, texts.COLD_BREW_POST)),
            (CHRISTMAS_LAUNCH, texts.CHRISTMAS_POST),
        ]
        for i in range(n):
            index = min(len(clock.ALL_DAYS) - 1, int((i + self.rng.random()) * step))
            when = clock.office_instant(self.rng, clock.ALL_DAYS[index])
            text, title = texts.brand_post_text(self.rng), None
            if launches and when > launches[0][0]:
                when, text = launches.pop(0)
            if platform == "youtube":
                title = _VIDEO_TITLES[i % len(_VIDEO_TITLES)]
                text = f"{title}. Iscriviti al canale e scopri di più su {SITE} ☕"
            elif platform == "wordpress":
                title = _BLOG_TITLES[i % len(_BLOG_TITLES)]
                text = _blog_body(self.rng, title)
            posts.append(
                self.announce(platform, when, text, title=title, likes=self._likes(platform))
            )
        return posts

    def announce(self, platform: str, when: datetime, text: str, **labels: Any) -> Post:
        """An announcement by the brand's own account on ``platform``."""
        return self.make.post(self.pop.brand[platform], when, text, intent="announcement", **labels)

    def comments_on(self, post: Post, n: int) -> list[Post]:
        """``n`` user comments (X: replies) on ``post``, each maybe answered by the brand."""
        out = []
        mix = COMMENT_MIX[post.platform]
        for _ in range(n):
            when = post.created_at + clock.lognormal_delay(self.rng, 150, 1.4)
            if when >= END:
                continue
            author = self.pop.pick(post.platform)
            intent = self._choose(mix)
            msg = self.user_message(post, author, when, intent)
            out.append(msg)
        return out

    def user_message(
        self, parent: Post | None, author: Person, when: datetime, intent: str
    ) -> Post:
        """A user's message with ``intent``: a reply to ``parent`` or a mention of the brand."""
        english = author.lang == "en" or self.rng.random() < 0.04
        text = texts.user_text(self.rng, intent, english)
        to_brand = intent in POLICY
        labels: dict[str, Any] = {
            "lang": "en" if english else "it",
            "to_brand": to_brand,
            "likes": self.poisson(1.2),
        }
        if parent is None:
            text = _mention(self.rng, text)
            msg = self.make.post(author, when, text, intent=intent, **labels)
        else:
            msg = self.make.reply(parent, author, when, text, intent=intent, **labels)
        if to_brand:
            self.answer(msg)
        elif self.rng.random() < 0.06:
            self._peer_reply(msg)
        return msg

    def answer(self, msg: Post) -> Post | None:
        """The brand's reply to ``msg`` following its intent's policy (or none)."""
        policy = POLICY[msg.intent]
        answered = self.rng.random() < policy.answer_rate
        reply = None
        if answered:
            when = msg.created_at + clock.lognormal_delay(
                self.rng, policy.median_minutes, policy.sigma
            )
            opens = clock.next_open(when, policy.hours, policy.days)
            if opens != when:
                when = opens + timedelta(seconds=self.rng.randrange(60, 5400))
            if when < END:
                brand = self.pop.brand[msg.platform]
                text = texts.answer_text(self.rng, msg.intent, msg.author.first_name, msg.text)
                reply = self.make.reply(msg, brand, when, text, intent="answer", lang="it")
        self._follow_up(msg, reply)
        if self.rng.random() < 0.05:
            self._peer_reply(msg)
        return reply

    def _follow_up(self, msg: Post, reply: Post | None) -> None:
        """Users thank the brand, or nudge it when nobody answered."""
        if reply is not None and self.rng.random() < 0.22:
            parent, intent, lang = reply, "praise", msg.lang
            when = reply.created_at + clock.lognormal_delay(self.rng, 40, 1.0)
        elif reply is None and msg.intent in ("question", "complaint") and self.rng.random() < 0.15:
            parent, intent, lang = msg, "complaint", "it"
            when = msg.created_at + timedelta(hours=self.rng.uniform(20, 80))
        else:
            return
        if when < END:
            text = texts.follow_up_text(self.rng, reply is not None)
            self.make.reply(parent, msg.author, when, text, intent=intent, lang=lang)

    def _peer_reply(self, msg: Post) -> None:
        when = msg.created_at + clock.lognormal_delay(self.rng, 90, 1.2)
        if when < END:
            self.make.reply(
                msg, self.pop.pick(msg.platform), when, texts.peer_text(self.rng), intent="chatter"
            )

    def retweets_of(
        self,
        post: Post,
        n: int,
        pool: list[Person] | None = None,
        median_minutes: float = 60.0,
        **labels: object,
    ) -> list[Post]:
        """Up to ``n`` retweets of ``post`` by ``pool`` (default: any X user), with ``labels``."""
        out = []
        for _ in range(n):
            when = post.created_at + clock.lognormal_delay(self.rng, median_minutes, 1.3)
            if when >= END:
                continue
            author = self.rng.choice(pool) if pool else self.pop.pick("x")
            out.append(self.make.share(post, author, when, **labels))
        return out

    def _mentions(self, n: int) -> None:
        """Tweets that address @CaffeAurora directly (questions, complaints, praise...)."""
        for _ in range(n):
            author = self.pop.pick("x")
            self.user_message(
                None, author, clock.random_instant(self.rng), self._choose(MENTION_MIX)
            )

    def _choose(self, mix: Mapping[str, float]) -> str:
        return self.rng.choices(list(mix), weights=list(mix.values()))[0]

    def poisson(self, mean: float) -> int:
        """A Poisson count: Knuth's exact method for small means, a normal one for large."""
        if mean > 30:
            return max(0, round(self.rng.gauss(mean, math.sqrt(mean))))
        limit, k, p = math.exp(-mean), 0, 1.0
        while True:
            p *= self.rng.random()
            if p <= limit:
                return k
            k += 1

    def _likes(self, platform: str) -> int:
        base = {"x": 60, "facebook": 240, "instagram": 900, "youtube": 150, "wordpress": 0}
        return round(base[platform] * self.rng.lognormvariate(0, 0.6))


def _mention(rng: random.Random, text: str) -> str:
    """Put the brand's handle where people put it: in front, or at the end."""
    if rng.random() < 0.6:
        return f"@CaffeAurora {text}"
    tag = " #CaffèAurora" if rng.random() < 0.3 else ""
    return f"{text} @CaffeAurora{tag}"


def _blog_body(rng: random.Random, title: str) -> str:
    paragraphs = (
        f"<p>{title}: ne parliamo oggi sul blog di Caffè Aurora.</p>",
        "<p>Ogni settimana riceviamo decine di domande su questo tema, e abbiamo deciso di "
        "raccogliere qui le risposte più utili.</p>",
        "<p>Come sempre, scriveteci nei commenti: leggiamo tutto!</p>",
    )
    return "\n".join(paragraphs[: 2 + rng.randrange(2)])
