"""The rest of the market: people on X talking about two competitors.

A listening stream tracks the category, not only the brand. Caffè Borea is the big rival: a
steady conversation, its own well-liked posts, and a wave of complaints after a price rise in
mid-November. Moka Stella is a challenger launched on 1 October whose conversation grows week
after week (an emerging topic). Some people compare them with Aurora. The share of voice and
the topic views read this; the truth records how many messages each one got.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ascolto.demo import texts
from ascolto.demo.brand import END, START
from ascolto.demo.conversations import Conversations
from ascolto.demo.model import Person


@dataclass(frozen=True, slots=True)
class Rival:
    key: str
    name: str
    handle: str
    followers: int
    #: the topic query the demo workspace saves for it
    query: str


RIVALS = (
    Rival("borea", "Caffè Borea", "CaffeBorea", 91_300, "borea OR @caffeborea OR #caffeborea"),
    Rival(
        "stella", "Moka Stella", "MokaStella", 12_800, '"moka stella" OR @mokastella OR #mokastella'
    ),
)
#: The demo brand's own topic, beside the rivals'.
BRAND_QUERY = "aurora OR @caffeaurora OR #caffeaurora OR #auroranatale"
PRICE_RISE = datetime(2024, 11, 14, 8, 0, tzinfo=UTC)
LAUNCH = datetime(2024, 10, 1, 9, 0, tzinfo=UTC)

_BOREA = (
    ("colazione con Caffè Borea e cornetto {e}", "chatter"),
    ("il Borea Intenso in grani per me resta il migliore", "praise"),
    ("le capsule Borea si trovano ovunque, comodissime", "praise"),
    ("passata a Caffè Borea dopo anni, devo dire non male {e}", "chatter"),
    ("Borea o Aurora per la moka? io sto con {choice}", "chatter"),
    ("@CaffeBorea dove trovo il Borea Deca a {city}?", "question"),
    ("al bar sotto casa hanno cambiato e ora usano Caffè Borea", "chatter"),
    ("Caffè Borea espresso beans, solid but a bit pricey", "chatter"),
)
_ENGLISH = {
    "Caffè Borea espresso beans, solid but a bit pricey",
    "tried Moka Stella today, smooth and not bitter",
}
_BOREA_PRICES = (
    ("@CaffeBorea il pacco da 1kg è passato da 14 a 17 euro, ma scherziamo? {angry}", "complaint"),
    ("Caffè Borea aumenta i prezzi ancora, io passo ad Aurora", "complaint"),
    ("#caffeborea +20% in un mese, vergognoso", "complaint"),
    ("anche voi avete visto il nuovo prezzo di Caffè Borea? assurdo", "complaint"),
)
_STELLA = (
    ("provata la nuova Moka Stella, crema pazzesca {e}", "praise"),
    ("#MokaStella la macinatura è perfetta per la moka", "praise"),
    ("@MokaStella quando arrivate nei supermercati di {city}?", "question"),
    ("Moka Stella vs Aurora Classica: test alla cieca stasera {e}", "chatter"),
    ("la confezione di Moka Stella è bellissima ma il caffè è un po' acido", "complaint"),
    ("finalmente Moka Stella anche a {city}!", "chatter"),
    ("tried Moka Stella today, smooth and not bitter", "praise"),
)
_RIVAL_POSTS = {
    "borea": (
        "Il nuovo Borea Intenso è arrivato: tostatura scura, gusto deciso ☕ #CaffeBorea",
        "Buongiorno Italia! Il caffè di oggi? Borea Classico, come sempre ☀️",
        "Vinci una fornitura di un anno di Caffè Borea: partecipa sul nostro sito #CaffeBorea",
    ),
    "stella": (
        "Moka Stella è arrivata ✨ Una miscela nata per la moka. #MokaStella",
        "Da oggi Moka Stella anche nei negozi di Milano e Torino #MokaStella",
        "La vostra prima Moka Stella? Raccontatecelo con #MokaStella ☕",
    ),
}


def plant_market(conv: Conversations) -> dict[str, Any]:
    """The competitors' accounts, their posts and what people say about them; truth entry."""
    rng, make, pop = conv.rng, conv.make, conv.pop
    counts: dict[str, int] = {}
    for rival in RIVALS:
        account = _account(conv, rival)
        made = 0
        first = LAUNCH if rival.key == "stella" else START
        # the rival's own posts: fewer than people's, more liked
        day = first + timedelta(hours=10)
        while day < END:
            post = make.post(
                account,
                day,
                rng.choice(_RIVAL_POSTS[rival.key]),
                intent="announcement",
                likes=int(rival.followers * rng.uniform(0.004, 0.02)),
                tag="market",
            )
            made += 1
            for _ in range(rng.randrange(0, 4)):
                when = day + timedelta(minutes=rng.randrange(5, 600))
                if when < END:
                    make.reply(post, pop.pick("x"), when, texts.fill(rng, "{e}"), tag="market")
                    made += 1
            day += timedelta(days=rng.choice((3, 4, 5)))
        for when in _times(conv, rival):
            if (
                rival.key == "borea"
                and PRICE_RISE <= when < PRICE_RISE + timedelta(days=12)
                and (rng.random() < 0.6)
            ):
                template, intent = rng.choice(_BOREA_PRICES)
            else:
                template, intent = rng.choice(_BOREA if rival.key == "borea" else _STELLA)
            choice = rng.choice(("Aurora", "Borea"))
            text = texts.roughen(rng, texts.fill(rng, template, choice=choice))
            make.post(
                pop.pick("x"),
                when,
                text,
                intent=intent,
                lang="en" if template in _ENGLISH else "it",
                likes=rng.randrange(0, 12),
                topic=rival.key,
                tag="market",
            )
            made += 1
        counts[rival.key] = made
    return {
        "description": "The category beyond the brand: Caffè Borea (steady, complaints after a "
        "price rise on 2024-11-14) and Moka Stella (launched 2024-10-01, growing), with "
        "their own accounts' posts; the demo saves a topic for each.",
        "messages": counts,
        "topics": {r.key: r.query for r in RIVALS},
        "price_rise": PRICE_RISE.isoformat(),
        "launch": LAUNCH.isoformat(),
    }


