"""Errors a user can cause. The CLI and API print them as one line, never a traceback."""

from __future__ import annotations


class AscoltoError(Exception):
    """Base for user-facing errors: the message names the file or field and what to do."""


class WorkspaceNotFound(AscoltoError):
    """No workspace given and none found upward from the current folder."""


class WorkspaceBusy(AscoltoError):
    """Another process (usually ``ascolto serve``) holds the workspace's database."""


class UnknownFormat(AscoltoError):
    """A file no registered source recognises, or a ``--format`` name that does not exist."""


class BadOption(AscoltoError):
    """A flag or setting with a value that cannot be used."""


class RecordError(ValueError):
    """One malformed record; the importer quarantines it and goes on."""
