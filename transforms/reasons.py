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
READ_VANISHED = "read.vanished"  # listed, gone (or replaced) before it could be opened
READ_CHANGED = "read.changed"  # a different file sat at the path when it was opened
READ_TOO_LARGE = "read.too_large"  # above input.max_file_bytes (checked by stat before reading)

# Listed input paths that are never read (policy drops: counted under "dropped", nothing is written)
INPUT_HIDDEN = "input.hidden"  # hidden file or folder
INPUT_SYMLINK_ESCAPE = "input.symlink_escape"  # a symlink resolving outside the input root
INPUT_SYMLINK_DIR = "input.symlink_dir"  # symlinks to folders are never entered
INPUT_BROKEN_SYMLINK = "input.broken_symlink"
INPUT_SYMLINK_LOOP = "input.symlink_loop"
INPUT_NOT_REGULAR = "input.not_regular"  # FIFO, socket, device: never opened
INPUT_EXCLUDED = "input.excluded"  # an output root or the local KEK file
INPUT_UNSAFE_KEY = "input.unsafe_key"  # an object key with "." or ".." segments
INPUT_VANISHED = "input.vanished"  # gone between listing a folder and classifying the path
INPUT_UNLISTABLE = "input.unlistable"  # a folder or path that could not be listed or stat'ed

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
PARSE_IMPLAUSIBLE_TEXT = "parse.implausible_text"  # decoded, but not text any language has

# Policy drops (retention rules)
DROP_RETENTION_CONSENT = "policy.retention_consent_required"

# Purge (records removed from a new dataset version; counted in the purge audit event)
PURGE_EXPIRED = "purge.expired"
PURGE_SUBJECT = "purge.subject_erasure"
PURGE_HELD = "purge.legal_hold"  # would have been purged, kept because of a legal hold
PURGE_QUARANTINE_SUBJECT = "purge.quarantine_subject_erasure"
PURGE_QUARANTINE_EXPIRED = "purge.quarantine_expired"
PURGE_QUARANTINE_LINKED = "purge.quarantine_linked_to_removed_record"
