"""Tables of messages read through a column mapping: the core of ``csv``, ``jsonl`` and vendors.

A profile (the generic one, or a vendor's in ``vendors``) names for each field the columns that
may hold it; headers match after normalisation (BOM stripped, trimmed, lower-cased, runs of
``_``/``-``/spaces made one space), and ``--map field=Column`` overrides a profile (``--map
likes=`` with no column ignores one). When several alias columns exist, a row takes the first
that is not empty: a Talkwalker row reads ``twitter_likes`` or ``facebook_likes``, whichever
it has. Fields: every ``Message`` field plus ``author_id``, ``author_handle``, ``author_name``,
``author_followers``, ``author_following``, ``author_verified``, ``author_is_owned``.

Decisions users meet:

* id: the id column; else the url (an X status url gives the status id, a Reddit url the
  fullname, a numeric Facebook permalink the Graph id, a YouTube url the video or ``lc``
  comment id, so they merge with API imports; other urls are the id themselves); else
  ``hash:`` and 24 hex digits of sha1(author, created_at, text), stable across re-imports.
  Parent and root columns holding urls resolve the same way, so threads join up.
* platform: a platform column (``twitter``, ``Facebook``; news, blog, forum and review pages
  are ``web``), else ``--option platform=NAME``; a file with neither is refused up front.
* times: ISO-8601, epochs, RFC 2822, ``dd/mm/yyyy [hh:mm[:ss]]`` (day first, as Italian Excel
  writes them) and ``mm/dd/yyyy h:mm AM`` (a 12-hour clock means US order);
  ``--option date_format=%d.%m.%Y`` for anything else. Times without a zone are UTC unless
  ``--option timezone=Europe/Rome``.
* counts: ``1.234`` and ``1,234`` are thousands; any other non-number quarantines the row
  (``line 57: likes: not a number 'abc'``).
* mentions, hashtags, links: from their columns (split on spaces, commas, semicolons), else
  found in the text.
* author: id from the author id column, else the handle (``@`` dropped), else the name: the
  string ``--owner PLATFORM:HANDLE`` matches. ``author_is_owned`` true marks the brand.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import UTC, datetime, tzinfo
from functools import lru_cache
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ascolto.errors import BadOption, RecordError
from ascolto.models import PLATFORMS, Author, Message, canonical_platform
from ascolto.sources.base import Options, RawRecord, Setting, Source
from ascolto.sources.fields import hashtags_in, links_in, mentions_in, to_bool, to_int, to_utc

STR_FIELDS = (
    "id",
    "platform",
    "kind",
    "text",
    "lang",
    "url",
    "title",
    "parent_id",
    "root_id",
    "parent_author_id",
    "quoted_id",
    "quoted_author_id",
    "shared_id",
    "shared_author_id",
    "author_id",
    "author_handle",
    "author_name",
)
INT_FIELDS = (
    "likes",
    "shares",
    "replies",
    "quotes",
    "views",
    "score",
    "author_followers",
    "author_following",
)
BOOL_FIELDS = ("author_verified", "author_is_owned")
LIST_FIELDS = ("mentions", "hashtags", "links")
#: Every field ``--map`` accepts.
FIELDS = ("created_at", *STR_FIELDS, *INT_FIELDS, *BOOL_FIELDS, *LIST_FIELDS)

#: The columns ``ascolto export`` writes: such a file is claimed with confidence.
EXPORT_COLUMNS = frozenset(
    {"platform", "id", "created at", "kind", "author id", "text", "parent id", "root id"}
)

#: Page types that are not a social platform of their own: news, blogs, forums, reviews.
_WEB = frozenset(
    {
        "web",
        "news",
        "online news",
        "blog",
        "blogs",
        "forum",
        "forums",
        "online",
        "message board",
        "messageboard",
        "message boards",
        "review",
        "reviews",
        "print",
        "broadcast",
        "podcast",
        "podcasts",
        "website",
        "site",
        "comments",
        "tv",
        "radio",
        "newsletter",
        "qa",
    }
)
_HOSTS = {
    "twitter.com": "x",
    "x.com": "x",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "instagram.com": "instagram",
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "reddit.com": "reddit",
    "bsky.app": "bluesky",
    "t.me": "telegram",
}
_KINDS = {
    "post": "post",
    "original": "post",
    "tweet": "post",
    "status": "post",
    "article": "post",
    "video": "post",
    "mention": "post",
    "comment": "comment",
    "reply": "reply",
    "replies": "reply",
    "answer": "reply",
    "risposta": "reply",
    "commento": "comment",
    "share": "share",
    "retweet": "share",
    "repost": "share",
    "reblog": "share",
    "boost": "share",
    "rt": "share",
    "quote": "quote",
    "quote tweet": "quote",
    "quoted": "quote",
}
#: Platforms where every answer is a ``reply`` (no post/comment distinction).
FLAT = frozenset({"x", "mastodon", "bluesky", "telegram"})

_SEP = re.compile(r"[\s_\-]+")
_SPLIT = re.compile(r"[\s,;]+")
_THOUSANDS = re.compile(r"^-?[1-9]\d{0,2}(?:([.,' ])\d{3})(?:\1\d{3})*$")
_THOUSANDS_SEP = re.compile(r"[.,' ]")
_SLASH_DATE = re.compile(
    r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})"
    r"(?:[ T,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*([AaPp])\.?\s*[Mm]\.?)?)?$"
)
_STATUS = re.compile(r"/status(?:es)?/(\d+)")
_REDDIT = re.compile(r"/comments/([a-z0-9]+)(?:/[^/?#]*/([a-z0-9]+))?", re.IGNORECASE)
_FB_POST = re.compile(r"facebook\.com/(\d+)/(?:posts|videos)/(\d+)")


@lru_cache(maxsize=8192)
def header_key(name: str) -> str:
    """``"\\ufeffPost_ID "`` -> ``"post id"``: how headers and aliases are compared."""
    return _SEP.sub(" ", name.replace("\ufeff", "").strip().lower())


def aliases(table: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """An alias table written with the headers as exports spell them, normalised once."""
    return {f: tuple(header_key(c) for c in cols) for f, cols in table.items()}


GENERIC_ALIASES = aliases(
    {
        "id": (
            "id",
            "post id",
            "message id",
            "tweet id",
            "status id",
            "comment id",
            "mention id",
            "guid",
        ),
        "created_at": (
            "created_at",
            "date",
            "timestamp",
            "published",
            "published at",
            "date published",
            "created time",
            "created",
            "time",
            "datetime",
            "posted at",
            "data",
            "data pubblicazione",
        ),
        "text": (
            "text",
            "message",
            "body",
            "content",
            "full text",
            "post",
            "tweet",
            "comment",
            "testo",
            "messaggio",
            "contenuto",
        ),
        "platform": ("platform", "network", "social network", "piattaforma"),
        "kind": ("kind",),
        "lang": ("lang", "language", "lingua"),
        "url": ("url", "link", "permalink", "post url", "post link", "tweet url"),
        "title": ("title", "headline", "titolo"),
        "parent_id": (
            "parent id",
            "in reply to",
            "in reply to id",
            "in reply to status id",
            "reply to",
        ),
        "root_id": ("root id", "thread id", "conversation id"),
        "parent_author_id": ("parent author id", "in reply to user id"),
        "quoted_id": ("quoted id",),
        "quoted_author_id": ("quoted author id",),
        "shared_id": ("shared id", "retweet of", "retweeted id"),
        "shared_author_id": ("shared author id",),
        "likes": (
            "likes",
            "like count",
            "favorites",
            "favourites",
            "favorite count",
            "reactions",
            "mi piace",
        ),
        "shares": ("shares", "retweets", "retweet count", "reposts", "share count", "condivisioni"),
        "replies": (
            "replies",
            "reply count",
            "comments",
            "comment count",
            "num comments",
            "commenti",
            "risposte",
        ),
        "quotes": ("quotes", "quote count"),
        "views": ("views", "view count", "impressions", "video views", "visualizzazioni"),
        "score": ("score", "points"),
        "mentions": ("mentions", "menzioni"),
        "hashtags": ("hashtags",),
        "links": ("links", "urls", "expanded urls"),
        "author_id": ("author id", "user id", "from id", "account id"),
        "author_handle": (
            "author handle",
            "author",
            "username",
            "user",
            "screen name",
            "handle",
            "user name",
            "account",
            "autore",
            "utente",
        ),
        "author_name": (
            "author name",
            "name",
            "full name",
            "display name",
            "user display name",
            "nome",
        ),
        "author_followers": ("author followers", "followers", "followers count", "follower"),
        "author_following": ("author following", "following", "friends count", "following count"),
        "author_verified": ("author verified", "verified", "user verified"),
        "author_is_owned": ("author is owned", "is owned", "owned"),
    }
)

SETTINGS = (
    Setting("platform", "platform of rows without a platform column (x, facebook, web, ...)"),
    Setting("delimiter", "CSV field separator (sniffed from , ; tab | by default)"),
    Setting("date_format", "strptime format of the date column (e.g. %d/%m/%Y %H:%M)"),
    Setting("timezone", "zone of times written without one (e.g. Europe/Rome)", "UTC"),
    Setting("encoding", "text encoding (UTF-8, or cp1252 when the file is not UTF-8)"),
)


def platform_value(value: str) -> str:
    """A platform written by a user or an export (``Twitter``, ``ONLINE_NEWS``) as ours."""
    key = header_key(value).split("(")[0].strip()
    if key in _WEB:
        return "web"
    for candidate in (key, key.split(" ")[0]):  # "Instagram Business", "Facebook Page"
        name = canonical_platform(candidate)
        if name in PLATFORMS:
            return name
    raise RecordError(
        f"platform: unknown {value!r} (one of {', '.join(PLATFORMS)}; news, "
        "blog, forum and review pages are web)"
    )


def platform_of_host(url_or_domain: str) -> str:
    """The platform a url or domain belongs to: social sites by host, anything else ``web``."""
    host = urlsplit(url_or_domain if "//" in url_or_domain else f"//{url_or_domain}").hostname
    host = (host or "").removeprefix("www.").removeprefix("m.").removeprefix("mobile.")
    return _HOSTS.get(host, "web")


def ref_id(value: str | None, platform: str) -> str | None:
    """A message id as written in a column: a url becomes the platform's own id when known."""
    if not value:
        return None
    if not value.startswith(("http://", "https://", "www.")):
        return value
    if platform == "x":
        m = _STATUS.search(value)
        return m.group(1) if m else value
    if platform == "reddit":
        m = _REDDIT.search(value)
        if m:
            return f"t1_{m.group(2)}" if m.group(2) else f"t3_{m.group(1)}"
    elif platform == "facebook":
        m = _FB_POST.search(value)
        if m:
            query = parse_qs(urlsplit(value).query)
            comment = (query.get("reply_comment_id") or query.get("comment_id") or [""])[0]
            return f"{m.group(2)}_{comment}" if comment else f"{m.group(1)}_{m.group(2)}"
    elif platform == "youtube":
        parts = urlsplit(value)
        query = parse_qs(parts.query)
        found = (query.get("lc") or query.get("v") or [""])[0]
        if found:
            return found
        if parts.hostname == "youtu.be" and parts.path.strip("/"):
            return parts.path.strip("/")
    return value


