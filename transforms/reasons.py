"""Reason codes for quarantine and policy drops. Stable strings: they appear in summaries and manifests."""

# Parsing
PARSE_INVALID_UTF8 = "parse.invalid_utf8"
PARSE_INVALID_JSON = "parse.invalid_json"
PARSE_NOT_OBJECT = "parse.not_object"
PARSE_MISSING_TEXT = "parse.missing_text"
PARSE_BAD_MESSAGES = "parse.bad_messages"
PARSE_TOO_DEEP = "parse.too_deep"
PARSE_UNSUPPORTED = "parse.unsupported_format"
PARSE_ERROR = "parse.error"
READ_ERROR = "read.error"

# Detection and tokenization
DETECT_ERROR = "detect.error"
DETECT_REGEX_TIMEOUT = "detect.regex_timeout"
TOKENIZE_ERROR = "tokenize.error"

# Policy drops (not failures: counted under "dropped")
DROP_NO_CONSENT = "policy.no_consent"
DROP_EMPTY = "policy.empty"

# Parsing: formats beyond JSON Lines (issue 4)
PARSE_BINARY = "parse.binary"
PARSE_TOO_LARGE = "parse.too_large"
PARSE_ENCRYPTED = "parse.encrypted"
PARSE_TRUNCATED = "parse.truncated"
PARSE_CORRUPT = "parse.corrupt"
PARSE_BAD_TRANSCRIPT = "parse.bad_transcript"

# Policy drops (retention rules)
DROP_RETENTION_CONSENT = "policy.retention_consent_required"

# Purge (records removed from a new dataset version; counted in the purge audit event)
PURGE_EXPIRED = "purge.expired"
PURGE_SUBJECT = "purge.subject_erasure"
PURGE_HELD = "purge.legal_hold"  # would have been purged, kept because of a legal hold
PURGE_QUARANTINE_SUBJECT = "purge.quarantine_subject_erasure"
PURGE_QUARANTINE_EXPIRED = "purge.quarantine_expired"
PURGE_QUARANTINE_LINKED = "purge.quarantine_linked_to_removed_record"
