"""``Detector``: text -> spans, fail-closed.

Pipeline per document (or per conversation): lowercase ASR-style text is truecased for analysis
(known names capitalized, same length, so offsets do not move); Presidio analyzes it (spaCy batched
via ``nlp.pipe``; texts longer than ``chunk_chars`` in overlapping chunks so entities on a boundary are
still caught); NER spans pass the precision guards; thresholds and the allow-list apply; confident
values propagate over the whole document/conversation; overlaps are merged (``spans.resolve_overlaps``).

Presidio skips a regex that times out and only logs a warning; here that warning turns into a
``RecordError(DETECT_REGEX_TIMEOUT)`` so the record is quarantined instead of passing half-scanned.
Errors carry reason codes only, never text.
"""

from __future__ import annotations

import logging
import threading
from functools import partial

from transforms import reasons
from transforms.config import DetectionConfig
from transforms.detection.analyzer import build_analyzer
from transforms.detection.blocks import contact_block_spans
from transforms.detection.cue_forms import cue_spans
from transforms.detection.engines.base import NerHit
from transforms.detection.entries import entry_spans
from transforms.detection.forms import reshape_spans
from transforms.detection.guards import Guards
from transforms.detection.lean import LeanAnalyzer
from transforms.detection.memo import AnalysisMemo
from transforms.detection.model_integrity import ModelInfo
from transforms.detection.name_evidence import evidence_spans
from transforms.detection.org_shapes import caps_org_spans, title_org_spans
from transforms.detection.propagation import Propagator, unify_labels
from transforms.detection.prose import repair
from transforms.detection.recognizer_config import load_recognizers_file
from transforms.detection.recognizers.persons import is_lowercase_text
from transforms.detection.span_cuts import cut_spans
from transforms.detection.spans import filter_spans, resolve_overlaps
from transforms.detection.truecase import decapitalize_shouting, kind_at, recase, segments, truecase
from transforms.errors import RecordError
from transforms.record import Span
from transforms.speakers import is_named_speaker


