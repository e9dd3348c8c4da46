go test fuzz v1
[]byte("FROM python:3.12-alpine\n# want PL402\nRUN pip install --no-cache-dir pandas==2.2.2\nRUN pip install --no-cache-dir --upgrade pip==24.0\n")
