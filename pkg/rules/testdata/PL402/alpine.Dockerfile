FROM python:3.12-alpine
# want PL402
RUN pip install --no-cache-dir pandas==2.2.2
RUN pip install --no-cache-dir --upgrade pip==24.0
