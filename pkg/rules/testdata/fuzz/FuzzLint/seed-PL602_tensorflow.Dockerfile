go test fuzz v1
[]byte("FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04 AS plain\n# want PL602\nRUN pip install --no-cache-dir tensorflow==2.15.0\nRUN pip install --no-cache-dir \"tensorflow[and-cuda]==2.15.0\"\nRUN pip install --no-cache-dir torch==2.3.1\n")
