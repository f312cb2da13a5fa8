"""One settings registry: each setting has a name, a default and help.

Values come from, in rising priority: the default, the workspace's ``ascolto.toml``, an
``ASCOLTO_<NAME>`` environment variable, and a command-line flag.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ascolto.errors import BadOption


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    raise ValueError("expected a list or a comma-separated string")


def _as_memory(value: Any) -> str:
    text = str(value).strip().upper().replace(" ", "")
    if not re.fullmatch(r"\d+(\.\d+)?(KB|MB|GB|TB|KIB|MIB|GIB|TIB)", text):
        raise ValueError("expected a size such as 512MB or 2GB")
    return text


def _as_int(value: Any) -> int:
    n = int(value)
    if n <= 0:
        raise ValueError("expected a positive integer")
    return n


def _as_zone(value: Any) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone such as Europe/Rome") from None
    return str(value)


def _as_hours(value: Any) -> str:
    from ascolto.care.calendar import parse_hours

    parse_hours(str(value))
    return str(value)


def _as_closures(value: Any) -> list[str]:
    from ascolto.care.calendar import parse_closures

    items = _as_list(value)
    parse_closures(items)
    return items


def _as_sla(value: Any) -> list[str]:
    from ascolto.care.cases import SlaPolicy

    items = _as_list(value)
    try:
        SlaPolicy.parse(items)
    except BadOption as e:
        raise ValueError(str(e)) from None
    return items


def _as_topics(value: Any) -> dict[str, dict[str, Any]]:
    """``[topics]``: ``name = "QUERY"`` or ``[topics.name]`` with ``query`` and
    ``competitor``; every query is parsed now, so a typo is found before any search."""
    from ascolto.query.parser import parse

    if not isinstance(value, dict):
        raise ValueError('expected a [topics] table of name = "QUERY"')
    out = {}
    for name, spec in value.items():
        entry = {"query": spec} if isinstance(spec, str) else spec
        if not isinstance(entry, dict) or not isinstance(entry.get("query"), str):
            raise ValueError(f'topic {name!r}: expected a query string or query = "..."')
        unknown = set(entry) - {"query", "competitor"}
        if unknown:
            raise ValueError(f"topic {name!r}: unknown key {sorted(unknown)[0]!r}")
        try:
            parse(entry["query"])
        except BadOption as e:
            raise ValueError(f"topic {name!r}: {e}") from None
        out[str(name)] = {"query": entry["query"], "competitor": bool(entry.get("competitor"))}
    return out


@dataclass(frozen=True, slots=True)
class SettingSpec:
    name: str
    default: Any
    help: str
    parse: Callable[[Any], Any]


SETTINGS: dict[str, SettingSpec] = {
    s.name: s
    for s in (
        SettingSpec(
            "owners",
            [],
            "The brand's own accounts, as PLATFORM:HANDLE_OR_ID (e.g. x:acme, youtube:UC123).",
            _as_list,
        ),
        SettingSpec("brand", "", "The brand's name, shown in reports.", str),
        SettingSpec(
            "batch_size",
            20_480,
            "Messages an import parses and writes as one batch (transactions group batches).",
            _as_int,
        ),
        SettingSpec(
            "memory_limit",
            "768MB",
            "Memory the store may use for caching before it spills to disk (DuckDB syntax).",
            _as_memory,
        ),
        SettingSpec(
            "languages",
            ["it", "en"],
            "Languages the workspace expects, most likely first.",
            _as_list,
        ),
        SettingSpec(
            "timezone",
            "Europe/Rome",
            "The team's time zone: business hours and days are read in it.",
            _as_zone,
        ),
        SettingSpec(
            "business_hours",
            "mon-fri 09:00-18:00",
            "Weekly opening hours, e.g. 'mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00'.",
            _as_hours,
        ),
        SettingSpec(
            "holidays",
            "IT",
            "Country whose public holidays close the team (ISO code; '' for none).",
            lambda v: str(v).upper(),
        ),
        SettingSpec(
            "sla",
            ["support=2h", "complaint=8h", "question=8h", "purchase=4h", "idea=24h", "*=24h"],
            "First-response targets in business time: [PLATFORM:]INTENT=DURATION (30m, 2h, 1d).",
            _as_sla,
        ),
        SettingSpec(
            "case_intents",
            ["support", "complaint", "question", "purchase", "idea", "unknown"],
            "Intents whose messages need an answer and open inbox cases.",
            _as_list,
        ),
        SettingSpec(
            "topics",
            {},
            'Saved topics: [topics] name = "QUERY", or [topics.name] query = ... and '
            "competitor = true (also `ascolto topics add`).",
            _as_topics,
        ),
        SettingSpec(
            "closures",
            [],
            "Extra closed days: YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD.",
            _as_closures,
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Settings:
    values: Mapping[str, Any]

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @classmethod
    def load(
        cls,
        toml_path: Path | None,
        overrides: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        environ = os.environ if environ is None else environ
        file_values: dict[str, Any] = {}
        if toml_path is not None and toml_path.exists():
            try:
                file_values = tomllib.loads(toml_path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise BadOption(
                    f"{toml_path}: {e}; fix the file or run `ascolto init` again"
                ) from None
        values: dict[str, Any] = {}
        for name, spec in SETTINGS.items():
            origin, raw = "default", spec.default
            if name in file_values:
                origin, raw = str(toml_path), file_values[name]
            env_name = f"ASCOLTO_{name.upper()}"
            if env_name in environ:
                origin, raw = env_name, environ[env_name]
            if overrides and overrides.get(name) not in (None, [], ()):
                origin, raw = f"--{name.replace('_', '-')}", overrides[name]
            try:
                values[name] = spec.parse(raw)
            except (TypeError, ValueError) as e:
                raise BadOption(f"setting {name!r} from {origin}: {e}") from None
        return cls(values)


TOML_TEMPLATE = """\
# ascolto workspace settings. Every setting can also come from ASCOLTO_<NAME> or a flag.

# The brand's name, shown in reports.
brand = "{brand}"

# The brand's own accounts, as "PLATFORM:HANDLE_OR_ID". Their replies are the answers
# whose speed and coverage ascolto measures.
owners = [{owners}]

# Languages the workspace expects, most likely first.
languages = ["it", "en"]

# Saved topics: Boolean queries (README, "Search"); competitors' topics make the share of
# voice. `ascolto topics add NAME 'QUERY' [--competitor]` saves more in the store.
# [topics]
# brand = "acme OR @acme"
# [topics.rival]
# query = "rival OR @rival"
# competitor = true
{topics}"""


def render_toml(
    brand: str = "", owners: list[str] | None = None, topics: Mapping[str, Any] | None = None
) -> str:
    quoted = ", ".join(f'"{o}"' for o in owners or [])
    return TOML_TEMPLATE.format(
        brand=brand.replace('"', "'"), owners=quoted, topics=_topics_toml(topics or {})
    )


def _topics_toml(topics: Mapping[str, Any]) -> str:
    """``[topics.NAME]`` tables; names and queries as TOML basic strings (JSON escapes are
    valid there)."""
    import json

    out = []
    for name, spec in topics.items():
        out.append(f"\n[topics.{json.dumps(name)}]\nquery = {json.dumps(spec['query'])}\n")
        if spec.get("competitor"):
            out.append("competitor = true\n")
    return "".join(out)
