# A stage whose whole filesystem is copied into the target ships.
FROM python:3.11-slim AS deps
# want PL201
RUN pip install flask==3.0.3

FROM scratch
COPY --from=deps / /
