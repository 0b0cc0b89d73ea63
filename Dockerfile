# One image for every saveroute service; the first argument chooses which one runs:
#   docker run saveroute enrichment | classification | routing | metrics | alerts | approvals | deadlines | gateway
#   docker run saveroute create-topics
#   docker run saveroute saveroute route - < scenarios.jsonl
FROM python:3.11-slim AS build
# a C compiler for mypyc, which compiles the engine's text modules (setup.py)
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml setup.py README.md ./
COPY libs ./libs
COPY services ./services
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --home-dir /app saveroute
WORKDIR /app
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
# The Avro schemas are read at start (not packaged in the wheel).
COPY schemas /app/schemas
# The production profile: bootstrap servers and Redis must be given; metrics on 0.0.0.0:9108.
ENV SAVEROUTE_PROFILE=production \
    SAVEROUTE_SCHEMAS_DIR=/app/schemas \
    SAVEROUTE_METRICS_PORT=9108 \
    PYTHONUNBUFFERED=1
USER saveroute
EXPOSE 9108
ENTRYPOINT ["saveroute-service"]
CMD ["--help"]