class _TimeoutWatch(logging.Handler):
    """Notes Presidio's "timed out" warnings raised on the current thread."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if "timed out" in str(record.msg):
            self.local.hit = True

    def reset(self) -> None:
        self.local.hit = False

    @property
    def hit(self) -> bool:
        return getattr(self.local, "hit", False)


class Detector:
    """Heavy object (spaCy + Presidio): build once per worker, e.g. in ``DoFn.setup()``."""

    def __init__(
        self, cfg: DetectionConfig, *, optimized: bool = True, batch_size: int = 64, ner_child: bool = False
    ) -> None:
        """``ner_child``: run spaCy in a child process, overlapped with the rest (``ner_child.py``; only
        where a core is otherwise idle: same spans, more cores). Needs ``optimized``."""
        self.cfg = cfg
        self.rules = load_recognizers_file(cfg.recognizers_file)
        self.engine, self.model_info = build_analyzer(cfg, self.rules, optimized=optimized)
        self.batch_size, self.optimized = batch_size, optimized
        self._lean = LeanAnalyzer(self.engine, "en", cfg.entities) if optimized else None
        self._memo = AnalysisMemo() if optimized else None  # repeated short texts are analysed once
        self._allow = {w.casefold() for w in cfg.allow_list}
        regions = self.rules.predefined.params.get("PhoneRecognizer", {}).get("supported_regions", ["US"])
        self.guards = Guards(self.rules.guards, self.rules.methods, regions, self.rules.location)
        self.propagator = Propagator(self.rules.propagation, self.rules.guards.stop_words)
        self._org_heads = frozenset(self.rules.guards.org_heads)
        self._title_nouns = frozenset(w.lower() for w in self.rules.guards.title_nouns)
        self._watch = _TimeoutWatch()
        self._logger = logging.getLogger("presidio-analyzer")
        self._logger.addHandler(self._watch)
        if self._logger.getEffectiveLevel() > logging.WARNING:
            self._logger.setLevel(logging.WARNING)
        from transforms.detection.ner_ahead import ChildUsers, Prepared, start_lookahead

        self._sent = Prepared()  # a batch sent ahead is analysed a few batches later
        self._child = ChildUsers(partial(start_lookahead, self.engine.nlp_engine, cfg.nlp.name, cfg.nlp.hashes_file))
        if ner_child:
            self.attach_child()

    def attach_child(self) -> None:
        """One more user of an NER child (``redact detect``'s service, or anything sharing this detector):
        one starts if none runs. Needs ``optimized``; a child that cannot start leaves spaCy in process."""
        if self.optimized:
            self._child.attach()

    def detach_child(self) -> None:
        """One user fewer; the last one stops the child."""
        self._child.detach()
        self._sent.clear()  # no text outlives the bundles that sent it (a batch still due is prepared again)

    @property
    def overlapped(self) -> bool:
        """Does a child process run spaCy ahead of the analysis (``send_ahead`` every text of a batch)?"""
        ahead = self._child.ahead
        return ahead is not None and ahead.alive

    def close(self) -> None:
        """Stop the NER child, if any (also done when the detector is garbage-collected)."""
        self._child.close()
        self._sent.clear()

    @property
    def model(self) -> ModelInfo:
        return self.model_info

    def detect(self, text: str) -> list[Span]:
        """Spans in ``text`` after guards, thresholds, allow-list, propagation and the overlap policy."""
        return self.detect_turns([text])[0]

    def detect_many(
        self, texts: list[str], ner_hits: list[list[NerHit]] | None = None
    ) -> list[list[Span] | RecordError]:
        """One result per independent document; spaCy runs batched. Failures are returned, not raised.
        ``ner_hits``: precomputed hits of the extra NER engines, one list per text (or None)."""
        prepared = [self._sent.of(t, self._prepare) for t in texts]
        artifacts = self._nlp_batch(prepared)
        out: list[list[Span] | RecordError] = []
        for i, text in enumerate(texts):
            try:
                hits = ner_hits[i] if ner_hits else None
                spans = self._spans(text, prepared[i], artifacts.get(i), None, hits)
                out.append(self._finish([text], [spans])[0])
            except RecordError as exc:
                out.append(exc)
        return out

    def detect_turns(
        self, texts: list[str], speakers: list[str] | None = None, ner_hits: list[list[NerHit]] | None = None
    ) -> list[list[Span]]:
        """Spans per turn; propagation spans all turns, and each turn sees the previous turn as context.
        All turns go through spaCy in one batch. Raises ``RecordError``."""
        prepared = [self._sent.of(t, self._prepare) for t in texts]
        contexts = self.turn_contexts(texts)
        artifacts = self._nlp_batch(prepared, contexts)
        per_turn = []
        for i, text in enumerate(texts):
            hits = ner_hits[i] if ner_hits else None
            per_turn.append(self._spans(text, prepared[i], artifacts.get(i), contexts[i], hits))
        return self._finish(texts, per_turn, speakers)

    def turn_contexts(self, texts: list[str]) -> list[list[str] | None]:
        """Each turn's context words for Presidio: the last words of the turn before it."""
        n = self.rules.transcript.turn_context_words
        return [None] + [previous.split()[-n:] or None for previous in texts[:-1]]

    def send_ahead(self, documents: list[str], conversations: list[list[str]]) -> None:
        """With an NER child (``overlapped``): every text of a batch (the documents, then each
        conversation's turns, in the order detection will ask for them) goes to the child now, except
        those whose analysis or spaCy artifacts are remembered; returns at once. Nothing otherwise."""
        ahead, memo = self._child.ahead, self._memo
        if ahead is None or not ahead.alive or memo is None:
            return
        texts, contexts = list(documents), [None] * len(documents)
        for turns in conversations:
            texts += turns
            contexts += self.turn_contexts(turns)
        prepare = self._sent.batch(self._prepare)
        ahead.new_batch()
        ahead.submit(
            t
            for t, context in zip((prepare(t) for t in texts), contexts, strict=True)
            if t.strip() and len(t) <= self.cfg.chunk_chars and not memo.has_results(t, context)
            if memo.artifacts_of(t) is None
        )

    def prefetch(self, texts: list[str]) -> None:
        """Run spaCy once over the short texts of several conversations (e.g. every turn of a batch of
        records), so that ``detect_turns`` finds their artifacts remembered (``memo.py``) instead of making
        one small ``nlp.pipe`` call per conversation. Only texts the memo keeps are run (at most as many
        as it holds); a failure here is ignored (each conversation then runs spaCy itself). With an NER
        child, ``send_ahead`` does this instead."""
        memo = self._memo
        if memo is None:
            return
        try:
            wanted = [
                t
                for t in dict.fromkeys(self._prepare(t) for t in texts)
                if t.strip() and len(t) <= memo.max_chars and memo.artifacts_of(t) is None
            ][: memo.artifacts.size]
            if len(wanted) < 2:
                return
            docs = self.engine.nlp_engine.process_batch(wanted, "en", batch_size=self.batch_size)
            for text, (_, art) in zip(wanted, docs, strict=True):
                memo.keep_artifacts(text, art)
        except Exception:  # nothing remembered: detect_turns runs spaCy as before
            return

    def _nlp_batch(self, prepared: list[str], contexts: list | None = None) -> dict:
        """spaCy artifacts of every text short enough to be analysed whole, by index (``nlp.pipe``). Texts
        whose analysis (with their ``contexts``) is remembered need none; remembered artifacts are reused;
        each distinct text goes through spaCy once (``memo.py``: same artifacts, same results)."""
        batchable = [i for i, t in enumerate(prepared) if t.strip() and len(t) <= self.cfg.chunk_chars]
        if not batchable or not self.optimized:  # the reference path lets Presidio run spaCy per text
            return {}
        memo, out, todo = self._memo, {}, {}
        for i in batchable:
            text = prepared[i]
            if memo.has_results(text, contexts[i] if contexts else None):
                continue
            known = memo.artifacts_of(text)
            if known is not None:
                out[i] = known
            else:
                todo.setdefault(text, []).append(i)
        if not todo:
            return out
        ahead = self._child.ahead
        if ahead is not None and ahead.alive:  # sent ahead by ``send_ahead`` (or now): each waited for when analysed
            from transforms.detection.ner_ahead import Waiting

            ahead.submit(todo, again=False)
            return Waiting(out, todo, ahead, memo.keep_artifacts)
        try:
            docs = self.engine.nlp_engine.process_batch(list(todo), "en", batch_size=self.batch_size)
            for (text, where), (_, art) in zip(todo.items(), docs, strict=True):
                memo.keep_artifacts(text, art)
                out.update((i, art) for i in where)
        except Exception:  # fall back to one text at a time; a failing text then fails alone
            pass
        return out

    def _prepare(self, text: str) -> str:
        """The text spaCy sees: same length and offsets, casing normalized (see ``truecase``)."""
        t = self.rules.transcript
        if self.rules.methods.segment_casing:
            return recase(text, self.rules.guards.stop_words, t.name_max_zipf)
        if t.truecase and is_lowercase_text(text, t.max_upper_ratio):
            return truecase(text, self.rules.guards.stop_words, t.name_max_zipf)
        if t.decapitalize_shouting:
            fixed = decapitalize_shouting(text)
            if fixed != text:
                return fixed
        return text

    def _spans(self, text: str, analysis_text: str, artifacts, context, hits=None) -> list[Span]:
        if not text.strip():
            return []
        casing = self._casing(text)
        raw: list[Span] = self._hit_spans(text, analysis_text, hits, casing) if hits else []
        for offset, chunk in self._chunks(analysis_text):
            arts = artifacts if offset == 0 and len(chunk) == len(analysis_text) else None
            for r in self._analyze(chunk, arts, context):
                start, end = r.start + offset, r.end + offset
                source = (r.recognition_metadata or {}).get("recognizer_name")
                if self.guards.applies(source) and not self._guard_keep(
                    text, analysis_text, start, end, r.entity_type, casing
                ):
                    continue
                if not self.guards.check(text, start, end, r.entity_type):
                    continue
                raw.append(Span(start, end, r.entity_type, r.score))
        if self.rules.methods.field_gap_cuts:
            raw = cut_spans(text, raw, self._org_heads)
        return filter_spans(
            raw,
            text,
            default_threshold=self.cfg.score_threshold,
            thresholds=self.cfg.thresholds,
            allow_list=self._allow,
        )

    def _casing(self, text: str) -> tuple[list | None, bool]:
        """(ALL-CAPS/cased/lower segments when ``segment_casing`` is on, whether the text is cased)."""
        max_upper = self.rules.transcript.max_upper_ratio
        segs = segments(text, max_upper) if self.rules.methods.segment_casing else None
        return segs, not is_lowercase_text(text, max_upper)

    def _guard_keep(self, text: str, analysis_text: str, start: int, end: int, label: str, casing) -> bool:
        """``Guards.keep`` for one NER span, judged by the casing of the segment it starts in; spaCy's and
        extra engines' hits go through this one call so they are judged alike."""
        segs, cased = casing
        kind = kind_at(segs, start) if segs is not None else ("cased" if cased else "lower")
        return self.guards.keep(
            text[start:end],
            label,
            kind == "cased",
            analysis_text[start:end],
            text[max(0, start - 30) : start],
            upper=kind == "upper",
            where=(text, start, end),
        )

    def _hit_spans(self, text: str, analysis_text: str, hits: list[NerHit], casing=None) -> list[Span]:
        """Hits of extra NER engines, mapped to entities like spaCy's and held to the same NER guards."""
        ner = self.rules.ner
        casing = casing or self._casing(text)
        out = []
        for h in hits:
            if h.label in ner.labels_to_ignore or not 0 <= h.start < h.end <= len(text):
                continue
            label = ner.model_to_presidio_entity_mapping.get(h.label, h.label)
            if self.guards.applies("SpacyRecognizer") and not self._guard_keep(
                text, analysis_text, h.start, h.end, label, casing
            ):
                continue
            out.append(Span(h.start, h.end, label, h.score))
        return out

    def _finish(self, texts: list[str], spans: list[list[Span]], speakers: list[str] | None = None):
        extra: dict = {}
        for sp in speakers or []:
            if is_named_speaker(sp):
                self.propagator.add_value(extra, sp, "PERSON")
        stop = self.propagator.stop
        m = self.rules.methods
        spans = [
            doc + contact_block_spans(text, doc, stop, ordinary_caps=m.caps_derived_words)
            for text, doc in zip(texts, spans, strict=True)
        ]
        spans = [
            doc
            + entry_spans(
                t,
                doc,
                pairs_on=m.place_pairs,
                heads_on=m.entry_heads,
                org_heads=self._org_heads,
                title_nouns=self._title_nouns,
            )
            + (caps_org_spans(t, service_heads=m.service_org_heads) if m.caps_org_names else [])
            + (title_org_spans(t, service_heads=m.service_org_heads) if m.title_org_names else [])
            for t, doc in zip(texts, spans, strict=True)
        ]
        g = self.guards
        spans = [
            doc + evidence_spans(t, doc, g.stop, g.org_heads, g.roles, g.common, m)
            for t, doc in zip(texts, spans, strict=True)
        ]
        spans = [cue_spans(t, doc, m, g.stop, self._org_heads) for t, doc in zip(texts, spans, strict=True)]
        spans = [repair(t, doc, g.stop, g.org_heads, g.common, m) for t, doc in zip(texts, spans, strict=True)]
        try:
            spans = self.propagator.apply(texts, spans, extra)
        except TimeoutError:
            raise RecordError(reasons.DETECT_REGEX_TIMEOUT, "propagation regex timed out") from None
        if self.rules.methods.one_label:
            spans = unify_labels(texts, spans)
        spans = [reshape_spans(t, doc, m, self.cfg) for t, doc in zip(texts, spans, strict=True)]  # forms.py
        out = []
        for text, doc_spans in zip(texts, spans, strict=True):
            kept = [s for s in doc_spans if not self._allowed(text[s.start : s.end])]
            out.append(resolve_overlaps(kept))
        return out

    def _allowed(self, value: str) -> bool:
        return bool(self._allow) and value.strip().casefold() in self._allow

    def _analyze(self, chunk: str, artifacts, context):
        # Timeouts are only visible through Presidio's warning: if something disabled that logger
        # (logging.disable, dictConfig), we cannot tell a clean scan from a skipped one -> fail closed.
        if self._logger.disabled or not self._logger.isEnabledFor(logging.WARNING):
            raise RecordError(reasons.DETECT_ERROR, "presidio warnings are disabled: regex timeouts undetectable")
        key = self._memo.key(chunk, context) if self._memo is not None else None
        if key is not None:
            known = self._memo.results.get(key)
            if known is not None:  # this text was analysed with this context before (``memo.py``)
                return known
        self._watch.reset()
        try:
            if self._lean is not None:  # the same results without Presidio's per-call orchestration
                results = self._lean.analyze(chunk, artifacts, context)
            else:  # the reference path
                results = self.engine.analyze(
                    text=chunk, language="en", entities=self.cfg.entities, nlp_artifacts=artifacts, context=context
                )
        except Exception as exc:  # foreign errors may echo input: keep the type only
            raise RecordError(reasons.DETECT_ERROR, f"detection failed: {type(exc).__name__}") from None
        if self._watch.hit:
            raise RecordError(reasons.DETECT_REGEX_TIMEOUT, "a recognizer regex timed out")
        if key is not None:
            results = tuple(results)
            self._memo.results.put(key, results)
        return results

    def _chunks(self, text: str):
        """Overlapping windows cut at whitespace (when there is some near the edge), so no chunk starts or
        ends mid-word and an entity up to ``chunk_overlap_chars`` long is whole in at least one chunk."""
        size, overlap = self.cfg.chunk_chars, self.cfg.chunk_overlap_chars
        if len(text) <= size:
            yield 0, text
            return
        start = 0
        while True:
            end = min(len(text), start + size)
            if end < len(text):
                cut = max(text.rfind(" ", end - overlap // 2, end), text.rfind("\n", end - overlap // 2, end))
                end = cut if cut > start else end
            yield start, text[start:end]
            if end >= len(text):
                break
            nxt = max(start + 1, end - overlap)
            ws = max(text.find(" ", nxt, end), -1)
            start = ws + 1 if ws > nxt and ws - nxt < overlap // 2 else nxt
