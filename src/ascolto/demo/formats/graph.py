"""What the Facebook and Instagram writers share: Graph API paging, cursors and time stamps."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

API = "https://graph.facebook.com/v19.0"


def write_edge(
    items: list[dict[str, Any]],
    size: int,
    url: str,
    fields: str,
    stem: Path,
    **extra: Any,
) -> list[Path]:
    """Save ``items`` as the responses of the edge at ``url``, ``size`` a page: page N goes to
    ``{stem}_pN.json`` with ``data``, ``paging`` and any ``extra`` keys; returns the files."""
    pages = [items[i : i + size] for i in range(0, len(items), size)]
    return [
        _dump(
            stem.parent / f"{stem.name}_p{n}.json",
            {"data": page, "paging": _paging(url, fields, page, n, n == len(pages), size), **extra},
        )
        for n, page in enumerate(pages, start=1)
    ]


def graph_time(when: datetime) -> str:
    """Graph API time: ``2024-09-02T08:15:03+0000``."""
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _paging(
    url: str, fields: str, page: list[dict[str, Any]], n: int, last: bool, size: int
) -> dict[str, Any]:
    """The ``paging`` block of page ``n``: cursors, ``next`` unless last, ``previous`` unless
    first (the URLs name the node and edge, which is how importers place the items)."""
    before, after = _cursor(page[0]["id"]), _cursor(page[-1]["id"])
    out: dict[str, Any] = {"cursors": {"before": before, "after": after}}
    query = f"?access_token=access_token&fields={fields}&limit={size}"
    if not last:
        out["next"] = f"{url}{query}&after={after}"
    if n > 1:
        out["previous"] = f"{url}{query}&before={before}"
    return out


def _dump(path: Path, doc: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _cursor(item_id: str) -> str:
    return base64.b64encode(f"cursor:{item_id}".encode()).decode().rstrip("=")
