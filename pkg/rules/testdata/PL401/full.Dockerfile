# want PL401
FROM python:3.12-bookworm
RUN pip install --no-cache-dir flask==3.0.3
