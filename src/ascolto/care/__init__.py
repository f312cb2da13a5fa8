"""Conversations and care: who got an answer, how fast, by intent; the inbox."""