def derived_id(
    url: str | None, platform: str, author: Author | None, created: datetime, text: str | None
) -> str:
    """The id of a row without one: from its url, else a stable hash of what it says."""
    from_url = ref_id(url, platform)
    if from_url:
        return from_url
    key = "\x1f".join((author.id if author else "", created.isoformat(), text or ""))
    return "hash:" + hashlib.sha1(key.encode()).hexdigest()[:24]


def kind_value(value: str) -> str:
    """``Retweet``, ``reply``, ``Quote Tweet`` as one of ``models.KINDS``."""
    kind = _KINDS.get(header_key(value))
    if kind is None:
        raise RecordError(f"kind: unknown {value!r} (post, comment, reply, share or quote)")
    return kind


def default_kind(platform: str, parent: str | None, root: str | None) -> str:
    """Kind of a row that does not say: a first-level answer on a page is a ``comment``."""
    if not parent:
        return "post"
    if platform not in FLAT and root and parent == root:
        return "comment"
    return "reply"


def parse_time(value: Any, fmt: str | None = None, zone: tzinfo | None = None) -> datetime:
    """A table's timestamp as aware UTC (see the module docstring for what is accepted)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return to_utc(value)
    s = str(value).strip()
    if fmt:
        try:
            dt = datetime.strptime(s, fmt)
        except ValueError:
            raise RecordError(f"{s!r} does not match date_format {fmt!r}") from None
    elif m := _SLASH_DATE.match(s):
        dt = _slash_date(s, m)
    elif s.isdigit():
        return to_utc(s)  # epoch seconds, milliseconds or microseconds
    else:
        try:
            dt = datetime.fromisoformat(s)
        except ValueError:
            return to_utc(s)  # RFC 2822 and Twitter's form always carry a zone
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone or UTC)
    return dt.astimezone(UTC)


def _slash_date(s: str, m: re.Match[str]) -> datetime:
    a, b, year, hour, minute, second, ampm = m.groups()
    day, month = (int(b), int(a)) if ampm else (int(a), int(b))
    h = int(hour or 0)
    if ampm:
        h = h % 12 + (12 if ampm.lower() == "p" else 0)
    y = int(year) + (2000 if len(year) == 2 else 0)
    try:
        return datetime(y, month, day, h, int(minute or 0), int(second or 0))
    except ValueError:
        raise RecordError(
            f"unreadable date {s!r} (read as {'month/day' if ampm else 'day/month'}/year); "
            "pass --option date_format=FORMAT, e.g. %m/%d/%Y %H:%M"
        ) from None


def time_zone(name: str | None) -> tzinfo | None:
    """``--option timezone=Europe/Rome`` as a zone; a clear error for an unknown name."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadOption(f"--option timezone={name}: unknown time zone (e.g. Europe/Rome)") from None


