"""Named mappings for the exports people really have (survey tools, shops, help desks): one JSON file each in
this folder, loadable as `--mapping preset:NAME` and from the Data page's picker."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from data_access.mapping import Mapping
from data_access.readers import ImportRejected

PRESETS = Path(__file__).parent
PRESET_PREFIX = "preset:"


@dataclass(frozen=True)
class Preset:
    """A named mapping for a common export, with the dataset it is for and where that layout comes from."""

    name: str
    dataset: str
    description: str
    mapping: Mapping


def presets() -> dict[str, Preset]:
    """The presets shipped under data_access/presets/, by name."""
    found = {}
    for path in sorted(PRESETS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found[path.stem] = Preset(path.stem, data["dataset"], data["description"],
                                  Mapping.from_json(path.read_text(encoding="utf-8"), path.name))
    return found


def load_mapping(spec: str) -> Mapping:
    """A mapping from a JSON file, or `preset:NAME` for a shipped preset."""
    if spec.startswith(PRESET_PREFIX):
        name = spec.removeprefix(PRESET_PREFIX)
        known = presets()
        if name not in known:
            raise ImportRejected(spec, f"there is no preset {name!r}; the presets are: {', '.join(known)}.")
        return known[name].mapping
    path = Path(spec)
    if not path.is_file():
        raise ImportRejected(spec, "the mapping file does not exist.")
    return Mapping.from_json(path.read_text(encoding="utf-8"), path.name)
