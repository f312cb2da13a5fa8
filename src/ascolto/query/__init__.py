"""The Boolean query language: parse (``parser``), then compile to the index and store."""
