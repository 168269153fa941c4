"""The time budget of the cue-form methods' regex scans (``cue_forms`` and the modules it calls).

Every scan over a document or a line of it passes ``timeout=REGEX_TIMEOUT_SECONDS`` (the ``regex``
module raises ``TimeoutError`` when it is spent); ``cue_forms.cue_spans`` turns that into
``RecordError(DETECT_REGEX_TIMEOUT)``, so a record whose scan did not finish is quarantined (fail
closed), never passed half-scanned and never a bare traceback. Same budget as propagation's scans.
"""

REGEX_TIMEOUT_SECONDS = 5.0
