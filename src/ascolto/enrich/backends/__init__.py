"""Backends read messages for the tasks: ``linear`` (default, shipped), ``transformers``, ``llm``.

Every backend answers the same two questions, so the pipeline, ``classify`` and ``models
evaluate`` work with any of them: which model (name, version) reads a task, and what it reads
in a batch of texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ascolto.errors import BadOption

BACKENDS = ("linear", "transformers", "llm")

#: Per task: one label and one score in [0, 1] per text.
Predictions = dict[str, tuple[list[str], list[float]]]


class Backend(Protocol):
    name: str
    #: Whether the pipeline may read batches in worker processes (False: the backend runs its
    #: own threads, a GPU or a remote server, and workers would only compete for them).
    parallel: bool

    def identity(self, task: str) -> tuple[str, str]:
        """``(model name, version)`` stored with every enrichment the backend writes."""
        ...

    def predict(self, texts: Sequence[str], tasks: Sequence[str]) -> Predictions: ...


def get_backend(name: str = "linear", **options: Any) -> Backend:
    """A backend by name; options are its settings (model folder, endpoint, ...)."""
    if name == "linear":
        from ascolto.enrich.backends.linear import LinearBackend

        return LinearBackend(**options)
    if name == "transformers":
        from ascolto.enrich.backends.transformers import TransformersBackend

        return TransformersBackend(**options)
    if name == "llm":
        from ascolto.enrich.backends.llm import LlmBackend

        return LlmBackend(**options)
    raise BadOption(f"unknown backend {name!r}: use one of {', '.join(BACKENDS)}")