def count(value: Any) -> int | None:
    """A count cell: ints, ``12.0``, thousands written ``1.234``/``1,234``; else RecordError."""
    if isinstance(value, str) and _THOUSANDS.match(value):
        return int(_THOUSANDS_SEP.sub("", value))
    try:
        return to_int(value)
    except RecordError:
        raise RecordError(f"not a number {value!r}") from None


def split_list(value: Any, marker: str = "", lower: bool = True) -> list[str]:
    """A list cell (``"@a, @b"``, ``"#x #y"``, a JSON array) as clean, unique items."""
    items = value if isinstance(value, list) else _SPLIT.split(str(value))
    out = (str(i).strip().strip("[]\"'").lstrip(marker) for i in items)
    return list(dict.fromkeys((i.lower() if lower else i) for i in out if i))


class Row:
    """One record seen through a column mapping: values by field name, coerced or RecordError."""

    __slots__ = ("columns", "data")

    def __init__(self, data: Mapping[str, Any], columns: Mapping[str, tuple[str, ...]]) -> None:
        self.data = data
        self.columns = columns

    def value(self, name: str) -> Any:
        """The first non-empty value among the columns of ``name``; ``None`` when all empty."""
        for column in self.columns.get(name, ()):
            v = self.data.get(column)
            if v is None and "." in column and column not in self.data:
                v = _dotted(self.data, column)
            if isinstance(v, str):
                v = v.strip()
            if v is not None and v != "" and v != []:
                return v
        return None

    def get_str(self, name: str) -> str | None:
        v = self.value(name)
        if v is None:
            return None
        if isinstance(v, str):
            return v.replace("\r\n", "\n") if "\r" in v else v
        if isinstance(v, dict | list):
            raise RecordError(
                f"{name}: an object, not a value; map a key inside it with --map {name}=KEY.SUBKEY"
            )
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    def get_int(self, name: str) -> int | None:
        v = self.value(name)
        try:
            return count(v)
        except RecordError as e:
            raise RecordError(f"{name}: {e}") from None

    def get_bool(self, name: str) -> bool | None:
        try:
            return to_bool(self.value(name))
        except RecordError as e:
            raise RecordError(f"{name}: {e}") from None

    def get_time(self, name: str, ctx: Mapping[str, Any]) -> datetime:
        v = self.value(name)
        if v is None:
            raise RecordError(f"{name}: empty")
        try:
            return parse_time(v, ctx.get("date_format"), ctx.get("timezone"))
        except RecordError as e:
            raise RecordError(f"{name}: {e}") from None

    def get_list(self, name: str, marker: str = "", lower: bool = True) -> list[str] | None:
        v = self.value(name)
        return None if v is None else split_list(v, marker, lower)


