# The builder's pip cache is thrown away with the stage: no PL201 there.
FROM python:3.11 AS build
RUN pip wheel --wheel-dir /wheels torch==2.3.1
RUN pip install build==1.2.1

FROM python:3.11-slim AS runtime
COPY --from=build /wheels /wheels
# want PL201
RUN pip install /wheels/*.whl
RUN --mount=type=cache,target=/root/.cache/pip pip install numpy==1.26.4
RUN pip install --no-cache-dir pandas==2.2.2
