"""Who writes: regular users per platform, the brand's accounts, influencer hubs and communities.

Activity is skewed (a few users write a lot, most write once or twice), follower counts are
log-normal, and on X most users belong to one of four interest communities around a hub.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from ascolto.demo.brand import ACCOUNTS, BLOG_EMAIL, START
from ascolto.demo.ids import IdMaker
from ascolto.demo.model import Person
from ascolto.demo.texts import CITIES

FIRST = (
    "Giulia",
    "Marco",
    "Francesca",
    "Luca",
    "Chiara",
    "Alessandro",
    "Sara",
    "Matteo",
    "Martina",
    "Andrea",
    "Valentina",
    "Davide",
    "Elena",
    "Simone",
    "Federica",
    "Lorenzo",
    "Alessia",
    "Francesco",
    "Silvia",
    "Stefano",
    "Giorgia",
    "Riccardo",
    "Roberta",
    "Paolo",
    "Ilaria",
    "Antonio",
    "Anna",
    "Giuseppe",
    "Marta",
    "Fabio",
    "Laura",
    "Enrico",
    "Serena",
    "Gabriele",
    "Beatrice",
    "Tommaso",
    "Claudia",
    "Daniele",
    "Noemi",
    "Salvatore",
    "Rosa",
    "Vincenzo",
    "Irene",
    "Emanuele",
    "Camilla",
    "Pietro",
    "Aurora",
    "Nicola",
    "Teresa",
    "Carlo",
    "Michela",
    "Gianluca",
    "Elisa",
    "Raffaele",
    "Cristina",
    "Mattia",
)
LAST = (
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "De Luca",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "Longo",
    "Gentile",
    "Martinelli",
    "Vitale",
    "Lombardo",
    "Serra",
    "Coppola",
    "De Santis",
    "D'Angelo",
    "Marchetti",
    "Parisi",
    "Villa",
    "Conte",
    "Ferraro",
    "Ferri",
    "Fabbri",
    "Bianco",
    "Marini",
    "Grasso",
    "Valentini",
)
EN_FIRST = ("Emma", "James", "Olivia", "Liam", "Sophie", "Jack", "Hannah", "Lukas", "Anna")
EN_LAST = ("Smith", "Brown", "Miller", "Wilson", "Taylor", "Schmidt", "Murphy", "Evans")
BIOS = (
    "",
    "",
    "",
    "☕ addicted",
    "mamma, prof, sempre di corsa",
    "ingegnere per caso",
    "calcio, pizza e caffè",
    "travel | food | vibes",
    "Opinioni mie.",
    "runner 🏃‍♀️",
    "food lover",
    "studentessa @ UniBo",
    "papà di due pesti",
    "barista a tempo perso",
    "sviluppatore web",
    "amo i gatti e il caffè",
    "Napoli nel cuore 💙",
    "insegnante",
    "libri e moka",
)

_MAIL = ("gmail.com", "libero.it", "hotmail.it", "yahoo.it", "outlook.com")

#: The influencer hubs on X: handle, name, followers, community, bio.
HUBS = (
    ("giuliaincucina", "Giulia in Cucina", 182_400, "milano_food", "Ricette facili e veloci 🍝"),
    ("milanodabere", "Milano da Bere", 45_900, "milano_food", "Bar, locali e caffè a Milano"),
    (
        "ilbaristanapoletano",
        "Il Barista Napoletano",
        96_300,
        "napoli_caffe",
        "'O cafè è na cosa seria ☕ Napoli",
    ),
    ("tazzulella_", "Tazzulella", 22_800, "napoli_caffe", "Cultura del caffè napoletano"),
    ("fitconmarta", "Marta | Fit & Food", 311_000, "fitness", "Personal trainer 💪 #adv = sponsor"),
    ("runnerlatte", "Runner col Latte", 18_200, "fitness", "Corro per poter fare colazione"),
    ("gadgetcasa_it", "Gadget Casa", 61_700, "casa_tech", "Recensioni di elettrodomestici"),
    ("coffeegeek_it", "Coffee Geek Italia", 12_900, "casa_tech", "Estrazione, macinatura, tazze"),
)
COMMUNITIES = ("milano_food", "napoli_caffe", "fitness", "casa_tech")


class Population:
    """Regular users by platform, with skewed activity so some recur and most appear once."""

    def __init__(self, rng: random.Random, ids: IdMaker, sizes: dict[str, int]) -> None:
        self.rng = rng
        self.ids = ids
        self._handles: dict[str, set[str]] = {}
        self.brand = {p: _brand_person(p) for p in ACCOUNTS}
        self.users: dict[str, list[Person]] = {}
        self._cum: dict[str, list[float]] = {}
        for platform, n in sizes.items():
            users = [self.new_user(platform) for _ in range(n)]
            if platform == "x":
                for u in users:
                    if rng.random() < 0.6:
                        u.community = rng.choice(COMMUNITIES)
            self.users[platform] = users
            weights = [min(rng.paretovariate(1.3), 25.0) for _ in users]
            self._cum[platform] = list(accumulate(weights))
        self.hubs = [self._hub(*h) for h in HUBS]
        self.members: dict[str, list[Person]] = {
            c: [u for u in self.users.get("x", []) if u.community == c] for c in COMMUNITIES
        }

    def pick(self, platform: str) -> Person:
        """A regular user of ``platform``, the active ones more often."""
        return self.rng.choices(self.users[platform], cum_weights=self._cum[platform])[0]

    def member(self, community: str) -> Person:
        return self.rng.choice(self.members[community])

    def new_user(self, platform: str, role: str = "user") -> Person:
        """A fresh, plausible account on ``platform``; ``role`` tells what it is there for."""
        rng = self.rng
        english = rng.random() < 0.08
        first = rng.choice(EN_FIRST if english else FIRST)
        last = rng.choice(EN_LAST if english else LAST)
        created = START - timedelta(days=rng.randrange(30, 15 * 365), seconds=rng.randrange(86400))
        handle = self.handle(first, last, platform)
        person = Person(
            platform=platform,
            id=self._id(platform, created),
            handle=handle,
            name=f"{first} {last}",
            created_at=created,
            followers=_lognormal(rng, 180, 1.4),
            following=_lognormal(rng, 290, 0.9),
            posts_count=_lognormal(rng, 1800, 1.3),
            description=rng.choice(BIOS),
            location=rng.choice(CITIES) if rng.random() < 0.6 else "",
            email=f"{handle.replace('.', '_')}@{rng.choice(_MAIL)}",
            lang="en" if english else "it",
            role=role,
        )
        if platform == "youtube":
            person.handle = "@" + handle.replace("_", "-").replace(".", "-")
        return person

    def handle(self, first: str, last: str, platform: str) -> str:
        """A handle in one of the shapes people pick, unique on ``platform``."""
        used = self._handles.setdefault(platform, set())
        h = self._shape(first, last, platform)
        while h.lower() in used:
            h = f"{h[:11]}{self.rng.randrange(10, 9999)}"
        used.add(h.lower())
        return h

    def _shape(self, first: str, last: str, platform: str) -> str:
        rng = self.rng
        f, sur = first.lower(), last.lower().replace(" ", "").replace("'", "")
        shape = rng.randrange(6)
        sep = "." if platform == "instagram" and rng.random() < 0.5 else "_"
        if shape == 0:
            h = f"{f}{sep}{sur}"
        elif shape == 1:
            h = f"{f}{sur[:1]}{rng.randrange(70, 100)}"
        elif shape == 2:
            h = f"{f[:1]}{sur}"
        elif shape == 3:
            h = f"{f}{sep}{rng.choice(('caffe', 'moka', 'foodie', 'real', 'official', 'mi'))}"
        elif shape == 4:
            h = f"{sur}{f[:3]}{rng.randrange(1, 999)}"
        else:
            h = f"la{sep}{f}" if f.endswith("a") else f"il{sep}{f}"
        return h[:15] if platform == "x" else h

    def _id(self, platform: str, created: datetime) -> str:
        if platform == "x":
            return self.ids.x_user(created)
        if platform == "facebook":
            return self.ids.fb_user()
        if platform == "instagram":
            return self.ids.ig_user()
        if platform == "youtube":
            return self.ids.yt_channel()
        return self.ids.wp()

    def _hub(self, handle: str, name: str, followers: int, community: str, bio: str) -> Person:
        created = datetime(2011 + len(handle) % 8, 1 + len(name) % 12, 7, 12, tzinfo=UTC)
        return Person(
            platform="x",
            id=self.ids.x_user(created),
            handle=handle,
            name=name,
            created_at=created,
            followers=followers,
            following=_lognormal(self.rng, 600, 0.5),
            posts_count=_lognormal(self.rng, 9000, 0.5),
            description=bio,
            verified=followers > 90_000,
            role="hub",
            community=community,
            location=self.rng.choice(CITIES),
        )


def _brand_person(platform: str) -> Person:
    a = ACCOUNTS[platform]
    return Person(
        platform=platform,
        id=a.id,
        handle=a.handle,
        name=a.name,
        created_at=a.created_at,
        followers=a.followers,
        following=212,
        posts_count=3150,
        description="Torrefazione italiana dal 1962 ☕ Verona",
        location="Verona",
        verified=True,
        owned=True,
        role="brand",
        email=BLOG_EMAIL,
    )


def _lognormal(rng: random.Random, median: float, sigma: float) -> int:
    return max(0, round(math.exp(math.log(median) + sigma * rng.gauss(0.0, 1.0))))