def _dotted(data: Mapping[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


class TableSource(Source):
    """A source whose records are rows of named columns, mapped onto messages by a profile."""

    platform = "*"
    settings = SETTINGS
    #: Field -> normalised header names that may hold it, best first.
    aliases: ClassVar[Mapping[str, tuple[str, ...]]] = GENERIC_ALIASES
    #: Fields any of which tells a row's platform (else ``--option platform=`` is needed).
    platform_fields: ClassVar[frozenset[str]] = frozenset({"platform"})

    def resolve(
        self, headers: Iterable[str], mapping: Mapping[str, str], where: str, strict: bool = True
    ) -> dict[str, tuple[str, ...]]:
        """Field -> the columns (as the file spells them) holding it, ``--map`` applied.

        ``strict``: a mapped column must exist (CSV headers); JSON lines may omit keys.
        """
        by_key: dict[str, str] = {}
        for h in headers:
            by_key.setdefault(header_key(h), h)
        columns = {
            f: found
            for f, names in self.aliases.items()
            if (found := tuple(by_key[n] for n in names if n in by_key))
        }
        for name, column in mapping.items():
            if name not in FIELDS and name not in self.aliases:
                raise BadOption(
                    f"--map {name}={column}: unknown field {name!r}; fields: {', '.join(FIELDS)}"
                )
            if not column:
                columns.pop(name, None)
            elif header_key(column) in by_key:
                columns[name] = (by_key[header_key(column)],)
            elif strict:
                shown = ", ".join(list(by_key.values())[:30])
                raise BadOption(
                    f"{where}: --map {name}={column}: no such column (columns: {shown})"
                )
            else:
                columns[name] = (column,)
        return columns

    def check(
        self, columns: Mapping[str, tuple[str, ...]], ctx: Mapping[str, Any], where: str
    ) -> None:
        """Refuse a table that lacks what every message needs, naming what to pass."""
        for name in ("created_at", "text"):
            if name not in columns:
                tried = ", ".join(self.aliases.get(name, ())[:8])
                raise BadOption(
                    f"{where}: no {name} column (looked for {tried}); pass --map {name}=COLUMN"
                )
        if not self.platform_fields.intersection(columns) and not ctx.get("platform"):
            raise BadOption(
                f"{where}: no platform column; pass --option platform=NAME "
                f"({', '.join(PLATFORMS)}) or --map platform=COLUMN"
            )

    def base_context(self, options: Options) -> dict[str, Any]:
        """What every row of one file shares: the default platform and how to read times."""
        platform = options.get("platform")
        if platform:
            try:
                platform = platform_value(platform)
            except RecordError as e:
                raise BadOption(f"--option platform={platform}: {e}") from None
        return {
            "platform": platform or None,
            "date_format": options.get("date_format") or None,
            "timezone": time_zone(options.get("timezone")),
        }

    def is_header(self, keys: Collection[str], mapping: Mapping[str, str]) -> bool:
        """Whether a row of normalised cells is the header: it names a date and a text column."""
        if any(c and header_key(c) not in keys for c in mapping.values()):
            return False
        return all(
            name in mapping or any(a in keys for a in self.aliases.get(name, ()))
            for name in ("created_at", "text")
        )

    def normalise(self, raw: RawRecord) -> Message | None:
        row = Row(raw.data, raw.context["columns"])
        message = self.message(row, raw.context)
        if message is not None:
            message.raw = raw.text if raw.text is not None else raw.data
        return message

    def platform_of(self, row: Row, ctx: Mapping[str, Any]) -> str:
        value = row.get_str("platform")
        if value:
            return platform_value(value)
        if ctx.get("platform"):
            return str(ctx["platform"])
        raise RecordError("platform: empty; pass --option platform=NAME")

    def message(self, row: Row, ctx: Mapping[str, Any]) -> Message | None:
        """The generic mapping: each field from its column; vendors override parts."""
        platform = self.platform_of(row, ctx)
        created = row.get_time("created_at", ctx)
        text = row.get_str("text")
        url = row.get_str("url")
        author = self.author_of(row, platform)
        mid = ref_id(row.get_str("id"), platform) or derived_id(
            url, platform, author, created, text
        )
        parent = ref_id(row.get_str("parent_id"), platform)
        root = ref_id(row.get_str("root_id"), platform)
        kind_text = row.get_str("kind")
        kind = kind_value(kind_text) if kind_text else default_kind(platform, parent, root)
        return self.build(
            row,
            platform,
            mid,
            created,
            text,
            author,
            kind=kind,
            url=url,
            parent_id=parent if parent != mid else None,
            root_id=root,
            parent_author_id=row.get_str("parent_author_id"),
            quoted_id=ref_id(row.get_str("quoted_id"), platform),
            quoted_author_id=row.get_str("quoted_author_id"),
            shared_id=ref_id(row.get_str("shared_id"), platform),
            shared_author_id=row.get_str("shared_author_id"),
        )

    def author_of(self, row: Row, platform: str, owned: bool = False) -> Author | None:
        handle = (row.get_str("author_handle") or "").lstrip("@") or None
        if handle and platform == "reddit":  # "u/name" as listening tools write it
            handle = handle.removeprefix("/").removeprefix("u/") or None
        name = row.get_str("author_name")
        ident = row.get_str("author_id") or handle or name
        if ident is None:
            return None
        return Author(
            platform=platform,
            id=ident,
            handle=handle,
            name=name,
            followers=row.get_int("author_followers"),
            following=row.get_int("author_following"),
            verified=row.get_bool("author_verified"),
            is_owned=True if owned or row.get_bool("author_is_owned") else None,
        )

    def build(
        self,
        row: Row,
        platform: str,
        mid: str,
        created: datetime,
        text: str | None,
        author: Author | None,
        **refs: Any,
    ) -> Message:
        """A message with the fields every profile reads the same way (metrics, tags, lang)."""
        mentions = row.get_list("mentions", "@")
        hashtags = row.get_list("hashtags", "#")
        links = row.get_list("links", lower=False)
        return Message(
            platform=platform,
            id=mid,
            created_at=created,
            text=text,
            author=author,
            lang=row.get_str("lang"),
            title=row.get_str("title"),
            likes=row.get_int("likes"),
            shares=row.get_int("shares"),
            replies=row.get_int("replies"),
            quotes=row.get_int("quotes"),
            views=row.get_int("views"),
            score=row.get_int("score"),
            mentions=mentions if mentions is not None else mentions_in(text),
            hashtags=hashtags if hashtags is not None else hashtags_in(text),
            links=links if links is not None else links_in(text),
            **refs,
        )
