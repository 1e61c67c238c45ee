"""Property-based API tests from the app's own OpenAPI document: no 5xx, no answer off the schema."""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from api.config import Settings
from api.main import create_app

app = create_app(Settings(environment="test"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module", autouse=True)
def loaded_model():
    """Run the lifespan once, so every generated call reaches a loaded model."""
    with TestClient(app):
        yield


@pytest.mark.model
@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_never_errors_or_breaks_its_schema(case):
    """A schema-valid body may still hold no speech or name an absent speaker: those are 422s by design."""
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
