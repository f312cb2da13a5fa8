"""The invented brand of the demo corpus: Caffè Aurora, an Italian coffee roaster.

Everything about the brand that the generator, the ground truth and ``ascolto demo`` share
lives here: its accounts on each platform (the ``--owner`` specs), its products, the period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

NAME = "Caffè Aurora"
SITE = "caffeaurora.it"

#: The corpus covers DAYS days from START (UTC); nothing is dated outside [START, END).
START = datetime(2024, 9, 2, tzinfo=UTC)
DAYS = 120
END = START + timedelta(days=DAYS)
#: When the exports were made (a few days after the period): the export files' own time stamps.
EXPORTED_AT = END + timedelta(days=5, hours=9, minutes=12)


@dataclass(frozen=True, slots=True)
class Account:
    """One of the brand's own accounts on one platform."""

    platform: str
    id: str
    handle: str
    name: str
    followers: int
    created_at: datetime
    #: How the importer of this platform identifies the account: "id" or "handle".
    owner_key: str = "id"

    @property
    def owner_spec(self) -> str:
        """What a user passes as ``--owner`` (matched against the author's id or handle)."""
        return f"{self.platform}:{self.id if self.owner_key == 'id' else self.handle}"


ACCOUNTS: dict[str, Account] = {
    a.platform: a
    for a in (
        Account(
            "x",
            "1052894716203884544",
            "CaffeAurora",
            "Caffè Aurora ☕",
            48_210,
            datetime(2018, 10, 18, 9, 31, 7, tzinfo=UTC),
            owner_key="handle",
        ),
        Account(
            "facebook",
            "104729381726354",
            "caffeaurora",
            NAME,
            126_480,
            datetime(2012, 3, 5, 10, 0, tzinfo=UTC),
        ),
        # The Instagram importer keys authors by username: comments carry no numeric id.
        Account(
            "instagram",
            "17841402938475610",
            "caffeaurora",
            NAME,
            87_930,
            datetime(2015, 6, 1, 8, 0, tzinfo=UTC),
            owner_key="handle",
        ),
        Account(
            "youtube",
            "UCq3Aur0raCaffe7Ital1a9w",
            "@CaffeAurora",
            NAME,
            21_400,
            datetime(2016, 2, 11, 15, 0, tzinfo=UTC),
        ),
        Account(
            "wordpress",
            "redazione",
            "redazione",
            "Redazione Caffè Aurora",
            0,
            datetime(2017, 1, 9, 9, 0, tzinfo=UTC),
        ),
    )
}

BLOG_URL = f"https://blog.{SITE}"
BLOG_EMAIL = f"redazione@{SITE}"

PRODUCTS = (
    "Aurora Classica",
    "Aurora Intenso",
    "Aurora Dolce Crema",
    "Aurora Deca",
    "Aurora Bio Arabica",
    "Aurora Cold Brew",
    "Aurora Ginseng",
    "Aurora Espresso Bar",
)
#: Launched during the period: talk about it starts on this day.
COLD_BREW_LAUNCH = datetime(2024, 10, 7, 8, 0, tzinfo=UTC)
CHRISTMAS_LAUNCH = datetime(2024, 11, 25, 8, 0, tzinfo=UTC)


def owner_specs() -> list[str]:
    """The ``PLATFORM:ID`` owner specs of every brand account, for ``ascolto.toml``."""
    return [a.owner_spec for a in ACCOUNTS.values()]
