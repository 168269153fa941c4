"""``replacement:`` configuration (pydantic, validated when the run's config is loaded).

```yaml
replacement:
  mode: token                 # token | typed | indexed | surrogate
  per_entity: {DATE_TIME: date_shift}
```

``per_entity`` overrides the mode for one entity type and may also name ``date_shift``. Unknown modes and
keys fail at config load with a one-line error (no silent fallback).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Mode = Literal["token", "typed", "indexed", "surrogate"]
EntityMode = Literal["token", "typed", "indexed", "surrogate", "date_shift"]
DEFAULT_MODE: Mode = "token"  # why token stays the default: README, "Measured" (replacement modes)


class ReplacementConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    mode: Mode = DEFAULT_MODE
    per_entity: dict[str, EntityMode] = Field(default_factory=dict)

    @field_validator("per_entity")
    @classmethod
    def _entity_names(cls, v: dict[str, str]) -> dict[str, str]:
        for name in v:
            if not name or not name.replace("_", "").isalnum() or name.upper() != name:
                raise ValueError(f"per_entity key {name!r} must be an entity type in capitals (e.g. DATE_TIME)")
        return v

    def mode_for(self, entity_type: str) -> str:
        return self.per_entity.get(entity_type, self.mode)
