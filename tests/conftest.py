import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ["BALANCE_DATA_DIR"] = tempfile.mkdtemp(prefix="balance-tests-")

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.segment import load_nlp

    return load_nlp()


@pytest.fixture(scope="session")
def classifier():
    from models.classifier import SegmentClassifier

    return SegmentClassifier.load()


@pytest.fixture(scope="session")
def app_client(tmp_path_factory):
    from fastapi.testclient import TestClient

    from api.config import Settings
    from api.main import create_app

    settings = Settings(environment="test", data_dir=tmp_path_factory.mktemp("data"))
    with TestClient(create_app(settings)) as client:
        yield client
