go test fuzz v1
[]byte("FROM nvidia/cuda:11.8.0-runtime-ubuntu18.04\nRUN apt-get update && apt-get install -y --no-install-recommends python3 python3-pip && rm -rf /var/lib/apt/lists/*\n# want PL603\nRUN pip3 install --no-cache-dir torch==2.0.1\nRUN pip3 install --no-cache-dir torch==1.10.2\n")
