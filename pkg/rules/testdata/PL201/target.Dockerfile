# lint target=dev
FROM python:3.11-slim AS base
ENV APP=/app

FROM base AS dev
# want PL201
RUN pip install pytest==8.2.0

FROM base AS prod
RUN pip install gunicorn==22.0.0
