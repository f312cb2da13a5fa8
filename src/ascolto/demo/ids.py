"""Platform-shaped ids for the demo: X snowflakes, Graph API numbers, YouTube's base64 ids.

Ids look like the real ones (so importers parse them as they would real data) and are unique
within the corpus; all of them come from the generator's seeded ``random.Random``.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

_TWEPOCH_MS = 1288834974657
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


class IdMaker:
    """Hands out ids, never the same one twice."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._used: set[str] = set()
        self._seq = 0
        self._wp = 0

    def _unique(self, make: Callable[[], str]) -> str:
        for _ in range(1000):
            value = make()
            if value not in self._used:
                self._used.add(value)
                return value
        raise RuntimeError("could not find a free id")

    def _digits(self, n: int, prefix: str = "") -> str:
        rest = n - len(prefix)
        return prefix + str(self.rng.randrange(10 ** (rest - 1), 10**rest))

    def snowflake(self, when: datetime) -> str:
        """An X id: milliseconds since the Twitter epoch, shifted, plus a sequence."""
        ms = int(when.timestamp() * 1000) + self.rng.randrange(1000)

        def make() -> str:
            self._seq = (self._seq + 1) % 4096
            worker = self.rng.randrange(1024)
            return str(((ms - _TWEPOCH_MS) << 22) | (worker << 12) | self._seq)

        return self._unique(make)

    def x_user(self, created: datetime) -> str:
        """Accounts created before snowflakes (Nov 2010) have short sequential-looking ids."""
        if created.year < 2011:
            return self._unique(lambda: str(self.rng.randrange(10_000_000, 230_000_000)))
        return self.snowflake(created)

    def fb_number(self) -> str:
        return self._unique(lambda: self._digits(17, "10"))

    def fb_user(self) -> str:
        return self._unique(lambda: self._digits(self.rng.choice((15, 16)), "1"))

    def ig(self, prefix: str = "17") -> str:
        """Instagram media/comment ids: 17 digits starting 17 or 18."""
        return self._unique(lambda: self._digits(17, prefix))

    def ig_user(self) -> str:
        return self._unique(lambda: self._digits(17, "178414"))

    def yt_channel(self) -> str:
        return self._unique(lambda: "UC" + self._chars(_B64, 22))

    def yt_video(self) -> str:
        return self._unique(lambda: self._chars(_B64, 11))

    def yt_thread(self) -> str:
        return self._unique(
            lambda: "Ug" + self.rng.choice("wxyz") + self._chars(_ALNUM, 20) + "4AaABAg"
        )

    def yt_reply(self, parent: str) -> str:
        return self._unique(lambda: f"{parent}.{self.rng.choice('89AB')}{self._chars(_B64, 21)}")

    def wp(self) -> str:
        self._wp += self.rng.randrange(1, 9)
        return str(100 + self._wp)

    def _chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))
