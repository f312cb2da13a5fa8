"""What the Facebook and Instagram writers share: Graph API paging, cursors and time stamps."""

from __future__ import annotations

import base64
import json
from datetime import datetime
from pathlib import Path
from typing import Any

API = "https://graph.facebook.com/v19.0"


def paging(
    base: str, fields: str, chunk: list[dict[str, Any]], n: int, total: int, size: int
) -> dict[str, Any]:
    """The ``paging`` block of page ``n``: cursors, ``next`` unless last, ``previous`` unless
    first (the URLs name the node and edge, which is how importers place the items)."""
    before, after = _cursor(chunk[0]["id"]), _cursor(chunk[-1]["id"])
    out: dict[str, Any] = {"cursors": {"before": before, "after": after}}
    query = f"?access_token=access_token&fields={fields}&limit={size}"
    if n * size < total:
        out["next"] = f"{base}{query}&after={after}"
    if n > 1:
        out["previous"] = f"{base}{query}&before={before}"
    return out


def chunks(items: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def graph_time(when: datetime) -> str:
    """Graph API time: ``2024-09-02T08:15:03+0000``."""
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


def dump(path: Path, doc: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def _cursor(item_id: str) -> str:
    return base64.b64encode(f"cursor:{item_id}".encode()).decode().rstrip("=")
