"""Swedish full-text search over the measures, behind one small interface.

This is the only module that imports Whoosh; the rest of the code asks it for ranked ids and
filters querysets with them, so swapping the engine touches this file alone.

    search(query, limit=None) -> SearchResult    ranked ids, excerpts, "did you mean"
    similar(measure_id, limit=5, other_regions=False) -> list[int]    more-like-this
    rebuild() -> int                             full rebuild from the database
    update_measures(ids) / remove_measures(ids)  after an admin's save or delete
    index_exists() -> bool

Query syntax: words are ANDed; "quoted phrases"; OR (or ELLER) between words; -word or NOT word
(INTE) excludes; parentheses group; a trailing * matches a prefix. A query that is not well formed
(an unclosed quote or parenthesis, a dangling operator) is searched as its plain words, with
`parsed_ok=False`.

Analysis (see catalogue/analysis.py): each text field is stemmed with compounds split into their
parts at index time; an unstemmed field ranks exact word forms first and feeds "did you mean";
a folded field (å/ä/ö → a/a/o) of all the text is searched, at a lower weight, only when the
query has no å/ä/ö. A hyphenated query word ("e-handel") is a phrase. Phrases are matched on the
fields that keep word positions: the name, the description and the folded all-text field.
Excerpts are made on demand (SearchResult.highlights is a lazy Mapping): escaped text, <mark> only.

A full rebuild writes its one segment in bulk (_BulkSegment: each distinct line and word analysed
once, postings kept in arrays and written a term at a time), byte for byte the segment Whoosh's
own add_document() and commit() would write; an admin's update goes through Whoosh's writer.

Concurrency: several processes read while one writes. The index folder settings.SEARCH_INDEX_DIR
holds generations (`gen-*` folders) and a pointer file CURRENT naming the one in use. A full rebuild
builds a new generation and replaces CURRENT atomically; updates write into the current generation.
Writers take an exclusive file lock (with a timeout) so that an update never lands in a generation
that a running rebuild is about to replace, and a rebuild re-indexes the measures saved while it
was building. Each process keeps one searcher, opened lazily (after
gunicorn forks), checks `up_to_date()` and the pointer per search, and opens a new searcher when
either changed (never `Searcher.refresh()`, which returned stale duplicates in the Whoosh forks).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import html
import logging
import operator
import os
import pickle
import re
import shutil
import threading
import time
import uuid
import zlib
from array import array
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC, W3Codec, W3TermInfo
from whoosh.collectors import TimeLimit, TimeLimitCollector
from whoosh.fields import ID, NUMERIC, TEXT, Schema
from whoosh.formats import Frequency, Positions
from whoosh.qparser import (
    AndGroup,
    BoostPlugin,
    FieldsPlugin,
    MultifieldParser,
    OperatorsPlugin,
    PlusMinusPlugin,
    RangePlugin,
)
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import CLEAR

from catalogue import analysis, query_limits

logger = logging.getLogger(__name__)

POINTER = "CURRENT"
LOCK = ".write.lock"
GENERATION_PREFIX = "gen-"
WRITE_TIMEOUT = 30.0  # seconds a writer waits for another writer (a rebuild takes a few seconds)

# Field weights: names weigh most, then the region and the description, then outputs and effects.
FIELD_BOOSTS = {
    "name": 3.0,
    "region": 2.0,
    "description": 1.5,
    "outputs": 1.0,
    "effects": 1.0,
    "goals_text": 0.6,
    "exact": 0.6,
}
# Single words are searched here only when the query has no å/ä/ö ("Orebro" finds Örebro, "lån"
# does not match "län"); phrases always are.
FOLDED_BOOSTS = {"folded": 0.4}
TEXT_FIELDS = ("name", "description", "outputs", "effects", "goals_text", "region")
EXCERPT_FIELDS = ("description", "outputs", "effects", "goals_text")
EXCERPT_CHARS = 240


def _text(analyzer, **options):
    # A query word the analyzer splits ("e-handel", "covid-19") is searched as a phrase.
    return TEXT(analyzer=analyzer, multitoken_query="phrase", **options)


SCHEMA = Schema(
    id=ID(stored=True, unique=True),
    # The id again as a column: ranked ids without reading each hit's stored fields.
    pk=NUMERIC(numtype=int, bits=64, signed=False, sortable=True),
    region_id=ID(stored=True),
    chapter=ID(stored=True),
    # Phrases are matched on the name, the description and `folded` (all text) only: word
    # positions in every field made phrase queries five times slower at 100 times the data.
    name=_text(analysis.stemming_analyzer(), stored=True),
    description=_text(analysis.stemming_analyzer(), stored=True),
    outputs=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    effects=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    goals_text=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    region=_text(analysis.stemming_analyzer(), stored=True, phrase=False),
    exact=_text(analysis.exact_analyzer(), phrase=False),
    # No term vectors: more-like-this analyses the measure's stored text instead (one document,
    # a millisecond), and the build is faster without them.
    folded=_text(analysis.folding_analyzer()),
)
# The texts that make up `folded` (and `exact`), all stored: see _document().
ALL_TEXT_FIELDS = ("name", "description", "outputs", "effects", "goals_text", "region")
# Posting blocks written without zlib: 10-20 % less CPU to build, but the index takes ~1.8 times
# the disk (100 times the report: 216 -> 381 MB). W3Codec() restores the compression.
_CODEC = W3Codec(compression=0)
PHRASE_BOOSTS = {"name": 3.0, "description": 1.5, "folded": 0.6}


class SearchUnavailable(Exception):
    """The index is missing, being rebuilt for the first time, or unreadable."""


@dataclass
class SearchResult:
    ids: list[int] = field(default_factory=list)  # ranked, best first
    highlights: Mapping[int, str] = field(default_factory=dict)  # safe HTML with <mark>
    suggestion: str | None = None  # "did you mean", a whole query
    available: bool = True
    parsed_ok: bool = True
    notes: SearchNotes = field(default_factory=lambda: SearchNotes())


@dataclass(frozen=True)
class SearchNotes:
    """What the list page says about how a query was searched (search_notes.html)."""

    # The query was rewritten within query_limits: wildcards, terms or groups dropped.
    simplified: bool = False
    # A prefix ("komp*") matched more terms than it was expanded to.
    prefix_capped: bool = False
    # Collecting the hits ran out of time: the hits are those found so far.
    time_limited: bool = False
    # This address ran too many new searches in a short time: not searched.
    rate_limited: bool = False


# ---------------------------------------------------------------------------------------------
# The index folder: generations and the pointer


def _root() -> Path:
    return Path(settings.SEARCH_INDEX_DIR)


def _current_path() -> Path | None:
    try:
        name = (_root() / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    if not name.startswith(GENERATION_PREFIX) or "/" in name:
        return None
    return _root() / name


def index_exists() -> bool:
    """Whether a complete index is in place (it may still be empty)."""
    path = _current_path()
    if path is None:
        return False
    try:
        return whoosh_index.exists_in(str(path))
    except Exception:  # a corrupt index is simply not there
        return False


@contextlib.contextmanager
def _write_lock(timeout: float = WRITE_TIMEOUT) -> Iterator[None]:
    """An exclusive lock for all writers of this index folder, across processes."""
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a+") as lock_file:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"Another process is writing the search index {root}."
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(lock_file, fcntl.LOCK_UN)


def _point_to(generation: Path) -> None:
    """Atomically make `generation` the current index."""
    root = _root()
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(generation.name + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, root / POINTER)
    dir_fd = os.open(root, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _remove_old_generations(keep: Path) -> None:
    """Remove generations other than the current one and its predecessor (which readers that
    have not yet seen the new pointer may still be reading)."""
    others = sorted(
        (p for p in _root().glob(GENERATION_PREFIX + "*") if p.is_dir() and p != keep),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    for old in others[1:]:
        shutil.rmtree(old, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Writing


def _document(measure) -> dict[str, str]:
    return _fields(
        measure.pk,
        measure.region_id,
        measure.chapter.number,
        measure.name,
        measure.description,
        measure.outputs,
        measure.effects,
        measure.goals_text,
        measure.region.name,
        measure.region.official_name,
    )


# What _fields() takes, read straight from the database by _documents().
_DOCUMENT_COLUMNS = (
    "pk",
    "region_id",
    "chapter__number",
    "name",
    "description",
    "outputs",
    "effects",
    "goals_text",
    "region__name",
    "region__official_name",
)


def _documents(chunk_size: int = 2000) -> Iterator[dict]:
    """The documents of all measures, as _document() makes them, without model instances."""
    rows = _measures().values_list(*_DOCUMENT_COLUMNS).iterator(chunk_size=chunk_size)
    return (_fields(*row) for row in rows)


def _fields(
    pk, region_id, chapter, name, description, outputs, effects, goals_text, region_name, official
) -> dict:
    region = f"{region_name} {official}"
    everything = _all_text(
        {
            "name": name,
            "description": description,
            "outputs": outputs,
            "effects": effects,
            "goals_text": goals_text,
            "region": region,
        }
    )
    return {
        "id": str(pk),
        "pk": pk,
        "region_id": str(region_id),
        "chapter": str(chapter),
        "name": name,
        "description": description,
        "outputs": outputs,
        "effects": effects,
        "goals_text": goals_text,
        "region": region,
        "exact": everything,
        "folded": everything,
    }


def _all_text(fields: Mapping[str, str]) -> str:
    return "\n".join(fields.get(name) or "" for name in ALL_TEXT_FIELDS)


def _measures():
    from catalogue.models import Measure

    return Measure.objects.select_related("region", "chapter").order_by("pk")


def rebuild() -> int:
    """Build a new index generation from the database, switch to it, return its document count."""
    from django.utils import timezone

    with _write_lock():
        started = timezone.now()
        root = _root()
        stamp = time.strftime("%Y%m%dT%H%M%S")
        generation = root / f"{GENERATION_PREFIX}{stamp}-{uuid.uuid4().hex[:8]}"
        generation.mkdir(parents=True)
        try:
            count = _build(generation, _documents())
        except BaseException:
            shutil.rmtree(generation, ignore_errors=True)
            raise
        _point_to(generation)
        _remove_old_generations(keep=generation)
        # Measures saved while the new generation was being built (an admin whose update gave up
        # waiting for this lock) are written into it now.
        changed = list(_measures().filter(updated__gte=started).values_list("pk", flat=True))
        if changed:
            _update(changed)
    return count


def _build(generation: Path, documents: Iterable[dict]) -> int:
    """Write these documents as a new index in the empty folder `generation`; their count."""
    ix = whoosh_index.create_in(str(generation), SCHEMA)
    writer = ix.writer(codec=_CODEC)
    try:
        bulk = _BulkSegment(writer)
        for document in documents:
            bulk.add(document)
        bulk.finish()
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=CLEAR)  # one new segment, nothing to merge
    ix.close()
    return bulk.count


class _BulkSegment:
    """Fills a new Whoosh segment the way `SegmentWriter.add_document()` and `commit()` would,
    term for term and byte for byte, only faster (tests/catalogue/test_index_build.py compares the
    two):

    - the text fields are analysed without Token objects (`analysis.line_words`, the words of
      each distinct line once, each distinct word's stems once);
    - postings are kept per field and term in compact arrays rather than as one Python tuple
      each in Whoosh's posting pool, which sorts them all and spills them to temporary files;
    - each term's posting blocks and term info are encoded at once (`_TermWriter`), with the
      field lengths this class already knows instead of reading them back per posting.

    Stored fields, lengths and columns go through the writer's own per-document writer, and
    `writer.commit()` then finishes the segment (its posting pool stays empty).
    """

    CACHE_LIMIT = 200_000  # distinct lines remembered (their words); then forgotten at once

    def __init__(self, writer):
        if writer.docnum:
            raise ValueError("The bulk index writer starts a new segment.")
        self.writer = writer
        self.schema = writer.schema
        self.count = 0
        self.plans = {}
        for name, fieldtype in self.schema.items():
            if fieldtype.vector or fieldtype.separate_spelling():
                raise ValueError(f"The bulk index writer does not write {name!r}.")
            self.plans[name] = _text_plan(fieldtype)
        # field -> term -> (docnums, frequencies[, positions]) for text fields, (docnums,
        # weights, value bytes) for the others (ID, NUMERIC), each posting at the same index.
        self.postings = {
            name: {} if self.plans[name] is None else _TextPostings(self.plans[name][1])
            for name, ftype in self.schema.items()
            if ftype.indexed
        }
        self.lengths = {name: array("I") for name in self.postings}
        self.lines: dict[str, analysis.Words] = {}
        self.same_words: dict[str, str] = {}
        self.large: dict[tuple[str, str, int], int] = {}  # (field, term, docnum) -> frequency
        self.forms = {False: _Forms(False), True: _Forms(True)}
        self.last_text = None
        self.last_words = None

    def add(self, fields: Mapping[str, object]) -> None:
        """Add one document, as `writer.add_document(**fields)` does."""
        perdoc = self.writer.perdocwriter
        schema = self.schema
        docnum = self.count
        lengths = {}
        perdoc.start_doc(docnum)
        for name in sorted(fields):
            value = fields[name]
            if value is None:
                continue
            if name.startswith("_"):
                raise ValueError(f"The bulk index writer takes no {name!r}.")
            field = schema[name]
            length = 0
            if field.indexed:
                plan = self.plans[name]
                if plan is None:
                    length = self._add_generic(name, field, value, docnum)
                else:
                    length = self._add_text(name, plan, value, docnum)
                lengths[name] = length
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        for name, column in self.lengths.items():
            column.append(lengths.get(name, 0))
        self.count += 1

    def _add_generic(self, name, field, value, docnum) -> int:
        terms = self.postings[name]
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            if field.scorable:
                length += freq
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), array("d"), [])
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes or b"")
        return length

    def _words(self, text: str) -> analysis.Words:
        if text is self.last_text:  # `exact` and `folded` analyse the same text
            return self.last_words
        lines = self.lines
        if len(lines) > self.CACHE_LIMIT:
            lines.clear()
        parts = []
        for line in text.split("\n"):
            words = lines.get(line)
            if words is None:
                words = analysis.line_words(line)
                # One string per distinct word, however many lines hold it.
                same = self.same_words
                canonical = tuple([same.setdefault(w, w) for w in words.words])
                words = lines[line] = analysis.Words(words.count, words.lead, canonical)
            parts.append(words)
        words = analysis.join_words(parts)
        self.last_text, self.last_words = text, words
        return words

    def _add_text(self, name, plan, text, docnum) -> int:
        folding, positions = plan
        words = self._words(text)
        postings = self.postings[name]
        # folding None: the exact analyzer, which keeps the words as they are
        forms = None if folding is None else self.forms[folding]
        if positions:
            found = defaultdict(list)
            if forms is None:
                for pos, word in enumerate(words.words, words.lead):
                    found[word].append(pos)
            else:
                for pos, word in enumerate(words.words, words.lead):
                    for term in forms[word]:
                        found[term].append(pos)
            counts = {term: len(where) for term, where in found.items()}
        else:
            if forms is None:
                counts = Counter(words.words)
            else:
                counts = Counter([term for word in words.words for term in forms[word]])
        # Frequencies take one byte each; a larger one is written as 0 and kept aside.
        for term, count in counts.items():
            entry = postings[term]
            entry[0].append(docnum)
            try:
                entry[1].append(count)
            except OverflowError:
                entry[1].append(0)
                self.large[name, term, docnum] = count
            if positions:
                entry[2].extend(found[term])
        return sum(counts.values())

    def finish(self) -> None:
        """Write the postings, field by field and term by term in order, and tell the writer
        about the documents (`writer.commit()` does the rest)."""
        writer = self.writer
        if not self.count:
            return
        writer.docnum = self.count
        writer._added = True
        fieldwriter = writer.fieldwriter
        for name in sorted(self.postings):
            terms = self.postings.pop(name)
            if not terms:
                continue
            field = self.schema[name]
            # What the per-document reader would answer: the length as stored, in one byte.
            lengths = array(
                "I", (byte_to_length(length_to_byte(n)) if n else 0 for n in self.lengths[name])
            )
            fieldwriter.start_field(name, field)
            terms_out = _TermWriter(fieldwriter, writer.codec, field)
            plan = self.plans[name]
            if plan is None:
                for tbytes in sorted(terms):
                    docnums, weights, values = terms.pop(tbytes)
                    terms_out.write(tbytes, docnums, weights, values, lengths)
            elif plan[1]:
                encode = field.format.encode
                # A single position's encoding, pack_uint(1) + dumps([position], 2), as a new
                # bytes object each time (pickle would write a shared one as a back-reference).
                one = pack_uint(1)
                single = {}
                for term in sorted(terms):
                    docnums, freqs, positions = terms.pop(term)
                    freqs = self._frequencies(name, term, docnums, freqs)
                    values = []
                    start = 0
                    for freq in freqs:
                        if freq == 1:
                            position = positions[start]
                            tail = single.get(position)
                            if tail is None:
                                tail = single[position] = encode((position,))[len(one) :]
                            values.append(one + tail)
                        else:
                            values.append(encode(positions[start : start + freq]))
                        start += freq
                    tbytes = term.encode("utf-8")
                    terms_out.write(tbytes, docnums, freqs, values, lengths)
            else:
                for term in sorted(terms):
                    docnums, freqs = terms.pop(term)
                    freqs = self._frequencies(name, term, docnums, freqs)
                    values = [_UINTS[freq] if freq < 256 else pack_uint(freq) for freq in freqs]
                    tbytes = term.encode("utf-8")
                    terms_out.write(tbytes, docnums, freqs, values, lengths)
            fieldwriter.finish_field()

    def _frequencies(self, name, term, docnums, freqs):
        """The term's frequencies, those over 255 put back (see _add_text)."""
        if 0 not in freqs:
            return freqs
        wide = array("I", freqs)
        for i, freq in enumerate(freqs):
            if not freq:
                wide[i] = self.large.pop((name, term, docnums[i]))
        return wide


_UINTS = [pack_uint(n) for n in range(256)]


class _Forms(dict):
    """word -> analysis.word_forms(word, True, folding), each computed once."""

    def __init__(self, folding: bool):
        super().__init__()
        self.folding = folding

    def __missing__(self, word: str) -> tuple[str, ...]:
        forms = self[word] = analysis.word_forms(word, True, self.folding)
        return forms


class _TextPostings(dict):
    """term -> (document numbers, frequencies[, positions]), made at the term's first use."""

    def __init__(self, positions: bool):
        super().__init__()
        self.positions = positions

    def __missing__(self, term: str):
        if self.positions:
            entry = self[term] = (array("I"), array("B"), array("I"))
        else:
            entry = self[term] = (array("I"), array("B"))
        return entry


class _TermWriter:
    """Writes one field's terms, each with all its postings, as W3FieldWriter.start_term(), one
    add() per posting and finish_term() do (W3PostingsWriter: blocks of `blocklimit` postings,
    each a pickled header and pickled ids, weights and values; then the term's W3TermInfo in
    the term table), but a block at a time instead of a posting at a time."""

    def __init__(self, fieldwriter, codec, fieldobj):
        if not isinstance(codec, W3Codec) or codec._inlinelimit > 1:
            raise ValueError("The bulk index writer writes W3Codec postings, never inlined.")
        self.postfile = fieldwriter._postfile
        self.tindex = fieldwriter._tindex
        self.prefix = pack_ushort(fieldwriter._fieldid)
        self.blocklimit = codec._blocklimit
        self.compression = codec._compression
        self.fixedsize = fieldobj.format.fixed_value_size()

    def write(self, tbytes: bytes, docnums, weights, values, lengths) -> None:
        """`docnums` ascending, with each posting's weight, value bytes, and `lengths` the
        field's length (as stored) by document number."""
        postfile = self.postfile
        startoffset = postfile.tell()
        out = [WHOOSH3_HEADER_MAGIC]
        # W3TermInfo's statistics, updated per block as its add_block() does
        total, df, minlength, maxlength, maxweight, minid, maxid = 0, 0, None, 0, 0, None, 0
        count = len(docnums)
        limit = self.blocklimit
        comp = self.compression
        fixedsize = self.fixedsize
        for start in range(0, count, limit):
            end = min(start + limit, count)
            ids = docnums[start:end]
            block_weights = array("f", weights[start:end])
            heaviest = float(max(weights[start:end]))  # the weights Whoosh is given are floats
            block_maxweight = heaviest if heaviest > 0 else 0
            known = [n for n in map(lengths.__getitem__, ids) if n]
            block_minlength = min(known) if known else None
            block_maxlength = max(known) if known else 0

            total += sum(block_weights)
            df += len(ids)
            minlength = block_minlength if minlength is None else min(minlength, block_minlength)
            maxlength = max(maxlength, block_maxlength)
            maxweight = max(maxweight, block_maxweight)
            if minid is None:
                minid = ids[0]
            maxid = ids[-1]

            # _mini_ids(), _mini_weights(), _mini_values()
            mini_ids = tuple(map(operator.sub, ids, _ZERO + ids[:-1]))
            first = block_weights[0]
            if block_weights.count(first) == len(block_weights):
                mini_weights = None if first == 1.0 else first
            else:
                mini_weights = tuple(block_weights)
            block_values = [v for v in values[start:end] if v]
            if fixedsize is None or fixedsize < 0:
                mini_values = tuple(block_values)
            elif fixedsize == 0:
                mini_values = None
            else:
                mini_values = b"".join(block_values)
            databytes = pickle.dumps((mini_ids, mini_weights, mini_values), 2)
            if comp:
                databytes = zlib.compress(databytes, comp)
            infobytes = pickle.dumps(
                (
                    len(ids),
                    ids[-1],
                    block_maxweight,
                    comp,
                    length_to_byte(block_minlength),
                    length_to_byte(block_maxlength),
                ),
                2,
            )
            blocklength = len(infobytes) + len(databytes)
            if end == count:  # the last block says so by a negative length
                blocklength = -blocklength
            out += (pack_int(blocklength), infobytes, databytes)
        data = b"".join(out)
        postfile.write(data)
        terminfo = W3TermInfo._struct.pack(
            False,
            total,
            df,
            0 if minlength is None else length_to_byte(minlength),
            length_to_byte(maxlength),
            maxweight,
            0xFFFFFFFF if minid is None else minid,
            0xFFFFFFFF if maxid is None else maxid,
        )
        terminfo += pack_long(startoffset) + pack_int(len(data))
        self.tindex.add(self.prefix + tbytes, terminfo)


_ZERO = array("I", [0])


def _text_plan(field) -> tuple[bool | None, bool] | None:
    """(folding, positions) for a text field `_BulkSegment` analyses itself (folding None: the
    exact analyzer), or None for a field left to Whoosh's own `field.index()`."""
    if not isinstance(field, TEXT) or field.format.field_boost != 1.0:
        return None
    if type(field.format) is Positions:
        positions = True
    elif type(field.format) is Frequency:
        positions = False
    else:
        return None
    analyzer = field.analyzer
    if analyzer == analysis.stemming_analyzer():
        return False, positions
    if analyzer == analysis.folding_analyzer():
        return True, positions
    if analyzer == analysis.exact_analyzer():
        return None, positions
    return None


def _open_for_writing():
    path = _current_path()
    if path is None or not whoosh_index.exists_in(str(path)):
        return None
    return whoosh_index.open_dir(str(path))


def update_measures(ids: Iterable[int]) -> int:
    """Re-index these measures from the database (deleting those that no longer exist).

    Returns the number of documents written; 0 when there is no index (`rebuild_index` makes one).
    """
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        return 0
    with _write_lock():
        return _update(wanted)


def _update(wanted: list[int]) -> int:
    """Re-index these measures; the caller holds the write lock."""
    ix = _open_for_writing()
    if ix is None:
        logger.warning("No search index to update; run `manage.py rebuild_index`.")
        return 0
    writer = ix.writer(timeout=WRITE_TIMEOUT)
    written = 0
    try:
        found = set()
        for measure in _measures().filter(pk__in=wanted):
            writer.update_document(**_document(measure))  # one per id: no duplicates
            found.add(measure.pk)
            written += 1
        for missing in set(wanted) - found:
            writer.delete_by_term("id", str(missing))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    return written


def remove_measures(ids: Iterable[int]) -> None:
    """Remove these measures from the index."""
    doomed = sorted({int(i) for i in ids})
    if not doomed:
        return
    with _write_lock():
        ix = _open_for_writing()
        if ix is None:
            return
        writer = ix.writer(timeout=WRITE_TIMEOUT)
        for measure_id in doomed:
            writer.delete_by_term("id", str(measure_id))
        writer.commit()
        ix.close()


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


def _searcher():
    """This process's searcher, reopened when the index changed; raises SearchUnavailable."""
    global _reader
    path = _current_path()
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


def reset() -> None:
    """Forget this process's searcher and results (tests that switch index folders call it)."""
    global _reader
    with _reader_lock:
        _reader = None
    _results.clear()


# ---------------------------------------------------------------------------------------------
# Queries

_OPERATORS = {"AND", "OR", "NOT", "OCH", "ELLER", "INTE"}
_BINARY = {"AND", "OR", "OCH", "ELLER"}


def _parser(fieldboosts: dict[str, float]) -> MultifieldParser:
    parser = MultifieldParser(list(fieldboosts), SCHEMA, fieldboosts=fieldboosts, group=AndGroup)
    for plugin in (FieldsPlugin, RangePlugin, BoostPlugin):
        parser.remove_plugin_class(plugin)
    parser.replace_plugin(
        OperatorsPlugin(
            And=r"(?<=\s)(AND|OCH)(?=\s)",
            Or=r"(?<=\s)(OR|ELLER)(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(NOT|INTE)(?=\s)",
            AndNot=None,
            AndMaybe=None,
            Require=None,
        )
    )
    # "-word" excludes, "+word" requires; a hyphen inside a word ("e-handel") is no operator.
    at_word_start = r"(?:(?<=^)|(?<=\s)|(?<=\())"
    parser.add_plugin(
        PlusMinusPlugin(plusexpr=at_word_start + r"\+", minusexpr=at_word_start + "-")
    )
    return parser


_PARSER = _parser(FIELD_BOOSTS | FOLDED_BOOSTS)


def is_well_formed(text: str) -> bool:
    """Whether the query's syntax is complete: quotes and parentheses closed, operators between
    words, no lone minus."""
    if text.count('"') % 2:
        return False
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    if depth:
        return False
    tokens = re.sub(r'"[^"]*"', " w ", text).replace("(", " ( ").replace(")", " ) ").split()
    if not tokens:
        return True
    previous = "("
    for token in tokens:
        if token in ("-", "+"):
            return False
        if token in _BINARY and (previous in _OPERATORS or previous == "("):
            return False
        if token == ")" and (previous in _OPERATORS or previous == "("):
            return False
        previous = token
    return previous not in _OPERATORS


def _plain_words(text: str) -> str:
    """The query's words, lowercased so that none reads as an operator."""
    return " ".join(re.findall(r"\w+", text.lower()))


def _parse(text: str):
    folded_terms = not analysis.has_swedish_letters(text)
    return _restrict(_PARSER.parse(text), folded_terms=folded_terms).normalize()


def _restrict(q, *, folded_terms: bool):
    """Match phrases on the fields that keep word positions (see SCHEMA), and single words on
    the folded field only when the query has no å/ä/ö (`folded_terms`)."""
    if isinstance(q, wq.Or) and q.subqueries and all(isinstance(c, wq.Phrase) for c in q):
        phrases = [
            wq.Phrase(c.fieldname, c.words, slop=c.slop, boost=PHRASE_BOOSTS[c.fieldname])
            for c in q
            if c.fieldname in PHRASE_BOOSTS
        ]
        return wq.Or(phrases) if phrases else wq.NullQuery
    if isinstance(q, wq.Phrase):
        return q if q.fieldname in PHRASE_BOOSTS else wq.NullQuery
    if not folded_terms and q.is_leaf() and getattr(q, "fieldname", None) == "folded":
        return wq.NullQuery
    return q.apply(lambda sub: _restrict(sub, folded_terms=folded_terms))


def _positive_terms(q) -> Iterator[tuple[str, str]]:
    """The (field, text) terms a document is matched on, leaving out excluded ones."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_terms(q.a)
        return
    if isinstance(q, wq.Phrase):
        for word in q.words:
            yield q.fieldname, word
        return
    if isinstance(q, (wq.Term, wq.Prefix, wq.Wildcard)):
        yield q.fieldname, q.text
        return
    for child in q.children():
        yield from _positive_terms(child)


def search(query: str, *, limit: int | None = None) -> SearchResult:
    """Ranked measure ids for a Swedish query, with excerpts and a "did you mean".

    The results of recent queries are kept with the searcher that found them (see _Results):
    asked again before the index changes, a query costs no search, and its excerpts already
    made are reused.
    """
    text = (query or "").strip()
    if not text:
        return SearchResult(available=index_exists())
    try:
        searcher = _searcher()
    except SearchUnavailable:
        return SearchResult(available=False)
    key = (text, limit)
    result = _results.get(searcher, key)
    if result is None:
        if not query_limits.spend():
            return SearchResult(notes=SearchNotes(rate_limited=True))
        result = _search(searcher, text, limit)
        if result.available:
            _results.put(searcher, key, result)
    return result


def _search(searcher, text: str, limit: int | None) -> SearchResult:
    bounded = query_limits.bound(text)
    text = bounded.text
    notes = SearchNotes(simplified=bounded.changed)
    if not text:
        return SearchResult(notes=notes)
    parsed_ok = is_well_formed(text)
    if not parsed_ok:
        text = _plain_words(text)
    try:
        q = _parse(text)
    except Exception:  # a bad query is searched as plain words
        logger.info("Unparseable query %r, searching its words", text, exc_info=True)
        parsed_ok = False
        text = _plain_words(text)
        q = _parse(text)
    try:
        q, capped = query_limits.expand_prefixes(q, searcher.reader())
        notes = replace(notes, prefix_capped=capped)
        if q is wq.NullQuery:  # nothing but stop words
            suggestion = _suggest(searcher, text)
            return SearchResult(parsed_ok=parsed_ok, suggestion=suggestion, notes=notes)
        results, timed_out = _collect(searcher, q, limit)
        notes = replace(notes, time_limited=timed_out)
        hits = _ranked_ids(searcher, results)
        suggestion = _suggest(searcher, text)
    except Exception:  # an unreadable index must not break the pages
        logger.exception("Search failed for %r", text)
        reset()
        return SearchResult(available=False, parsed_ok=parsed_ok)

    matcher = _Matcher.from_query(q, folding=not analysis.has_swedish_letters(text))
    return SearchResult(
        ids=[measure_id for measure_id, _ in hits],
        highlights=_Highlights(searcher, hits, matcher),
        suggestion=suggestion,
        parsed_ok=parsed_ok,
        notes=notes,
    )


def _collect(searcher, q, limit: int | None):
    """The query's results, collected for at most settings.SEARCH_TIME_LIMIT seconds; and
    whether time ran out (the results are then the hits found so far).

    The time is checked between hits (no SIGALRM: it would interrupt whatever the worker is
    doing, and signals work only in the main thread); the structural limits of query_limits
    keep the work before the first hit small."""
    collector = TimeLimitCollector(
        searcher.collector(limit=limit), timelimit=settings.SEARCH_TIME_LIMIT, use_alarm=False
    )
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        logger.warning("Search stopped after %ss: %.200s", settings.SEARCH_TIME_LIMIT, q)
        return collector.results(), True
    return collector.results(), False


class _Results:
    """The results of this process's recent queries, for the searcher that found them.

    Dropped whole when the searcher changes (an update or a rebuild of the index), and the least
    recently asked dropped first once they hold more than MAX_HITS ids in all (at 100 times the
    report a common word has some 10,000 hits: about 1 MB).
    """

    MAX_HITS = 200_000

    def __init__(self):
        self._lock = threading.Lock()
        self._searcher = None
        self._entries: OrderedDict[tuple, SearchResult] = OrderedDict()
        self._hits = 0

    def get(self, searcher, key: tuple) -> SearchResult | None:
        with self._lock:
            if searcher is not self._searcher:
                return None
            result = self._entries.get(key)
            if result is not None:
                self._entries.move_to_end(key)
            return result

    def put(self, searcher, key: tuple, result: SearchResult) -> None:
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


_results = _Results()


def _ranked_ids(searcher, results) -> list[tuple[int, int]]:
    """(measure id, docnum) of each hit, best first, read from the id column."""
    docnums = [docnum for _, docnum in results.top_n]
    if "pk" not in searcher.schema:  # an index built before the column existed
        return [(int(searcher.stored_fields(d)["id"]), d) for d in docnums]
    column = searcher.reader().column_reader("pk")
    return [(column[docnum], docnum) for docnum in docnums]


# ---------------------------------------------------------------------------------------------
# Excerpts


class _Matcher:
    """Decides which words of a stored text a query matched, for highlighting."""

    def __init__(self, stems: set[str], folded: set[str], exact: set[str], prefixes: set[str]):
        self.stems = stems
        self.folded = folded
        self.exact = exact
        self.prefixes = prefixes
        # Compound parts: "försörjning" marks "kompetensförsörjningen".
        self.parts = {s for s in stems if len(s) >= 4}
        self.folded_parts = {s for s in folded if len(s) >= 4}
        self._seen: dict[str, bool] = {}  # word as written → matched
        # Every word matches() accepts contains one of these (stems are prefixes of the words
        # they come from, parts and prefixes are substrings): a text is scanned for them and
        # only the words around a hit are checked.
        self.needles = _needles(stems | exact | prefixes)
        self.folded_needles = _needles(folded) if folded else None

    @classmethod
    def from_query(cls, q, *, folding: bool) -> _Matcher:
        stems, folded, exact, prefixes = set(), set(), set(), set()
        for fieldname, text in _positive_terms(q):
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            if fieldname in ("folded", "folded_name"):
                if folding:
                    folded.add(text)
            elif fieldname in ("exact", "exact_name"):
                exact.add(text)
            else:
                stems.add(text)
        for sub in q.leaves():
            if isinstance(sub, (wq.Prefix, wq.Wildcard)):
                prefixes.add(sub.text.rstrip("*?").lower())
        return cls(stems, folded, exact, {p for p in prefixes if p})

    def matches(self, word: str) -> bool:
        seen = self._seen.get(word)
        if seen is None:
            seen = self._seen[word] = self._matches(word)
        return seen

    def _matches(self, word: str) -> bool:
        lower, stemmed, folded, folded_stem = _word_keys(word)
        if lower in self.exact or stemmed in self.stems:
            return True
        if any(lower.startswith(p) for p in self.prefixes):
            return True
        if any(part in lower for part in self.parts):
            return True
        if self.folded:
            if folded_stem in self.folded:
                return True
            if any(part in folded for part in self.folded_parts):
                return True
        return False


def _needles(terms: set[str]) -> re.Pattern | None:
    terms = {t for t in terms if t}
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


@functools.lru_cache(maxsize=100_000)
def _word_keys(word: str) -> tuple[str, str, str, str]:
    """A word of a stored text as excerpts compare it: lowercased, stemmed, folded, both."""
    lower = word.lower()
    folded = analysis.fold(lower)
    return lower, analysis.stem(lower), folded, analysis.stem(folded)


_WORD = re.compile(r"\w+")


class _Word:
    """A word of a text, as much of re.Match as excerpt() uses."""

    __slots__ = ("_end", "_start", "_text")

    def __init__(self, start: int, end: int, text: str):
        self._start, self._end, self._text = start, end, text

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text


def _marked_words(text: str, matcher: _Matcher) -> list:
    """The words of `text` that the query matched, in order."""
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lowercase is longer: scan every word
        return [m for m in _WORD.finditer(text) if matcher.matches(m.group())]
    spans: set[tuple[int, int]] = set()
    for needles, haystack in (
        (matcher.needles, lower),
        (matcher.folded_needles, analysis.fold(lower) if matcher.folded_needles else ""),
    ):
        if needles is None:
            continue
        for hit in needles.finditer(haystack):
            start, end = hit.start(), hit.end()
            while start > 0 and _is_word_char(text[start - 1]):
                start -= 1
            while end < len(text) and _is_word_char(text[end]):
                end += 1
            spans.add((start, end))
    marked = []
    for start, end in sorted(spans):
        word = text[start:end]
        if matcher.matches(word):
            marked.append(_Word(start, end, word))
    return marked


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def excerpt(text: str, matcher: _Matcher, *, size: int = EXCERPT_CHARS) -> tuple[str, int]:
    """A window of `text` around its most matched words, escaped, matches in <mark>.

    Returns (html, number of matched words in the window).
    """
    marked = _marked_words(text, matcher)
    if not marked:
        return "", 0
    # The window of `size` characters that holds the most matches.
    best_start, best_count = marked[0].start(), 0
    last = 0  # marked[i:last] are the matches that end within `size` of marked[i]'s start
    for i, first in enumerate(marked):
        last = max(last, i)
        while last < len(marked) and marked[last].end() - first.start() <= size:
            last += 1
        if last - i > best_count:
            best_start, best_count = first.start(), last - i
    start = max(0, best_start - size // 4)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 30 else end
    parts = ["…" if start else ""]
    position = start
    for m in marked:
        if m.start() < start or m.end() > end:
            continue
        parts.append(html.escape(text[position : m.start()]))
        parts.append(f"<mark>{html.escape(m.group())}</mark>")
        position = m.end()
    parts.append(html.escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return "".join(parts).strip(), best_count


def _lead(text: str, size: int = EXCERPT_CHARS) -> str:
    if len(text) <= size:
        return html.escape(text)
    cut = text.rfind(" ", 0, size)
    return html.escape(text[: cut if cut > 0 else size]) + "…"


def highlight(fields: Mapping[str, str], matcher: _Matcher) -> str:
    """The best excerpt among a document's body fields, or the start of its description."""
    best, best_count = "", 0
    for name in EXCERPT_FIELDS:
        text = fields.get(name) or ""
        if not text:
            continue
        snippet, count = excerpt(text, matcher)
        if count > best_count:
            best, best_count = snippet, count
    if best:
        return best
    for name in EXCERPT_FIELDS:
        if fields.get(name):
            return _lead(fields[name])
    return ""


class _Highlights(Mapping):
    """Excerpts by measure id, made when first asked for (a list page shows only a few hits)."""

    def __init__(self, searcher, hits: list[tuple[int, int]], matcher: _Matcher):
        self._searcher = searcher
        self._docnums = dict(hits)
        self._matcher = matcher
        self._cache: dict[int, str] = {}

    def __getitem__(self, measure_id: int) -> str:
        if measure_id not in self._cache:
            docnum = self._docnums[measure_id]  # KeyError for ids that are not hits
            try:
                fields = self._searcher.stored_fields(docnum)
            except Exception:  # the searcher was replaced meanwhile
                fields = {}
            self._cache[measure_id] = highlight(fields, self._matcher)
        return self._cache[measure_id]

    def __iter__(self):
        return iter(self._docnums)

    def __len__(self):
        return len(self._docnums)


# ---------------------------------------------------------------------------------------------
# "Did you mean"


def _known(reader, word: str) -> bool:
    """Whether a query word occurs in the index, in any of the ways a search would match it."""
    if reader.doc_frequency("exact", word):
        return True
    stemmed = analysis.stem(word)
    if any(reader.doc_frequency(f, stemmed) for f in TEXT_FIELDS):
        return True
    folded = analysis.stem(analysis.fold(word))
    return bool(reader.doc_frequency("folded", folded))


def _correction(reader, word: str) -> str | None:
    maxdist = 1 if len(word) <= 5 else 2
    candidates = []
    for term in reader.terms_within("exact", word, maxdist, prefix=1):
        if term == word or not term.isalpha():
            continue
        distance = _edit_distance(analysis.fold(term), analysis.fold(word))
        candidates.append((distance, -reader.doc_frequency("exact", term), term))
    if not candidates and word.isascii():
        # Typed without å/ä/ö and misspelled ("jamstaldhet"): compare folded forms.
        for first in _UNFOLD.get(word[0], word[0]):
            for raw in reader.expand_prefix("exact", first):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                folded = analysis.fold(term)
                if abs(len(term) - len(word)) > maxdist or folded[:2] != word[:2]:
                    continue
                distance = _edit_distance(folded, word)
                if term != word and distance <= maxdist and term.isalpha():
                    candidates.append((distance, -reader.doc_frequency("exact", term), term))
    return min(candidates)[2] if candidates else None


_UNFOLD = {"a": "aåä", "o": "oö", "e": "eé"}


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _suggest(searcher, text: str) -> str | None:
    """The query with each unknown word replaced by the nearest word of the index, if any."""
    reader = searcher.reader()
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group()
        lower = word.lower()
        if (
            word in _OPERATORS
            or len(lower) < 3
            or not lower.isalpha()
            or lower in analysis.SWEDISH_STOPWORDS
            or _known(reader, lower)
        ):
            return word
        correction = _correction(reader, lower)
        if correction is None:
            return word
        changed = True
        return correction

    suggestion = _WORD.sub(replace, text)
    return suggestion if changed else None


# ---------------------------------------------------------------------------------------------
# More like this


def similar(measure_id: int, *, limit: int = 5, other_regions: bool = False) -> list[int]:
    """Measures like this one, best first, from the index's key terms.

    With `other_regions=True`, only measures of other regions than the measure's own.
    """
    global _similar_owner
    try:
        searcher = _searcher()
        if _similar_owner is not searcher:  # the index changed: forget earlier answers
            _similar_cache.clear()
            _similar_owner = searcher
        key = (measure_id, limit, other_regions)
        if key not in _similar_cache:
            if len(_similar_cache) >= 2000:
                _similar_cache.clear()
            _similar_cache[key] = _similar(searcher, measure_id, limit, other_regions)
        return list(_similar_cache[key])
    except SearchUnavailable:
        return []
    except Exception:  # a measure page must not break on the index
        logger.exception("More-like-this failed for measure %s", measure_id)
        return []


_similar_cache: dict[tuple[int, int, bool], list[int]] = {}
_similar_owner = None


def _similar(searcher, measure_id: int, limit: int, other_regions: bool) -> list[int]:
    docnum = searcher.document_number(id=str(measure_id))
    if docnum is None:
        return []
    # Eight key terms: twelve were twice as slow at 100 times the data.
    key_terms = _key_terms(searcher, docnum, numterms=8)
    if not key_terms:
        return []
    q = wq.Or([wq.Term("folded", term, boost=weight) for term, weight in key_terms])
    if other_regions:
        region_id = searcher.stored_fields(docnum)["region_id"]
        mask = wq.Term("region_id", region_id)
    else:
        mask = wq.Term("id", str(measure_id))
    results = searcher.search(q, limit=limit, mask=mask)
    return [found for found, _ in _ranked_ids(searcher, results)]


def _key_terms(searcher, docnum: int, *, numterms: int) -> list[tuple[str, float]]:
    """The document's most telling `folded` terms: from its term vector in an index built with
    one, else by analysing its stored text as `folded` was (the same terms and counts)."""
    if searcher.reader().has_vector(docnum, "folded"):
        return searcher.key_terms([docnum], "folded", numterms=numterms)
    text = _all_text(searcher.stored_fields(docnum))
    return searcher.key_terms_from_text("folded", text, numterms=numterms)
