"""Models are supply-chain artifacts: hash their files at load and compare with a pinned manifest.

Two kinds of model share one manifest format (``{"files": {relative path: sha256}, "sha256": ...}``):
an installed spaCy package (manifests in ``transforms/detection/model_hashes/<package>-<version>.json`` or
a path given in the config) and a local model folder of an extra NER engine (``verify_folder``; the
manifest path is always given in the config). ``sha256`` (recorded in lineage) is the sha256 of the
sorted "path sha256" lines. Generate a manifest with ``redact model-hashes --model NAME`` or
``redact model-hashes --model-dir PATH``.
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


def build_folder_manifest(folder: str | Path) -> dict:
    """Manifest of every file under a local model folder (an extra NER engine's ONNX export)."""
    root = _folder(folder)
    files = hash_files(root)
    if not files:
        raise ConfigError(f"model folder {folder} holds no files")
    return {"folder": root.name, "sha256": aggregate(files), "files": files}


def load_manifest(path: Path) -> dict[str, str]:
    """The ``files`` map of a manifest; a missing or malformed manifest is a ``ConfigError``."""
    try:
        files = json.loads(path.read_text())["files"]
    except (OSError, ValueError, KeyError, TypeError):
        raise ConfigError(f"model hash manifest {path} is not readable JSON with a 'files' map") from None
    if not isinstance(files, dict) or not files:
        raise ConfigError(f"model hash manifest {path} has an empty or invalid 'files' map")
    return files


def manifest_sha256(path: str | Path) -> str:
    """Aggregate hash pinned by a manifest (what lineage records for the model), without hashing the model."""
    return aggregate(load_manifest(Path(path)))


def verify_model(name: str, manifest_path: str | None = None) -> ModelInfo:
    """Hash the installed model's files; raise ``IntegrityError`` on any difference from the manifest."""
    path = Path(manifest_path) if manifest_path else default_manifest_path(name)
    if not path.exists():
        raise ConfigError(
            f"no hash manifest for spaCy model {name!r} at {path}; create one with "
            f"'redact model-hashes --model {name} --output FILE' and set nlp.hashes_file"
        )
    sha = _compare(f"spaCy model {name!r}", model_dir(name), load_manifest(path))
    return ModelInfo(name=name, version=model_version(name), sha256=sha)


def verify_folder(folder: str | Path, manifest_path: str | Path, name: str) -> ModelInfo:
    """Hash every file of a local model folder; ``IntegrityError`` on any added, missing or changed file."""
    path = Path(manifest_path)
    if not path.is_file():
        raise ConfigError(
            f"no hash manifest for NER engine {name!r} at {path}; create one with "
            "'redact model-hashes --model-dir PATH --output FILE'"
        )
    sha = _compare(f"NER engine {name!r}", _folder(folder), load_manifest(path))
    return ModelInfo(name=name, version=sha[:12], sha256=sha)


def _folder(folder: str | Path) -> Path:
    root = Path(folder)
    if not root.is_dir():
        raise ConfigError(f"model folder not found: {folder}")
    return root


def _compare(what: str, root: Path, expected: dict[str, str]) -> str:
    actual = hash_files(root)
    if actual != expected:
        changed = sorted({p for p, _ in set(actual.items()) ^ set(expected.items())})
        raise IntegrityError(
            f"{what} does not match its pinned hashes ({len(changed)} differing files, e.g. {changed[0]}); "
            "refusing to load it"
        )
    return aggregate(actual)