def _account(conv: Conversations, rival: Rival) -> Person:
    created = datetime(2016, 5, 3, 9, 0, tzinfo=UTC)
    return Person(
        platform="x",
        id=conv.world.ids.x_user(created),
        handle=rival.handle,
        name=rival.name,
        created_at=created,
        followers=rival.followers,
        following=310,
        posts_count=4200,
        description=f"{rival.name}, caffè italiano",
        verified=True,
        role="rival",
    )


def _times(conv: Conversations, rival: Rival) -> list[datetime]:
    """When people write about the rival: Borea about 4 a day (2.5 times that for 12 days
    after the price rise), Moka Stella from its launch, one every two days at first and
    growing about 25% a week."""
    rng, out = conv.rng, []
    day = START if rival.key == "borea" else LAUNCH
    while day < END:
        if rival.key == "borea":
            rate = 4.0 * (2.5 if PRICE_RISE <= day < PRICE_RISE + timedelta(days=12) else 1.0)
        else:
            rate = 0.5 * 1.25 ** ((day - LAUNCH).days / 7)
        for _ in range(_poisson(rng, rate)):
            out.append(day + timedelta(seconds=rng.randrange(7 * 3600, 23 * 3600)))
        day += timedelta(days=1)
    return sorted(t for t in out if t < END)


def _poisson(rng: Any, rate: float) -> int:
    """A Poisson draw by counting exponential gaps (small rates; ``random`` has none)."""
    n, total = 0, rng.expovariate(rate) if rate > 0 else 1.0
    while total < 1.0:
        n += 1
        total += rng.expovariate(rate)
    return n


def demo_topics() -> dict[str, dict[str, Any]]:
    """The topics the demo workspace saves: the brand's, and each rival's as a competitor."""
    topics: dict[str, dict[str, Any]] = {"aurora": {"query": BRAND_QUERY}}
    for rival in RIVALS:
        topics[rival.key] = {"query": rival.query, "competitor": True}
    return topics
