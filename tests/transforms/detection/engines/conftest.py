from __future__ import annotations

import pytest

from tests.transforms.detection.engines.tiny_model_fixtures import HAS_HF, SKIP_REASON, engine_dict, make_pinned_model
from transforms.detection.engines.config import HfTokenClassificationEngine


@pytest.fixture(scope="module")
def pinned(tmp_path_factory):
    if not HAS_HF:
        pytest.skip(SKIP_REASON)
    return make_pinned_model(tmp_path_factory.mktemp("engines"))


@pytest.fixture
def engine_cfg(pinned):
    def make(**overrides) -> HfTokenClassificationEngine:
        return HfTokenClassificationEngine.model_validate(engine_dict(*pinned, **overrides))

    return make
