"""The demo: a deterministic corpus of an invented Italian brand, as real platform exports.

``generate(directory, seed)`` writes the files and their ground truth; ``ascolto demo`` also
imports them into a workspace and writes the overview report.
"""

from ascolto.demo.brand import NAME as BRAND
from ascolto.demo.brand import owner_specs
from ascolto.demo.corpus import DEFAULT_SEED, Corpus, generate

__all__ = ["BRAND", "DEFAULT_SEED", "Corpus", "generate", "owner_specs"]
