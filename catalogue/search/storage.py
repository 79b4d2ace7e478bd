"""The index folder on this node: generations, the pointer, the writers' lock, one searcher per
process, and the position in the change log the index has applied.

settings.SEARCH_INDEX_DIR holds generations (`gen-*` folders) and a pointer file CURRENT naming
the one in use. A full rebuild builds a new generation and replaces CURRENT atomically; the
change log's entries are applied into the current generation (catalogue.search.changes).
Writers take an exclusive file lock (with a timeout), so that an update never lands in a
generation that a running rebuild is about to replace. Each generation keeps in APPLIED the id
of the last change-log entry it holds, and the ids below it not yet seen (entries of
transactions that had not committed yet; catalogue.search.changes looks for them again).

Each process keeps one searcher, opened lazily (after gunicorn forks), checks `up_to_date()` and
the pointer per search, and opens a new searcher when either changed (never
`Searcher.refresh()`, which returned stale duplicates in the Whoosh forks).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
import time
from array import array
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index

POINTER = "CURRENT"
APPLIED = "APPLIED"
LOCK = ".write.lock"
GENERATION_PREFIX = "gen-"
WRITE_TIMEOUT = 30.0  # seconds a writer waits for another writer (a rebuild takes a few seconds)


class SearchUnavailable(Exception):
    """The index is missing, being rebuilt for the first time, or unreadable."""


def root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def current_path() -> Path | None:
    folder = os.fspath(settings.SEARCH_INDEX_DIR)
    try:
        name = read_small(os.path.join(folder, POINTER)).strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not name.startswith(GENERATION_PREFIX) or "/" in name:
        return None
    return Path(folder, name)


def read_small(path: str) -> str:
    """A small file's text (UTF-8), read with os.open/os.read: the pointer and the applied
    position are read for every search, and Path.read_text cost three times as much."""
    fd = os.open(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return b"".join(chunks).decode("utf-8")


def index_exists() -> bool:
    """Whether a complete index is in place (it may still be empty)."""
    path = current_path()
    if path is None:
        return False
    try:
        return whoosh_index.exists_in(str(path))
    except Exception:  # a corrupt index is simply not there
        return False


@contextlib.contextmanager
def write_lock(timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
    """An exclusive lock for all writers of this index folder, across processes."""
    folder = root()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "a+") as lock_file:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"Another process is writing the search index {folder}."
                    ) from None
                time.sleep(0.02)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def new_generation() -> Path:
    stamp = time.strftime("%Y%m%dT%H%M%S")
    generation = root() / f"{GENERATION_PREFIX}{stamp}-{os.urandom(4).hex()}"
    generation.mkdir(parents=True)
    return generation


def replace_file(path: Path, text: str) -> None:
    """Write a file of the index folder so that a reader sees the old or the new text whole."""
    _write_atomically(path, text)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def point_to(generation: Path) -> None:
    """Atomically make `generation` the current index."""
    _write_atomically(root() / POINTER, generation.name + "\n")


@dataclass(frozen=True)
class Applied:
    """Where a generation stands in the change log: the last entry id it holds, and the ids
    below it that were missing when it moved past them, each with the time (Unix) it was first
    missed."""

    position: int = 0
    gaps: dict[int, float] = field(default_factory=dict)


def applied_state(generation: Path | None = None) -> Applied:
    """The APPLIED file: the position on its first line, then one "id time" line per gap."""
    generation = generation or current_path()
    if generation is None:
        return Applied()
    try:
        lines = read_small(os.path.join(generation, APPLIED)).split("\n")
        gaps = {}
        for line in lines[1:]:
            if line.strip():
                entry, when = line.split()
                gaps[int(entry)] = float(when)
        return Applied(int(lines[0].strip() or 0), gaps)
    except (FileNotFoundError, ValueError):
        return Applied()


def applied(generation: Path | None = None) -> int:
    """The id of the last change-log entry the generation holds (0: none known)."""
    return applied_state(generation).position


def set_applied(generation: Path, position: int, gaps: dict[int, float] | None = None) -> None:
    gap_lines = [f"{entry} {when:.3f}" for entry, when in sorted((gaps or {}).items())]
    lines = [str(position), *gap_lines]
    _write_atomically(generation / APPLIED, "\n".join(lines) + "\n")


def remove_old_generations(keep: Path) -> None:
    """Remove generations other than the current one and its predecessor (which readers that
    have not yet seen the new pointer may still be reading)."""
    others = sorted(
        (p for p in root().glob(GENERATION_PREFIX + "*") if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[1:]:
        shutil.rmtree(old, ignore_errors=True)


def open_for_writing():
    path = current_path()
    if path is None or not whoosh_index.exists_in(str(path)):
        return None
    return whoosh_index.open_dir(str(path))


# ---------------------------------------------------------------------------------------------
# Reading: one searcher per process


class _Reader:
    def __init__(self, path: Path):
        self.pid = os.getpid()
        self.path = path
        self.index = whoosh_index.open_dir(str(path))
        self.searcher = self.index.searcher()


_reader: _Reader | None = None
_reader_lock = threading.Lock()


def searcher():
    """This process's searcher, reopened when the index changed; raises SearchUnavailable."""
    global _reader
    path = current_path()
    if path is None:
        raise SearchUnavailable("no index")
    with _reader_lock:
        reader = _reader
        try:
            if reader is None or reader.pid != os.getpid() or reader.path != path:
                # A new process (gunicorn forked it) or a new generation: open afresh. The old
                # searcher is dropped, not closed: another thread may still be reading it.
                _reader = reader = _Reader(path)
            elif not reader.searcher.up_to_date():
                reader.searcher = reader.index.searcher()
        except Exception as exc:
            _reader = None
            raise SearchUnavailable(str(exc)) from exc
        return reader.searcher


