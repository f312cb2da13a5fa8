"""Mastodon REST API statuses: one Status, an array of them, a ``/context`` response, or JSONL.

Identity is chosen so the same toot from REST, the streaming API and the account archive merges:

* message id = the status ``uri`` (its ActivityPub id). REST ``id`` is local to the server that
  answered, so two servers give the same toot two ids; the ``uri`` is the same everywhere.
* author id = ``user@domain`` lower-cased; handle = ``user@domain`` as written. ``account.acct``
  is only ``user`` for accounts local to the answering server, so the domain is then taken from
  ``account.url``. ``--owner mastodon:user@domain`` matches. (Known limit: a server whose
  WebFinger domain differs from its web host names its local users by the web host here.)

Replies: ``in_reply_to_id`` is a server-local id, so it becomes the parent's ``uri`` when the
parent is in the same file (or JSONL line); when it is not but the parent's author is a local
account of a Mastodon server (profile ``https://host/@user``), the uri is rebuilt as Mastodon
writes it (``https://host/users/user/statuses/ID``); otherwise the local id is kept, which keeps
siblings together but will not join a parent imported from elsewhere. ``parent_author_id`` comes
from ``in_reply_to_account_id`` resolved through the author, the status's mentions, or accounts
seen in the file; an unresolvable local account id is dropped (it is no author id).

A ``/context`` response does not contain the status it was asked for; its first ancestor, when
it has no parent itself, is the thread root of every status listed. Reblogs are ``share``
messages without metrics of their own (Mastodon reports zeros on the wrapper); the reblogged
and quoted statuses are imported too. Content warnings (``spoiler_text``) go to ``title``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import orjson

from ascolto.errors import RecordError
from ascolto.models import Author, Message
from ascolto.sources.base import Bad, Options, RawRecord, Source
from ascolto.sources.fields import html_to_text, links_in, tag_names, to_int, to_utc
from ascolto.sources.files import jsonl_lines, load_json, looks_like_jsonl

_EMPTY: Mapping[str, Any] = {}
#: Keys that only a Mastodon Status has (checked together, so other JSON with one of them is no
#: match).
_STATUS_KEYS = ('"in_reply_to_account_id"', '"reblogs_count"', '"favourites_count"')


def account_handle(account: Mapping[str, Any]) -> str:
    """``user@domain`` of an Account or a Mention (``acct`` lacks the domain for local ones)."""
    acct = account.get("acct") or account.get("username")
    if not acct or not isinstance(acct, str):
        raise RecordError("account without acct or username")
    acct = acct.removeprefix("@")
    if "@" in acct:
        return acct
    host = urlsplit(account.get("url") or "").hostname
    if not host:
        raise RecordError(f"local account {acct!r} without url: its domain is unknown")
    return f"{acct}@{host}"


def mastodon_author(account: Mapping[str, Any]) -> Author:
    """A REST Account as an ``Author`` with the canonical ``user@domain`` id."""
    handle = account_handle(account)
    created = account.get("created_at")
    return Author(
        platform="mastodon",
        id=handle.lower(),
        handle=handle,
        name=account.get("display_name") or account.get("username"),
        followers=to_int(account.get("followers_count")),
        following=to_int(account.get("following_count")),
        posts_count=to_int(account.get("statuses_count")),
        created_at=to_utc(created) if created else None,
        description=html_to_text(account.get("note")) or None,
        url=account.get("url"),
    )


def nested_statuses(status: Mapping[str, Any], location: str) -> Iterator[tuple[Any, str]]:
    """The status and the statuses inside it (reblogged original, quoted status), with paths."""
    yield status, location
    reblog = status.get("reblog")
    if isinstance(reblog, dict):
        yield from nested_statuses(reblog, f"{location}.reblog")
    quoted = _quoted_status(status)
    if quoted is not None:
        yield from nested_statuses(quoted, f"{location}.quote")


def _quoted_status(status: Mapping[str, Any]) -> Mapping[str, Any] | None:
    # Mastodon 4.5: {"state": ..., "quoted_status": Status}; some forks put the Status itself.
    quote = status.get("quote")
    if not isinstance(quote, dict):
        return None
    inner = quote.get("quoted_status") if "state" in quote else quote
    return inner if isinstance(inner, dict) and "uri" in inner else None


def file_index(statuses: Iterator[Any]) -> dict[str, Any]:
    """What replies need from the rest of the file: local status ids and account ids.

    ``statuses`` maps a server-local status id to ``(uri, author id)``; ``accounts`` maps a
    server-local account id to its canonical id and its Account/Mention object.
    """
    by_id: dict[str, tuple[str, str | None]] = {}
    accounts: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for status in statuses:
        if not isinstance(status, dict):
            continue
        author_id = _remember(accounts, status.get("account"))
        for mention in status.get("mentions") or ():
            _remember(accounts, mention)
        sid, uri = status.get("id"), status.get("uri")
        if sid is not None and isinstance(uri, str):
            by_id[str(sid)] = (uri, author_id)
    return {"statuses": by_id, "accounts": accounts}


def _remember(accounts: dict[str, tuple[str, Mapping[str, Any]]], account: Any) -> str | None:
    if not isinstance(account, dict) or account.get("id") is None:
        return None
    try:
        canonical = account_handle(account).lower()
    except RecordError:
        return None
    accounts.setdefault(str(account["id"]), (canonical, account))
    return canonical


def status_message(s: Mapping[str, Any], context: Mapping[str, Any], raw: Any) -> Message:
    """One REST/streaming Status as a ``Message``; ``context`` is a ``file_index`` (+ ``root``)."""
    if not isinstance(s, dict):
        raise RecordError("status is not a JSON object")
    uri = s.get("uri")
    if not isinstance(uri, str) or not uri:
        raise RecordError("status without uri")
    if not s.get("created_at"):
        raise RecordError("status without created_at")
    account = s.get("account")
    if not isinstance(account, dict):
        raise RecordError("status without account")
    author = mastodon_author(account)
    reblog = s.get("reblog")
    if isinstance(reblog, dict):
        shared = reblog.get("account")
        return Message(
            platform="mastodon",
            id=uri,
            created_at=to_utc(s["created_at"]),
            author=author,
            kind="share",
            url=s.get("url") or uri,
            shared_id=reblog.get("uri"),
            shared_author_id=account_handle(shared).lower() if isinstance(shared, dict) else None,
            raw=raw,
        )
    parent_id, parent_author = _parent(s, author, context)
    quoted = _quoted_status(s)
    quoted_account = (quoted or _EMPTY).get("account")
    kind = "reply" if parent_id else "quote" if quoted is not None else "post"
    text = html_to_text(s.get("content"))
    root = context.get("root")
    return Message(
        platform="mastodon",
        id=uri,
        created_at=to_utc(s["created_at"]),
        text=text,
        author=author,
        kind=kind,
        lang=s.get("language"),
        url=s.get("url") or uri,
        title=s.get("spoiler_text") or None,
        parent_id=parent_id,
        root_id=root if root and root != uri else None,
        parent_author_id=parent_author,
        quoted_id=quoted["uri"] if quoted is not None else None,
        quoted_author_id=(
            account_handle(quoted_account).lower() if isinstance(quoted_account, dict) else None
        ),
        likes=to_int(s.get("favourites_count")),
        shares=to_int(s.get("reblogs_count")),
        replies=to_int(s.get("replies_count")),
        quotes=to_int(s.get("quotes_count")),
        mentions=_mentions(s),
        hashtags=tag_names(s.get("tags")),
        links=links_in(text),
        raw=raw,
    )


def _parent(
    s: Mapping[str, Any], author: Author, context: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """The parent's uri (or what can be kept of it) and its author's canonical id."""
    local = s.get("in_reply_to_id")
    if local is None:
        return None, None
    local = str(local)
    statuses = context.get("statuses", _EMPTY)
    accounts = context.get("accounts", _EMPTY)
    account_id = s.get("in_reply_to_account_id")
    account_id = str(account_id) if account_id is not None else None
    parent_account: Mapping[str, Any] | None = None
    parent_author: str | None = None
    if account_id is not None and account_id == str((s.get("account") or _EMPTY).get("id")):
        parent_account, parent_author = s["account"], author.id
    else:
        for mention in s.get("mentions") or ():
            if isinstance(mention, dict) and str(mention.get("id")) == account_id:
                parent_account, parent_author = mention, account_handle(mention).lower()
                break
        else:
            if account_id in accounts:
                parent_author, parent_account = accounts[account_id]
    known = statuses.get(local)
    if known is not None:
        return known[0], parent_author or known[1]
    return _mastodon_uri(parent_account, local) or local, parent_author


def _mastodon_uri(account: Mapping[str, Any] | None, local_id: str) -> str | None:
    # Only for an account local to the answering server (acct without domain) whose profile
    # url has Mastodon's shape: there the status uri is built from that same local id.
    if account is None or "@" in (account.get("acct") or "@"):
        return None
    username, url = account.get("username"), account.get("url") or ""
    parts = urlsplit(url)
    if not username or parts.path != f"/@{username}" or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc}/users/{username}/statuses/{local_id}"


def _mentions(s: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for mention in s.get("mentions") or ():
        if isinstance(mention, dict):
            try:
                out.append(account_handle(mention).lower())
            except RecordError:
                continue
    return list(dict.fromkeys(out))


class MastodonSource(Source):
    name = "mastodon"
    platform = "mastodon"
    description = "Mastodon REST API statuses: a Status, an array, a /context response, or JSONL"
    examples = ("formats/mastodon/docs_entity_Status_example.json",)

    def detect(self, path: Path, head: str) -> float:
        start = head.lstrip()
        if start[:1] not in ("{", "["):
            return 0.0
        first = start[:2000]
        if '"payload"' in first and '"event"' in first:
            return 0.0  # a WebSocket stream dump: mastodon_stream
        if not all(key in head for key in _STATUS_KEYS):
            return 0.0
        if '"ancestors"' in head and '"descendants"' in head:
            return 0.95
        return 0.9 if '"uri"' in head and '"account"' in head else 0.0

    def read(self, path: Path, options: Options) -> Iterator[RawRecord | Bad]:
        if looks_like_jsonl(path):
            yield from self._read_jsonl(path)
            return
        try:
            obj = load_json(path)
        except orjson.JSONDecodeError as e:
            yield Bad("file", f"invalid JSON: {e}")
            return
        yield from _records(obj, "")

    def _read_jsonl(self, path: Path) -> Iterator[RawRecord | Bad]:
        for item in jsonl_lines(path):
            if isinstance(item, Bad):
                yield item
                continue
            n, line, obj = item
            records = list(_records(obj, f"line {n} "))
            if len(records) == 1 and isinstance(records[0], RawRecord):
                records[0].text = line  # the whole line is the record: keep its text as raw
            yield from records

    def normalise(self, raw: RawRecord) -> Message | None:
        s = raw.data
        if isinstance(s, dict) and "uri" not in s and "type" in s and "account" in s:
            return None  # a notification (mention, favourite...): skipped, as in the stream
        return status_message(raw.data, raw.context, raw.text if raw.text is not None else raw.data)


def _records(obj: Any, prefix: str) -> Iterator[RawRecord | Bad]:
    """Every status in one parsed document, each with the context of the whole document."""
    if isinstance(obj, dict) and ("ancestors" in obj or "descendants" in obj):
        ancestors = obj.get("ancestors") or []
        descendants = obj.get("descendants") or []
        top = [(s, f"{prefix}ancestors[{i}]") for i, s in enumerate(ancestors)]
        top += [(s, f"{prefix}descendants[{i}]") for i, s in enumerate(descendants)]
        first = ancestors[0] if ancestors and isinstance(ancestors[0], dict) else _EMPTY
        root = first.get("uri") if first and first.get("in_reply_to_id") is None else None
    elif isinstance(obj, list):
        top, root = [(s, f"{prefix}[{i}]") for i, s in enumerate(obj)], None
    elif isinstance(obj, dict) and isinstance(obj.get("statuses"), list):  # search results
        top, root = [(s, f"{prefix}statuses[{i}]") for i, s in enumerate(obj["statuses"])], None
    elif isinstance(obj, dict):
        top, root = [(obj, prefix.strip() or "status")], None
    else:
        yield Bad(
            prefix.strip() or "file",
            "not a Mastodon status, array or context",
            orjson.dumps(obj)[:500].decode(errors="replace"),
        )
        return
    everything: list[tuple[Any, str, bool]] = []
    for status, location in top:
        if not isinstance(status, dict):
            yield Bad(location, "not a JSON object", str(status)[:500])
            continue
        for i, (nested, loc) in enumerate(nested_statuses(status, location)):
            everything.append((nested, loc, i == 0))
    index = file_index(s for s, _, _ in everything)
    in_thread = {**index, "root": root}
    for status, location, top_level in everything:
        yield RawRecord(status, location, in_thread if top_level else index)


SOURCE = MastodonSource()
