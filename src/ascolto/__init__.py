"""ascolto: local-first social listening and conversation intelligence."""

from ascolto.config import Settings
from ascolto.errors import AscoltoError, RecordError, UnknownFormat, WorkspaceBusy
from ascolto.ingest import IngestResult, ingest
from ascolto.models import Author, Message
from ascolto.store.queries import export, stats
from ascolto.workspace import Workspace

__version__ = "0.1.0"

__all__ = [
    "AscoltoError",
    "Author",
    "IngestResult",
    "Message",
    "RecordError",
    "Settings",
    "UnknownFormat",
    "Workspace",
    "WorkspaceBusy",
    "__version__",
    "export",
    "ingest",
    "stats",
]
