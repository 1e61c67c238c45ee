# The same environment as `make serve`: CPU torch first, then the project, then the one-time model build.
# Production needs a signing secret and somewhere to keep the database (or DATABASE_URL for PostgreSQL):
#   docker run -e BALANCE_SECRET_KEY=$(openssl rand -hex 32) -v balance-data:/app/data -p 8000:8000 balance
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 BALANCE_MODEL_CACHE_DIR=/app/.model-cache BALANCE_ENVIRONMENT=production \
    BALANCE_DATA_DIR=/app/data

RUN useradd --create-home --uid 10001 app
WORKDIR /app
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY api ./api
COPY models ./models
COPY pipeline ./pipeline
COPY scripts ./scripts
RUN pip install . && mkdir -p /app/data && chown -R app /app
USER app
RUN python -m scripts.build_model

VOLUME /app/data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2)"
CMD ["uvicorn", "api.serve:app", "--host", "0.0.0.0", "--port", "8000"]
