"""A flame: one day of anger about a sexist TV spot, on X and on the Facebook page.

The brand posts the spot in the evening; the next morning a journalist quotes it and the
burst starts: angry tweets with #BoicottaAurora, replies and quotes of the spot, retweets of
the journalist, replies to each other; most authors never wrote about the brand before. The
brand withdraws the spot in the afternoon and answers a few people.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from ascolto.demo import clock, texts
from ascolto.demo.conversations import Conversations
from ascolto.demo.model import Person, Post

AD_POSTED = datetime(2024, 11, 13, 18, 40, tzinfo=UTC)
IGNITION = datetime(2024, 11, 14, 7, 12, tzinfo=UTC)
WINDOW_END = datetime(2024, 11, 15, 6, 0, tzinfo=UTC)
STATEMENT = datetime(2024, 11, 14, 16, 45, tzinfo=UTC)
TOPIC = "spot 'Sveglia, casalinga!' giudicato sessista"
HASHTAGS = ("BoicottaAurora", "AuroraSessista")
X_MESSAGES = 310
FACEBOOK_MESSAGES = 125
NEW_AUTHOR_SHARE = 0.7

AD_TEXT = (
    'Il nuovo spot "Sveglia, casalinga!" 🎬 Perché la giornata di una brava mamma '
    "comincia preparando Aurora Intenso a tutta la famiglia ☕ #CaffèAurora"
)
JOURNALIST_TEXT = (
    "Nel 2024 una marca di caffè ci spiega che la donna si sveglia per servire "
    "il caffè alla famiglia. Complimenti @CaffeAurora 🤦‍♀️ #BoicottaAurora"
)
STATEMENT_TEXT = (
    'Abbiamo letto tutti i vostri messaggi. Lo spot "Sveglia, casalinga!" è '
    "stato un errore: lo abbiamo ritirato da tutti i canali. Ci scusiamo."
)
_ANGRY = (
    "vergognatevi {who}, spot maschilista e offensivo {tag}",
    "che schifo di pubblicità, nel 2024 ancora la donna in cucina?? {tag}",
    "mai più un vostro caffè in casa mia {tag} {angry}",
    "licenziate chi ha pensato questo spot {angry}",
    "siete rimasti al 1950 {who} {tag}",
    "boicottiamo tutti {who}, passate parola {tag}",
    "spot vomitevole. buttato il pacco di caffè che avevo in dispensa {tag}",
    "ma chi vi ha scritto lo spot, un troglodita? {angry}",
    "fate schifo, e lo dice una cliente da 20 anni {tag}",
    "disgustosi. altro che scuse {tag}",
    "siete dei cavernicoli {who} {angry}{angry}",
    "idioti. il caffè se lo fa chi lo beve {tag}",
    "ritirate subito quello spot ridicolo {tag}",
    "vergogna vergogna vergogna {tag}",
    "complimenti al marketing, siete riusciti a farvi odiare in un giorno {tag}",
    "sessisti del c***o {tag}",
    "le vostre scuse non valgono niente, fate pena {tag}",
    "what a disgusting sexist ad {who} {tag}",
)
_FACEBOOK_ANGRY = (
    "Vergognatevi! Spot offensivo per tutte le donne.",
    "Non comprerò mai più i vostri prodotti. Che schifo.",
    "Ma vi rendete conto di cosa avete pubblicato??",
    "Buttato tutto il caffè Aurora che avevo. Siete dei dinosauri.",
    "Spot maschilista e ridicolo. Licenziate l'agenzia.",
    "Fate pena. E non cancellate i commenti!",
    "Vergogna!!! #BoicottaAurora",
    "Da cliente fedele: delusione totale. Addio.",
    "Questo spot è un insulto. Schifosi.",
)


def plant_flame(conv: Conversations) -> dict[str, Any]:
    """The spot, the burst on X and Facebook, the statement; returns the truth entry."""
    rng, make, pop = conv.rng, conv.make, conv.pop
    ad_x = conv.announce("x", AD_POSTED, AD_TEXT, tag="flame_ad", likes=85, topic="spot")
    ad_fb = conv.announce(
        "facebook",
        AD_POSTED + timedelta(minutes=3),
        AD_TEXT,
        tag="flame_ad",
        likes=310,
        topic="spot",
    )
    joined = datetime(2012, 4, 2, tzinfo=UTC)
    journalist = Person(
        platform="x",
        id=conv.world.ids.x_user(joined),
        handle="laura_parla",
        name="Laura Parlato",
        followers=86_400,
        following=1_210,
        posts_count=31_500,
        verified=True,
        role="journalist",
        created_at=joined,
        description="Giornalista. Diritti, media, pubblicità. Opinioni mie.",
        location="Roma",
    )
    igniter = make.quote(
        ad_x,
        journalist,
        IGNITION,
        JOURNALIST_TEXT,
        intent="complaint",
        toxic=False,
        tag="flame",
        topic="spot",
        likes=4_300,
    )
    statement_x = conv.announce(
        "x", STATEMENT, STATEMENT_TEXT, tag="flame_statement", topic="spot", likes=140
    )
    statement_fb = conv.announce(
        "facebook",
        STATEMENT + timedelta(minutes=2),
        STATEMENT_TEXT,
        tag="flame_statement",
        topic="spot",
        likes=520,
    )
    flame: list[Post] = [igniter]
    authors: list[Person] = []
    new_authors: list[str] = []

    def author(platform: str) -> Person:
        if rng.random() < NEW_AUTHOR_SHARE:
            person = pop.new_user(platform, role="flamer")
            new_authors.append(person.id)
        else:
            person = pop.pick(platform)
        authors.append(person)
        return person

    for when in _burst_times(conv, X_MESSAGES):
        who = author("x")
        roll = rng.random()
        text = _angry(conv)
        labels: dict[str, Any] = {
            "intent": "complaint",
            "toxic": _is_toxic(text),
            "tag": "flame",
            "topic": "spot",
            "likes": conv.poisson(3.0),
        }
        if roll < 0.28:
            msg = make.share(igniter, who, when, tag="flame", topic="spot")
        elif roll < 0.50:
            msg = make.post(who, when, f"@CaffeAurora {text}", **labels)
        elif roll < 0.68:
            target = statement_x if when > statement_x.created_at and rng.random() < 0.5 else ad_x
            msg = make.reply(target, who, when, text, **labels)
        elif roll < 0.78:
            msg = make.quote(ad_x, who, when, text, **labels)
        else:
            earlier = [m for m in flame[-60:] if m.kind != "share"]
            msg = make.reply(rng.choice(earlier), who, when, text, **labels)
        flame.append(msg)
    for when in _burst_times(conv, FACEBOOK_MESSAGES):
        who = author("facebook")
        text = texts.roughen(rng, rng.choice(_FACEBOOK_ANGRY))
        earlier = [m for m in flame if m.platform == "facebook"]
        if earlier and rng.random() < 0.18:
            parent = rng.choice(earlier[-30:])
        elif when > statement_fb.created_at and rng.random() < 0.4:
            parent = statement_fb
        else:
            parent = ad_fb
        flame.append(
            make.reply(
                parent,
                who,
                when,
                text,
                intent="complaint",
                toxic=_is_toxic(text),
                tag="flame",
                topic="spot",
                likes=conv.poisson(4.0),
            )
        )
    answers = []
    for msg in rng.sample([m for m in flame if m.kind != "share" and m.created_at > STATEMENT], 8):
        at = msg.created_at + clock.lognormal_delay(rng, 50, 0.5)
        answers.append(
            make.reply(
                msg,
                pop.brand[msg.platform],
                at,
                "Ci scusiamo: lo spot è stato ritirato. Abbiamo sbagliato.",
                intent="answer",
                tag="flame_answer",
                topic="spot",
            )
        )
    return _truth(
        conv, ad_x, ad_fb, igniter, statement_x, statement_fb, flame, authors, new_authors, answers
    )


def _burst_times(conv: Conversations, n: int) -> list[datetime]:
    """``n`` times from ignition: a fast rise to an evening peak, then a slow night decay."""
    out: list[datetime] = []
    span = (WINDOW_END - IGNITION).total_seconds()
    while len(out) < n:
        x = conv.rng.random() * span
        hours = x / 3600
        # Gamma-shaped intensity peaking about 11 hours after ignition (18:00 in Italy).
        density = (hours / 11) ** 2.2 * math.exp(2.2 * (1 - hours / 11))
        if conv.rng.random() < density:
            out.append((IGNITION + timedelta(seconds=x + 60)).replace(microsecond=0))
    return sorted(out)


def _angry(conv: Conversations) -> str:
    tag = " ".join(f"#{h}" for h in HASHTAGS[: conv.rng.choice((0, 1, 1, 2))])
    text = conv.rng.choice(_ANGRY).format(
        who=conv.rng.choice(("@CaffeAurora", "Aurora", "")),
        tag=tag,
        angry=conv.rng.choice(("😡", "🤬", "🤮")),
    )
    return texts.roughen(conv.rng, " ".join(text.split()))


_TOXIC_WORDS = (
    "schifo",
    "vomitevole",
    "troglodita",
    "idioti",
    "cavernicoli",
    "c***o",
    "pena",
    "disgust",
    "schifosi",
    "dinosauri",
)


def _is_toxic(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in _TOXIC_WORDS)


def _truth(
    conv: Conversations,
    ad_x: Post,
    ad_fb: Post,
    igniter: Post,
    statement_x: Post,
    statement_fb: Post,
    flame: list[Post],
    authors: list[Person],
    new_authors: list[str],
    answers: list[Post],
) -> dict[str, Any]:
    hourly = Counter(m.created_at.strftime("%Y-%m-%dT%H:00Z") for m in flame)
    peak = max(sorted(hourly), key=lambda k: hourly[k])
    return {
        "description": "A flame: a burst of angry, partly toxic messages on one day about one "
        "topic, many from authors never seen before, spreading through replies, "
        "quotes and retweets.",
        "day": IGNITION.date().isoformat(),
        "start": IGNITION.isoformat(),
        "end": WINDOW_END.isoformat(),
        "topic": TOPIC,
        "hashtags": list(HASHTAGS),
        "trigger_post_ids": {"x": ad_x.id, "facebook": ad_fb.id},
        "igniter_id": igniter.id,
        "igniter_author_id": igniter.author.id,
        "statement_ids": {"x": statement_x.id, "facebook": statement_fb.id},
        "message_ids": [m.id for m in flame],
        "messages_by_platform": dict(Counter(m.platform for m in flame)),
        "toxic_message_ids": [m.id for m in flame if m.toxic],
        "author_ids": sorted({a.id for a in authors}),
        "new_author_ids": sorted(set(new_authors)),
        "brand_answer_ids": [a.id for a in answers],
        "hourly": dict(sorted(hourly.items())),
        "peak_hour": peak,
    }
