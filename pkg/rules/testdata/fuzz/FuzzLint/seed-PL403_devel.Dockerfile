go test fuzz v1
[]byte("FROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN nvcc --version\n\n# want PL403\nFROM nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04\nCOPY --from=build /usr/local/bin /usr/local/bin\n")
