"""The NLP model is a supply-chain artifact: hash its files at load and compare with a committed manifest.

Manifests live in ``transforms/detection/model_hashes/<package>-<version>.json`` (or a path given in the
config). ``model_sha256`` (recorded in lineage) is the sha256 of the sorted "path sha256" lines.
Generate a manifest for another installed model with ``redact model-hashes --model NAME``.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
from dataclasses import dataclass
from pathlib import Path

from transforms.errors import ConfigError, IntegrityError

MANIFEST_DIR = Path(__file__).parent / "model_hashes"


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    version: str
    sha256: str


def model_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ConfigError(f"spaCy model package {name!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def model_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        try:
            return importlib.metadata.version(name.replace("_", "-"))
        except importlib.metadata.PackageNotFoundError:
            return "unknown"


def hash_files(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            h = hashlib.sha256()
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    h.update(block)
            files[path.relative_to(root).as_posix()] = h.hexdigest()
    return files


def aggregate(files: dict[str, str]) -> str:
    lines = "".join(f"{p} {h}\n" for p, h in sorted(files.items()))
    return hashlib.sha256(lines.encode()).hexdigest()


def build_manifest(name: str) -> dict:
    files = hash_files(model_dir(name))
    return {"package": name, "version": model_version(name), "sha256": aggregate(files), "files": files}


def default_manifest_path(name: str) -> Path:
    return MANIFEST_DIR / f"{name}-{model_version(name)}.json"


def verify_model(name: str, manifest_path: str | None = None) -> ModelInfo:
    """Hash the installed model's files; raise ``IntegrityError`` on any difference from the manifest."""
    path = Path(manifest_path) if manifest_path else default_manifest_path(name)
    if not path.exists():
        raise ConfigError(
            f"no hash manifest for spaCy model {name!r} at {path}; create one with "
            f"'redact model-hashes --model {name} --output FILE' and set nlp.hashes_file"
        )
    try:
        expected = json.loads(path.read_text())["files"]
    except (ValueError, KeyError):
        raise ConfigError(f"model hash manifest {path} is not valid JSON with a 'files' map") from None
    actual = hash_files(model_dir(name))
    if actual != expected:
        changed = sorted(set(actual.items()) ^ set(expected.items()))
        first = changed[0][0] if changed else "?"
        raise IntegrityError(
            f"spaCy model {name!r} does not match its pinned hashes ({len(changed)} differing entries, e.g. {first}); "
            "refusing to load it"
        )
    return ModelInfo(name=name, version=model_version(name), sha256=aggregate(actual))
