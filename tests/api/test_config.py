import pytest

from api import metrics
from api.config import Settings
from api.main import load_analyzer


def test_the_served_model_is_read_from_model_weights_dir(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "model_card.json")):
        load_analyzer(Settings(environment="test", model_weights_dir=tmp_path), metrics.Metrics())
