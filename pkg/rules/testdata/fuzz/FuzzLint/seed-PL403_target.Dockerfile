go test fuzz v1
[]byte("# lint target=debug\n# The build stage does not ship; the debug target does.\nFROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS build\nRUN nvcc --version\n\nFROM nvidia/cuda:12.4.1-runtime-ubuntu22.04 AS runtime\nCOPY --from=build /usr/local/bin /usr/local/bin\n\n# want PL403\nFROM nvidia/cuda:12.4.1-devel-ubuntu22.04 AS debug\nRUN true\n")
