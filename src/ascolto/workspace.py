"""A workspace: a folder with ``ascolto.toml``, the DuckDB store and (later) the search index.

Found from ``--workspace``, then ``ASCOLTO_WORKSPACE``, then upward from the current folder.
One process writes the store at a time; a second writer gets ``WorkspaceBusy``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ascolto.care.calendar import BusinessCalendar
from ascolto.care.cases import SlaPolicy
from ascolto.config import Settings, render_toml
from ascolto.enrich.tasks import SUPPORTED_LANGUAGES
from ascolto.errors import AscoltoError, WorkspaceBusy, WorkspaceNotFound
from ascolto.store.schema import migrate

if TYPE_CHECKING:
    from ascolto.store.index import SearchIndex

CONFIG_NAME = "ascolto.toml"
DB_NAME = "ascolto.duckdb"


@dataclass(frozen=True)
class Workspace:
    root: Path
    overrides: Mapping[str, Any] | None = None

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def index_dir(self) -> Path:
        """Where the full-text search index lives (``store.index``)."""
        return self.root / "index"

    def search_index(
        self,
        con: duckdb.DuckDBPyConnection,
        refresh: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> SearchIndex:
        """The search index, first brought up to date with the store (see ``store.index``)."""
        from ascolto.store.index import open_index

        return open_index(self.index_dir, con, self.settings["timezone"], refresh, progress)[0]

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages messages are expected in (``languages`` in ascolto.toml), else the
        six the shipped models read."""
        return tuple(self.settings["languages"]) or SUPPORTED_LANGUAGES

    @property
    def calendar(self) -> BusinessCalendar:
        """The team's business calendar from the settings (time zone, hours, holidays)."""
        s = self.settings
        return BusinessCalendar(
            s["timezone"], s["business_hours"], s["holidays"], tuple(s["closures"])
        )

    @property
    def sla(self) -> SlaPolicy:
        return SlaPolicy.parse(self.settings["sla"])

    @cached_property
    def settings(self) -> Settings:
        """Read once per workspace object: ``ascolto.toml`` is not re-read on every access."""
        return Settings.load(self.config_path, self.overrides)

    @classmethod
    def create(
        cls,
        root: Path,
        brand: str = "",
        owners: list[str] | None = None,
        topics: Mapping[str, Any] | None = None,
    ) -> Workspace:
        """Create (or re-open) a workspace; an existing ``ascolto.toml`` is left as it is."""
        root = root.expanduser().resolve()
        if root.exists() and not root.is_dir():
            raise AscoltoError(f"{root}: exists and is not a folder; choose another path")
        root.mkdir(parents=True, exist_ok=True)
        ws = cls(root)
        if not ws.config_path.exists():
            ws.config_path.write_text(render_toml(brand, owners, topics), encoding="utf-8")
        with ws.connect():
            pass
        return ws

    @classmethod
    def find(
        cls, explicit: Path | None = None, overrides: Mapping[str, Any] | None = None
    ) -> Workspace:
        if explicit is None and os.environ.get("ASCOLTO_WORKSPACE"):
            explicit = Path(os.environ["ASCOLTO_WORKSPACE"])
        if explicit is not None:
            root = explicit.expanduser().resolve()
            if not (root / CONFIG_NAME).exists():
                raise WorkspaceNotFound(
                    f"{root}: not an ascolto workspace (no {CONFIG_NAME}); "
                    f"run `ascolto init {explicit}` first"
                )
            return cls(root, overrides)
        here = Path.cwd().resolve()
        for folder in (here, *here.parents):
            if (folder / CONFIG_NAME).exists():
                return cls(folder, overrides)
        raise WorkspaceNotFound(
            "no workspace here: run `ascolto init DIR`, then pass --workspace DIR, "
            "set ASCOLTO_WORKSPACE, or run from inside the workspace folder"
        )

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the store (migrated when writable); ``WorkspaceBusy`` if another writer has it."""
        try:
            read_only = read_only and self.db_path.exists()
            con = duckdb.connect(str(self.db_path), read_only=read_only)
        except duckdb.IOException as e:
            if "lock" in str(e).lower():
                raise WorkspaceBusy(
                    f"{self.db_path}: the workspace is in use by another ascolto process "
                    "(is `ascolto serve` running?); stop it or wait, then try again"
                ) from None
            raise AscoltoError(f"{self.db_path}: cannot open the store: {e}") from None
        try:
            # Without a cap DuckDB caches up to 80% of RAM; imports then grow with the store.
            con.execute(f"SET memory_limit = '{self.settings['memory_limit']}'")
            con.execute("SET enable_progress_bar = false")  # ours are on stderr
            if not read_only:
                migrate(con)
            yield con
        finally:
            con.close()
