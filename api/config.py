"""The one Settings class: every environment variable the service reads, with its default.

Only api/ reads the environment; the pipeline gets frozen config objects built from these.
"""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.classifier import DEFAULT_CACHE
from pipeline.analyze import AnalysisConfig
from pipeline.profile import ProfileConfig


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BALANCE_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    model_backend: Literal["auto", "onnx-int8", "onnx-fp32", "torch"] = "auto"
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

    @model_validator(mode="after")
    def _check(self) -> "Settings":
        if self.environment == "production" and self.model_backend == "torch":
            raise ValueError("BALANCE_MODEL_BACKEND=torch is the reference path; serve onnx-int8 in production")
        return self

    def analysis_config(self) -> AnalysisConfig:
        """The pipeline's frozen config, built from these settings."""
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