def forget_searcher() -> None:
    global _reader
    with _reader_lock:
        _reader = None


class PerSearcher:
    """Values read from one searcher, kept while it is this process's searcher: what every new
    query would otherwise read again from the same index generation (a measure's words, a
    word's document frequency). Dropped whole when another searcher asks (an update or a
    rebuild: document numbers and counts change with it); beyond `maxsize` values the oldest
    goes (dropping all at once made a full cache start over: at ten times the report, near
    hits read a third of their words' postings again)."""

    def __init__(self, maxsize: int):
        self.maxsize = maxsize
        self._state: tuple[object, dict] = (None, {})  # replaced whole: threads read it at once

    def get(self, searcher, key, make):
        """The value for `key` read from `searcher`, made by `make()` the first time."""
        owner, values = self._state
        if owner is not searcher:
            values = {}
            self._state = (searcher, values)
        try:
            return values[key]
        except KeyError:
            pass
        value = make()
        while len(values) >= self.maxsize:
            try:
                del values[next(iter(values))]
            except (KeyError, RuntimeError, StopIteration):  # another thread changed it
                break
        values[key] = value
        return value

    def clear(self) -> None:
        self._state = (None, {})


_measure_ids = PerSearcher(maxsize=1)


def measure_ids(searcher) -> array:
    """The measure id (the `pk` column) of every document number, read once per searcher: a
    query's hits and near hits read thousands of them at ten times the report."""
    return _measure_ids.get(
        searcher, "pk", lambda: array("Q", searcher.reader().column_reader("pk"))
    )


class KeptResults:
    """The results of this process's recent queries, for the searcher that found them.

    Dropped whole when the searcher changes (an update or a rebuild of the index), and the least
    recently asked dropped first once they hold more than MAX_HITS ids in all (at 100 times the
    report a common word has some 10,000 hits: about 1 MB).
    """

    MAX_HITS = 200_000

    def __init__(self):
        self._lock = threading.Lock()
        self._searcher = None
        self._entries: OrderedDict[tuple, object] = OrderedDict()
        self._hits = 0

    def get(self, searcher, key: tuple):
        with self._lock:
            if searcher is not self._searcher:
                return None
            result = self._entries.get(key)
            if result is not None:
                self._entries.move_to_end(key)
            return result

    def put(self, searcher, key: tuple, result) -> None:
        with self._lock:
            if searcher is not self._searcher:
                self._searcher, self._entries, self._hits = searcher, OrderedDict(), 0
            if key in self._entries:
                return
            self._entries[key] = result
            self._hits += len(result.ids) + 1
            while self._hits > self.MAX_HITS and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._hits -= len(dropped.ids) + 1

    def clear(self) -> None:
        with self._lock:
            self._searcher, self._entries, self._hits = None, OrderedDict(), 0
