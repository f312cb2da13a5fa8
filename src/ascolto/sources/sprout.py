"""Sprout Social Inbox/Messages and Post Performance exports.

Registered here, defined with the other vendors in ``vendors``.
"""

from __future__ import annotations

from ascolto.sources.vendors import SPROUT_SOURCE as SOURCE

__all__ = ["SOURCE"]
