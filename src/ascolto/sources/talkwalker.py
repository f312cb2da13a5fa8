"""Talkwalker document export.

Registered here, defined with the other vendors in ``vendors``.
"""

from __future__ import annotations

from ascolto.sources.vendors import TALKWALKER_SOURCE as SOURCE

__all__ = ["SOURCE"]
