FROM nvidia/cuda:11.8.0-runtime-ubuntu18.04
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip && rm -rf /var/lib/apt/lists/*
# want PL603
RUN pip3 install --no-cache-dir torch==2.0.1
RUN pip3 install --no-cache-dir torch==1.10.2
