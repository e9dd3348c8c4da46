go test fuzz v1
[]byte("# The full image is fine where wheels are compiled; the image that ships is slim.\nFROM python:3.11 AS build\nRUN pip wheel --no-cache-dir --wheel-dir /wheels numpy==1.26.4\n\nFROM python:3.11-slim\nCOPY --from=build /wheels /wheels\nRUN pip install --no-cache-dir /wheels/*.whl\n")
