go test fuzz v1
[]byte("# lint target=dev\nFROM python:3.11-slim AS base\nENV APP=/app\n\nFROM base AS dev\n# want PL201\nRUN pip install pytest==8.2.0\n\nFROM base AS prod\nRUN pip install gunicorn==22.0.0\n")
