"""Tests of ``ascolto.explore``."""
