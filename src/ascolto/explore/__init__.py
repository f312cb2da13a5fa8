"""Exploring what people say: saved topics, themes, what is emerging, the ideas they propose."""
