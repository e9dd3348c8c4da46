# The full image is fine where wheels are compiled; the image that ships is slim.
FROM python:3.11 AS build
RUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==1.26.4

FROM python:3.11-slim
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl
