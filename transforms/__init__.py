"""Composite Beam transforms and the Beam-free logic they wrap.

Privacy contract for the whole package: raw values never appear in logs, exceptions, metrics or
non-encrypted outputs. Anything that leaves a stage is either redacted text, a token, an id or a hash.
"""

PIPELINE_VERSION = "0.1.0"
