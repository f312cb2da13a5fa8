"""Brandwatch Consumer Research mentions export.

Registered here, defined with the other vendors in ``vendors``.
"""

from __future__ import annotations

from ascolto.sources.vendors import BRANDWATCH_SOURCE as SOURCE

__all__ = ["SOURCE"]
