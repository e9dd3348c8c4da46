FROM python:3.11-slim
# want PL102
RUN pip install --no-cache-dir fastapi uvicorn==0.29.0
RUN pip install --no-cache-dir "pydantic==2.7.1" ./vendor/mylib
# want PL102
RUN python3 -m pip install --no-cache-dir 'numpy<2'
