go test fuzz v1
[]byte("# A stage whose whole filesystem is copied into the target ships.\nFROM python:3.11-slim AS deps\n# want PL201\nRUN pip install flask==3.0.3\n\nFROM scratch\nCOPY --from=deps / /\n")
