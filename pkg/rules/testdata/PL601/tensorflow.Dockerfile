FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
RUN pip install --no-cache-dir tensorflow==2.15.0

FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
# want PL601
RUN pip install --no-cache-dir tensorflow==2.16.1
