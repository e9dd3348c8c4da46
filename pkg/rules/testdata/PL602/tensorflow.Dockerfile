FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04 AS plain
# want PL602
RUN pip install --no-cache-dir tensorflow==2.15.0
RUN pip install --no-cache-dir "tensorflow[and-cuda]==2.15.0"
RUN pip install --no-cache-dir torch==2.3.1
