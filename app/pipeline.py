"""The Assistant: one object that ingests reports and answers questions, shared by CLI, API, web chat and eval."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from app.citations import paginate
from app.readers_first import ReadersFirst
from core.answer import Answer, Citation
from core.config import Settings
from core.errors import NotFound

if TYPE_CHECKING:
    from app.figures.qa import FigureQA
    from app.question.parse import CatalogEntry, Lexicon, Query
    from app.reader.reader import Reader
    from app.reader.sources import Source
    from app.scoring.candidates import DocView
    from app.scoring.engine import ScoredRoute, Sources
    from app.scoring.model import Scorers
    from app.scoring.text_route import TextRoute
    from app.text.retrieve import HybridRetriever, Scored
    from core.records import Chunk, Example, Figure
    from ingest.pipeline import IngestResult
    from vectorstore.chroma import ChromaStore
    from vectorstore.figures import DocumentInfo, FigureStore

log = logging.getLogger(__name__)
# default: extractive, plus the chat model where unsure when one is configured; extractive: never a model;
# llm: extractive + the chat model (the local one unless configured) where unsure; llm-only: the model over the
# top-3 chunks, unchecked (the peers' design); naive: the top-3 dense chunks quoted
CONFIGS = ("default", "extractive", "naive", "llm", "llm-only")
TEXTS_KEPT = 64  # document texts kept in memory per answer state (the others are read from SQL when needed)


class _Texts(Mapping[str, str]):
    """Document texts by id, read from the SQL store when asked and kept in a small LRU, not all held.

    A document deleted since the state was built reads as "" (its chunks are no longer answered from).
    """

    def __init__(self, store: FigureStore, ids: list[str], size: int = TEXTS_KEPT) -> None:
        self._store, self._ids, self._size = store, frozenset(ids), size
        self._kept: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, doc_id: str) -> str:
        if doc_id not in self._ids:
            raise KeyError(doc_id)
        with self._lock:
            if doc_id in self._kept:
                self._kept.move_to_end(doc_id)
                return self._kept[doc_id]
        try:
            text = self._store.document_text(doc_id)
        except NotFound:
            text = ""
        with self._lock:
            self._kept[doc_id] = text
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return text

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._ids

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


@dataclass
class _State:
    """Everything derived from the stores at one generation (rebuilt when the stores change)."""

    generation: int
    catalog: list[CatalogEntry]
    chunks: dict[str, Chunk]
    texts: Mapping[str, str]  # _Texts: read by id from SQL, a few kept
    figqa: FigureQA
    retriever: HybridRetriever
    docs: list[DocumentInfo]
    views: dict[str, DocView]
    grams: list[frozenset[str]] | None = None  # each report's character pairs, for "does any report mention X"

    def source(self, chunk: Chunk) -> str:
        """The exact text of a chunk: ``Document.text[start:end]``."""
        return self.texts.get(chunk.doc_id, "")[chunk.start:chunk.end]


class _Writer:
    """Holds the write lock; refreshes the answer state between documents (at most every
    ``REFRESH_EVERY`` seconds, by the writer, never by a reader) and once at the end."""

    REFRESH_EVERY = 5.0

    def __init__(self, assistant: Assistant) -> None:
        self.a = assistant
        self.last = time.monotonic()

    def __enter__(self) -> _Writer:
        self.a._write.acquire()
        self.a._writing += 1
        if self.a._writing == 1:
            self.a.readers_first.begin()
        return self

    def __exit__(self, *exc: object) -> None:
        self.a._writing -= 1
        try:
            if self.a._state is not None:
                self.a.refresh()
        finally:
            if not self.a._writing:
                self.a.readers_first.end()
            self.a._write.release()

    def progress(self, inner: Callable[[int, int, str], None] | None) -> Callable[[int, int, str], None]:
        def step(done: int, total: int, name: str) -> None:
            if done and self.a._state is not None and time.monotonic() - self.last >= self.REFRESH_EVERY:
                self.a.refresh()
                self.last = time.monotonic()
            self.a.readers_first.pace()  # questions being answered go first, then the next document
            if inner is not None:
                inner(done, total, name)
        return step


class Assistant:
    """Ingest and answer. ``config="naive"`` is the plain dense-RAG baseline the eval compares against."""

    def __init__(self, settings: Settings, *, config: str = "default", always_retrieve: bool = False) -> None:
        if config not in CONFIGS:
            from core.errors import UnknownBackend

            raise UnknownBackend(f"configuration {config!r} is not known; use one of: {', '.join(CONFIGS)}")
        self.settings, self.config, self.always_retrieve = settings, config, always_retrieve
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        self._write = threading.RLock()  # one writer at a time (ingest, delete, re-ingest)
        self._build = threading.Lock()  # one answer-state build at a time
        self._writing = 0  # writers at work: while > 0, readers answer from the last state instead of waiting
        self.readers_first = ReadersFirst()  # while a writer works, questions come first (app.readers_first)
        self._store: FigureStore | None = None
        self._chroma: ChromaStore | None = None
        self._lexicon: Lexicon | None = None
        self._state: _State | None = None
        self._scored: ScoredRoute | None = None
        self._text_route: TextRoute | None = None
        self._reader: Reader | None = None
        self._reader_made = False

    # ---- stores -------------------------------------------------------------------------------------
    @property
    def store(self) -> FigureStore:
        if self._store is None:
            from vectorstore.figures import FigureStore

            self._store = FigureStore(self.settings.sql_url)
        return self._store

    @property
    def chroma(self) -> ChromaStore:
        if self._chroma is None:
            from vectorstore.chroma import ChromaStore
            from vectorstore.embedder import make_embedder

            self._chroma = ChromaStore(self.settings, make_embedder(self.settings))
            self._chroma.pace = self.readers_first.pace
        return self._chroma

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            from app.question.parse import load_lexicon

            self._lexicon = load_lexicon(self.settings.aliases_file)
        return self._lexicon

    def state(self) -> _State:
        """The answer-side indexes at the last committed generation of the stores.

        Readers never wait for a writer: while an ingest runs they get the last state built (the writer
        refreshes it between documents and at the end); otherwise a stale state is rebuilt first.
        """
        st = self._state
        if st is not None and (self._writing or st.generation == self.store.generation()):
            return st
        return self.refresh()

    def refresh(self) -> _State:
        """Build the answer state for the stores as they are now (unless it is already current)."""
        with self._build:
            gen = self.store.generation()
            if self._state is None or self._state.generation != gen:
                st = self._build_state(gen)
                if self.store.generation() != gen:  # a commit from elsewhere landed during the build
                    st.generation = -1  # use it, but build again at the next chance
                self._state = st
            return self._state

    def _writer(self) -> _Writer:
        return _Writer(self)

    def _build_state(self, gen: int) -> _State:
        from app import carry
        from app.figures.qa import FigureQA
        from app.question.parse import CatalogEntry
        from app.text.retrieve import HybridRetriever
        from vectorstore.bm25 import BM25Index

        prev = self._state  # what belongs to documents stored unchanged since is taken from it (app.carry)
        docs = self.store.documents()
        kept = carry.kept(prev, docs)
        catalog = [CatalogEntry(d.org, d.year, d.name, d.report_type) for d in docs]
        chunks = carry.chunks(self.store, prev, docs, kept)
        texts = _Texts(self.store, [d.id for d in docs])
        folder = self.settings.data_dir / "bm25"
        bm25 = BM25Index.load(folder, gen)
        if bm25 is None:
            bm25 = BM25Index.build(*self.store.chunk_tokens())
            bm25.save(folder, gen)
        chroma = self.chroma if chunks else None
        retriever = HybridRetriever(chroma, bm25, chunks, {d.id: (d.org, d.year) for d in docs},
                                    dense_k=self.settings.dense_k, bm25_k=self.settings.bm25_k,
                                    rrf_k=self.settings.rrf_k, bm25_weight=self.settings.bm25_weight)
        figqa = FigureQA(carry.figures(self.store, prev, docs, kept), catalog, self.lexicon, texts=texts,
                         previous=prev.figqa if prev is not None else None, kept=kept)
        views = {k: v for k, v in prev.views.items() if k in kept} if prev is not None else {}
        return _State(gen, catalog, chunks, texts, figqa, retriever, docs, views, carry.grams(prev, docs, texts, kept))

    # ---- documents ----------------------------------------------------------------------------------
    def ingest(self, paths: list[Path], *, progress: Callable[[int, int, str], None] | None = None,
               org: str | None = None, year: int | None = None,
               report_type: str | None = None, names: list[str] | None = None) -> list[IngestResult]:
        """Ingest files and folders; one bad file does not stop the others. Questions asked meanwhile are
        answered from the reports committed so far (``names``: see ``ingest.pipeline.ingest_paths``)."""
        from ingest.pipeline import ingest_paths

        with self._writer() as w:
            return ingest_paths(paths, self.store, self.chroma, progress=w.progress(progress), org=org,
                                year=year, report_type=report_type, names=names)

    def documents(self) -> list[DocumentInfo]:
        return self.store.documents()

    def delete_document(self, id_or_name: str) -> DocumentInfo:
        with self._writer():
            info = self.store.delete_document(id_or_name)
            self.chroma.delete_doc(info.id)
            return info

    def reingest(self, id_or_name: str) -> IngestResult:
        """Ingest a stored document again from its original path."""
        info = next((d for d in self.documents() if id_or_name in (d.id, d.name)), None)
        if info is None:
            raise NotFound(f"no document with id or name {id_or_name!r}; `reportqa docs list` shows what exists")
        from ingest.pipeline import ingest_file

        with self._writer():  # replaced in one step: a missing or broken file leaves the stored version as it was
            return ingest_file(Path(info.path), self.store, self.chroma, org=info.org, year=info.year,
                               report_type=info.report_type, force=True, name=info.name)

    def figures(self, *, org: str | None = None, year: int | None = None,
                metric: str | None = None) -> list[Figure]:
        return self.store.figures(org=org, year=year, metric=metric)

    def catalog(self) -> list[tuple[str | None, int | None]]:
        return sorted({(c.org, c.year) for c in self.state().catalog}, key=lambda t: (t[0] or "", t[1] or 0))

    # ---- questions ----------------------------------------------------------------------------------
    def parse(self, question: str, *, org: str | None = None, year: int | None = None) -> Query:
        return self._parse(self.state(), question, org, year)

    def _parse(self, st: _State, question: str, org: str | None, year: int | None) -> Query:
        from app.question.parse import parse

        q = parse(question, st.catalog, self.lexicon)
        if org and org not in q.orgs:
            q.orgs = [org]
        if year and year not in q.years:
            q.years = [year]
        return q

    def followup(self, question: str, previous_question: str) -> str:
        """Rewrite a follow-up ("那2021年呢？") against the previous question."""
        from app.question.parse import rewrite_followup

        st = self.state()
        return rewrite_followup(question, self._parse(st, previous_question, None, None), st.catalog, self.lexicon)

    def ask(self, question: str, *, org: str | None = None, year: int | None = None) -> Answer:
        """Answer one question: figure table first, then text retrieval; refuse when nothing supports it."""
        with self.readers_first.reading():  # an ingest meanwhile waits for it between embedding batches
            return self._answer(question, org=org, year=year)

    def _answer(self, question: str, *, org: str | None = None, year: int | None = None) -> Answer:
        t0 = time.perf_counter()
        question = question.strip()
        st = self.state()  # one consistent view of the stores for the whole answer
        if self.config == "naive":
            ans = self._naive(st, question)
        elif self.config == "llm-only":
            ans = self._model_only(st, question)
        else:
            ans = self._ask(st, question, org, year)
        paginate(ans, self.store)  # the page of every citation, and a warning for figures OCR read unsurely
        ans.latency_ms = (time.perf_counter() - t0) * 1000
        return ans

    # ---- the scored route ---------------------------------------------------------------------------
    @property
    def scored(self) -> ScoredRoute:
        if self._scored is None:
            from app.scoring.engine import ScoredRoute

            self._scored = ScoredRoute()
        return self._scored

    def _sources(self, st: _State) -> Sources:
        from app.scoring.engine import Sources

        return Sources(search=lambda q: self._candidate_chunks(st, q), doc_of=lambda d: self._doc_view(st, d),
                       figures=self.store.figures_in_chunks, rule=lambda q: self._rule_pick(st, q),
                       mentioned=lambda place: self._mentioned(st, place))

    @staticmethod
    def _mentioned(st: _State, place: str) -> bool:
        """Whether any stored report mentions a place (an organisation named inside a report counts)."""
        from app.carry import doc_grams
        from app.scoring.features import place_in

        if st.grams is None:
            st.grams = [doc_grams(d, st.texts.get(d.id, "")) for d in st.docs]
        return any(place_in(place, g) for g in st.grams)

    def _candidate_chunks(self, st: _State, question: str) -> list[tuple[Chunk, float, float]]:
        hits = st.retriever.search(question, self.settings.candidate_chunks)
        return [(h.chunk, h.dense, h.bm25) for h in hits]

    def _doc_view(self, st: _State, doc_id: str) -> DocView:
        from app.scoring.candidates import DocView

        if doc_id not in st.views:
            e = next(c for c in st.docs if c.id == doc_id)
            text = st.texts.get(doc_id, "")
            st.views[doc_id] = DocView(doc_id, e.name, e.org or "", e.year, e.title or "", text[:160], text)
        return st.views[doc_id]

    def _rule_pick(self, st: _State, question: str) -> tuple[str, float] | None:
        """The earlier rule path's figure for the question, as one feature among the others."""
        q = self._parse(st, question, None, None)
        ans = st.figqa.answer(q) if q.qtype == "lookup" else None
        if ans is None or ans.refused or ans.value is None or not ans.citations:
            return None
        return ans.citations[0].doc, float(ans.value)

    @property
    def text_route(self) -> TextRoute:
        if self._text_route is None:
            from app.scoring.text_route import TextRoute

            self._text_route = TextRoute()
        return self._text_route

    def fit_scorer(self, examples: list[Example], *, progress: Callable[[int, int], None] | None = None
                   ) -> Scorers:
        """Fit the figure scorer and the text scorer on verified questions about the reports in the stores
        (the text scorer only when some text question has a passage that answers it)."""
        from app.scoring.model import Scorers
        from core.errors import ReportQAError

        st = self.state()
        src = self._sources(st)
        figures = self.scored.fit(examples, src, st.generation, progress)
        try:
            text = self.text_route.fit(examples, src, st.generation)
        except ReportQAError:
            text = None
        return Scorers(figures, text)

    def use_scorer(self, scorers: Scorers | None) -> None:
        """Answer with ``scorers`` from now on; None goes back to the packaged models. A set without a text
        model leaves text questions to a model that refuses every one (so that nothing is answered by a model
        fit on the questions being scored)."""
        from app.scoring.model import refuse_all
        from app.scoring.text_features import NAMES as TEXT_NAMES

        self.scored.use(scorers.figures if scorers else None)
        text = None if scorers is None else scorers.text or refuse_all(TEXT_NAMES)
        self.text_route.use(text)

    def explain(self, question: str) -> dict[str, object]:
        """Why a question is answered or refused: the parse, the top candidates and their scores (the text
        route's passages for a question that asks for words)."""
        from app.scoring.text_route import asks_words

        st = self.state()
        route = self.text_route if asks_words(question) else self.scored
        return route.explain(question.strip(), self._sources(st), st.generation)

    def _ask(self, st: _State, question: str, org: str | None, year: int | None) -> Answer:
        from app.text.retrieve import as_retrieved
        from core.answer import refusal

        if not st.catalog:
            return refusal(question, "还没有导入任何报告：先运行 `reportqa ingest 文件或目录`")
        q = self._parse(st, question, org, year)
        from app.scoring.cues import asks_figure, read

        cues = read(question)
        ans = None
        if q.qtype in ("comparison", "list", "computed"):  # several figures compared, listed or worked out
            ans = st.figqa.answer(q)  # from the stated ones: the rule routes
            ans = None if ans is not None and ans.refused else ans
        if ans is not None and q.qtype == "computed":
            ans = self._as_stated(st, question, ans)
        if ans is None and asks_figure(cues):
            ans = self.scored.answer(question, self._sources(st), st.generation)
        if ans is not None and ans.refused and ans.route == "scored" and self.reader is not None \
                and all(self._regions_known(st, question)):
            from app.reader.reader import for_figures

            figs = self.scored.ranked(question, self._sources(st), st.generation)
            ans = for_figures(self.reader, question, figs.cues, figs.cands, self.store.figures_in_chunks, ans)
        if ans is not None:
            if self.always_retrieve and not ans.retrieved:
                ans.retrieved = as_retrieved(self._search(st, question, q), st.source)
            self._fill_context(st, ans)
            return ans
        ans = self.text_route.answer(question, self._sources(st), st.generation)
        if not ans.retrieved:  # what the text answer was chosen from, for the reader and the eval
            ans.retrieved = as_retrieved(self._search(st, question, q), st.source)
        if self.reader is not None and all(self._regions_known(st, question)):
            from app.reader.reader import for_text, open_ended

            if ans.refused or open_ended(question):
                texts = self.text_route.ranked(question, self._sources(st), st.generation)
                ans = for_text(self.reader, question, texts.cues, texts.cands, self.store.figures_in_chunks, ans)
        if ans.refused:
            ans.org = q.orgs[0] if len(q.orgs) == 1 else None
            ans.year = q.years[0] if len(q.years) == 1 else None
        return ans

    def _as_stated(self, st: _State, question: str, computed: Answer) -> Answer:
        """A worked-out figure that a report states itself, to its own rounding (46.34% computed, "46.3%" in the
        report), is given as the report states it; otherwise the computed answer stands."""
        stated = self.scored.answer(question, self._sources(st), st.generation)
        if stated.refused or stated.normalized_value is None or computed.normalized_value is None \
                or stated.normalized_unit != computed.normalized_unit:
            return computed
        s, c = Decimal(stated.normalized_value), Decimal(computed.normalized_value)
        places = max(-int(s.normalize().as_tuple().exponent), 0)
        return stated if s != c and round(c, places) == s else computed

    # ---- the chat model as a reader (app.reader) ------------------------------------------------------
    @property
    def reader(self) -> Reader | None:
        """The chat model's reader, when one is configured (configs "llm" and "llm-only" use the local model
        unless the settings name another); None: extractive answers only."""
        if not self._reader_made:
            from app.backends.llm import chat_backend, make_chat_model
            from app.reader.reader import Reader

            s = self.settings
            if self.config in ("llm", "llm-only") and chat_backend(s) is None:
                s = s.model_copy(update={"llm": "local"})
            model = make_chat_model(s) if self.config != "extractive" else None
            self._reader = Reader(model) if model is not None else None
            self._reader_made = True
        return self._reader

    def reader_sources(self, question: str) -> list[Source]:
        """The numbered sources the chat model reads for a question: the supporting candidates of the figure
        route (a question asking for a figure) or of the text route; empty when nothing supports it."""
        from app.reader.reader import supporting_figures, supporting_passages
        from app.reader.sources import from_candidates, from_passages
        from app.scoring.cues import asks_figure, read

        st, question = self.state(), question.strip()
        if asks_figure(read(question)):
            figs = self.scored.ranked(question, self._sources(st), st.generation)
            return from_candidates(supporting_figures(figs.cues, figs.cands[:12]), self.store.figures_in_chunks)
        texts = self.text_route.ranked(question, self._sources(st), st.generation)
        return from_passages(supporting_passages(texts.cues, texts.cands[:12]), self.store.figures_in_chunks)

    def _regions_known(self, st: _State, question: str) -> list[bool]:
        """For each region the question names, whether any report mentions it (the model is not asked otherwise)."""
        from app.scoring.features import asked_regions

        return [self._mentioned(st, p) for p in asked_regions(question)]

    def _model_only(self, st: _State, question: str) -> Answer:
        """The peers' design, for the eval: the top 3 retrieved chunks read by the model, its answer unchecked."""
        from app.reader.sources import from_chunks
        from app.text.retrieve import as_retrieved
        from core.errors import LLMUnavailable

        if self.reader is None:
            raise LLMUnavailable("configuration llm-only needs a chat model")
        hits = st.retriever.search(question, 3)
        sources = from_chunks([(self._doc_view(st, h.chunk.doc_id), h.chunk) for h in hits],
                              self.store.figures_in_chunks)
        ans = self.reader.read_unguarded(question, sources)
        ans.retrieved = as_retrieved(hits, st.source)
        return ans

    def _search(self, st: _State, question: str, q: Query) -> list[Scored]:
        """Hybrid search for what the question asks about (its content words), within its org and year."""
        return st.retriever.search(q.metric_text or question, self.settings.top_k,
                                   org=q.orgs[0] if len(q.orgs) == 1 else None,
                                   year=q.years[0] if len(q.years) == 1 else None)

    @staticmethod
    def _fill_context(st: _State, ans: Answer) -> None:
        """Give each citation the text of its chunk, so a reader sees the quote in its surroundings."""
        for c in ans.citations:
            if not c.context and c.chunk_id in st.chunks:
                c.context = st.source(st.chunks[c.chunk_id])

    @staticmethod
    def _naive(st: _State, question: str) -> Answer:
        """Baseline: the top 3 dense chunks, quoted as they are; no figure table, no refusal logic."""
        from app.text.retrieve import as_retrieved

        hits = st.retriever.search(question, 3, dense_only=True)
        if not hits:
            return Answer(question=question, answer="", route="naive")
        cites = [Citation(h.chunk.doc_name, h.chunk.section, st.source(h.chunk), h.chunk.start, h.chunk.end,
                          h.chunk.id) for h in hits]
        return Answer(question=question, answer=cites[0].text, route="naive", citations=cites,
                      retrieved=as_retrieved(hits, st.source))

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
