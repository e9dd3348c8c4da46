go test fuzz v1
[]byte("FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\nRUN pip install --no-cache-dir tensorflow==2.15.0\n\nFROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04\n# want PL601\nRUN pip install --no-cache-dir tensorflow==2.16.1\n")
