go test fuzz v1
[]byte("# want PL401\nFROM python:3.12-bookworm\nRUN pip install --no-cache-dir flask==3.0.3\n")
