"""``AnalyzerEngine.analyze`` for one fixed request shape, without its per-call orchestration.

``Detector`` asks Presidio the same question for every text: one language, one entity selection, no
score threshold, no ad-hoc recognizers, no allow list, no decision process. For every call
``AnalyzerEngine.analyze`` re-selects the recognizers from the registry, re-lists the supported
entities, checks each recognizer's loaded flag, and at the end walks every result to drop its
explanation. ``LeanAnalyzer`` does the selection once (the same list, in the same order: a registry
that is not changed afterwards answers every call alike) and then runs exactly the rest of Presidio's
steps in Presidio's order: each recognizer's ``analyze``, the recognizer id/name stamped on results
that lack them, context enhancement (the engine's own ``_enhance_using_context``, so whatever is
installed on the engine runs), the per-recognizer score thresholds, ``remove_duplicates`` and the
removal of the explanations. Same results, same order, same objects' fields
(``tests/transforms/detection/test_lean.py`` compares it with ``AnalyzerEngine.analyze``).

A request shape it does not cover (decision-process logging on) goes to ``AnalyzerEngine.analyze``.
Nothing here logs or keeps text.
"""

from __future__ import annotations


class LeanAnalyzer:
    """``engine.analyze(text, language, entities, nlp_artifacts=..., context=...)`` with the recognizer
    selection done once. Build it after the engine's registry is final (``analyzer.build_analyzer``)."""

    def __init__(self, engine, language: str = "en", entities: list[str] | None = None) -> None:
        self.engine, self.language, self.requested = engine, language, entities
        self._selected: tuple[list, list[str]] | None = None

    def _selection(self) -> tuple[list, list[str]]:
        """(recognizers, entities) exactly as ``AnalyzerEngine.analyze`` selects them; raises like it."""
        if self._selected is None:
            engine, all_fields = self.engine, not self.requested
            recognizers = engine.registry.get_recognizers(
                language=self.language, entities=self.requested, all_fields=all_fields
            )
            entities = engine.get_supported_entities(language=self.language) if all_fields else self.requested
            for recognizer in recognizers:  # Presidio loads lazily on first use; nothing reads the order
                if not recognizer.is_loaded:
                    recognizer.load()
                    recognizer.is_loaded = True
            self._selected = (recognizers, entities)
        return self._selected

    def analyze(self, text: str, nlp_artifacts=None, context: list[str] | None = None) -> list:
        engine = self.engine
        if engine.log_decision_process:
            return engine.analyze(
                text=text, language=self.language, entities=self.requested, nlp_artifacts=nlp_artifacts, context=context
            )
        from presidio_analyzer import EntityRecognizer, RecognizerResult

        recognizers, entities = self._selection()
        if not nlp_artifacts:
            nlp_artifacts = engine.nlp_engine.process_text(text, self.language)
        id_key, name_key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, RecognizerResult.RECOGNIZER_NAME_KEY
        results: list = []
        for recognizer in recognizers:
            found = recognizer.analyze(text=text, entities=entities, nlp_artifacts=nlp_artifacts)
            if found:
                for r in found:
                    if not r.recognition_metadata:
                        r.recognition_metadata = {}
                    if id_key not in r.recognition_metadata:
                        r.recognition_metadata[id_key] = recognizer.id
                    if name_key not in r.recognition_metadata:
                        r.recognition_metadata[name_key] = recognizer.name
                results.extend(found)
        results = engine._enhance_using_context(text, results, nlp_artifacts, recognizers, context)
        if results:
            results = self._above_thresholds(results, recognizers)
        results = EntityRecognizer.remove_duplicates(results)
        for r in results:
            r.analysis_explanation = None
        return results

    def _above_thresholds(self, results: list, recognizers: list) -> list:
        """``AnalyzerEngine.__remove_low_scores`` without an explicit threshold: each result is held to its
        recognizer's threshold for its entity, else the recognizer's default, else the engine's."""
        from presidio_analyzer import RecognizerResult

        default = self.engine.default_score_threshold
        by_id = {r.id: r.score_thresholds for r in recognizers}
        id_key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        kept = []
        for r in results:
            thresholds = by_id.get((r.recognition_metadata or {}).get(id_key))
            if thresholds is None:
                limit = default
            else:
                limit = thresholds.get(r.entity_type)
                if limit is None:
                    limit = thresholds.get("default")
                    if limit is None:
                        limit = default
            if r.score >= limit:
                kept.append(r)
        return kept
