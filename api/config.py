"""The one Settings class: every environment variable the service reads, with its default.

Only api/ reads the environment; the pipeline gets frozen config objects built from these.
"""

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.classifier import DEFAULT_CACHE, WEIGHTS_DIR

if TYPE_CHECKING:
    from pipeline.analyze import AnalysisConfig


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BALANCE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    model_backend: Literal["auto", "onnx-int8", "onnx-cascade", "onnx-fp32", "torch"] = "auto"
    model_weights_dir: Path = Field(WEIGHTS_DIR, description="A model from scripts/train.py --out; the shipped one by default.")
    model_cache_dir: Path = DEFAULT_CACHE
    model_threads: int = Field(0, ge=0, description="Inference threads; 0 lets ONNX Runtime use every core.")
    max_upload_bytes: int = Field(20 * 1024 * 1024, gt=0)
    max_words: int = Field(60_000, gt=0, description="Longest transcript accepted, in words.")
    request_timeout_seconds: float = Field(60.0, gt=0)
    max_concurrent_analyses: int = Field(2, ge=1)
    max_waiting_analyses: int = Field(8, ge=0, description="Queued analyses beyond which requests get 503.")
    retry_after_seconds: int = Field(5, ge=1)
    deal_dominated_share: float = Field(0.60, ge=0, le=1)
    absent_share: float = Field(0.02, ge=0, le=1)
    manager_talk_share: float = Field(0.65, ge=0, le=1)
    manager_monologue_seconds: float = Field(120.0, gt=0)
    low_rapport_share: float = Field(0.05, ge=0, le=1)
    timeline_window_seconds: float = Field(300.0, gt=0)

    data_dir: Path = Field(Path("data"), description="Where the embedded SQLite database lives.")
    database_url: str | None = Field(
        None, validation_alias=AliasChoices("DATABASE_URL", "BALANCE_DATABASE_URL"),
        description="SQLAlchemy URL, e.g. postgresql+psycopg://user:pw@host/db; unset means SQLite in data_dir.",
    )
    analyze_requires_key: bool = Field(False, description="Also demand an API key on the stateless /v1/analyze.")
    worker_enabled: bool = Field(True, description="Run the job worker inside the API process.")
    worker_threads: int = Field(1, ge=1)
    worker_poll_seconds: float = Field(0.5, gt=0)
    job_lease_seconds: float = Field(30.0, gt=0, description="A running job untouched this long is taken over.")
    job_max_attempts: int = Field(5, ge=1)
    job_backoff_seconds: float = Field(2.0, ge=0, description="Retry n waits backoff * 2^(n-1).")
    callback_url: str | None = Field(None, description="POST every finished analysis here, HMAC-signed.")
    callback_secret: SecretStr | None = None
    http_timeout_seconds: float = Field(30.0, gt=0, description="For downloads from Zoom and Gong and callbacks.")
    webhook_org: str = Field("default", description="Organisation that webhook deliveries are stored under.")
    zoom_webhook_secret: SecretStr | None = None
    zoom_max_skew_seconds: int = Field(300, ge=1)
    gong_webhook_public_key: str | None = Field(None, description="PEM of Gong's RS256 key for signed-JWT webhooks.")
    gong_webhook_url: str | None = Field(None, description="Our webhook URL exactly as configured in Gong.")
    gong_webhook_key: SecretStr | None = Field(None, description="The key for Gong's URL-key webhook mode.")
    gong_api_base: str = "https://api.gong.io"
    gong_access_key: str | None = None
    gong_access_key_secret: SecretStr | None = None
    secret_key: SecretStr | None = Field(None, description="Signs login cookies and share links; required in production.")
    session_hours: float = Field(12.0, gt=0, description="How long a browser login lasts.")
    share_link_days: float = Field(7.0, gt=0, description="How long a report's share link works.")
    trend_window_weeks: int = Field(3, ge=1, description="Weeks compared at each end for deal-review creep.")
    creep_pp: float = Field(10.0, gt=0, description="Rise in deal-status share, in points, that flags creep.")

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.environment == "production" and self.model_backend == "torch":
            raise ValueError("BALANCE_MODEL_BACKEND=torch is the reference path; serve onnx-int8 in production")
        if self.environment == "production":
            if self.secret_key is None:
                raise ValueError("Set BALANCE_SECRET_KEY in production: it signs login cookies and share links")
            for name in ("secret_key", "callback_secret", "zoom_webhook_secret", "gong_webhook_key", "gong_access_key_secret"):
                secret = getattr(self, name)
                if secret is not None and (len(secret.get_secret_value()) < 16 or "change" in secret.get_secret_value()):
                    raise ValueError(f"BALANCE_{name.upper()} looks like a placeholder; set a real secret in production")
        if self.callback_url and self.callback_secret is None:
            raise ValueError("BALANCE_CALLBACK_URL needs BALANCE_CALLBACK_SECRET so receivers can verify the callback")
        return self

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'balance.db').resolve()}"

    def analysis_config(self) -> "AnalysisConfig":
        """The pipeline's frozen config, built from these settings.

        Imported here, not at the top: api/serve.py reads the settings before it may import spaCy, whose
        thinc would otherwise load torch into the serving process.
        """
        from pipeline.analyze import AnalysisConfig
        from pipeline.profile import ProfileConfig

        return AnalysisConfig(
            max_words=self.max_words,
            profile=ProfileConfig(
                deal_dominated=self.deal_dominated_share,
                absent_share=self.absent_share,
                manager_talk=self.manager_talk_share,
                manager_monologue_seconds=self.manager_monologue_seconds,
                low_rapport=self.low_rapport_share,
                window_seconds=self.timeline_window_seconds,
            ),
        )


@lru_cache
def get_settings() -> Settings:
    return Settings()
