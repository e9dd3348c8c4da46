go test fuzz v1
[]byte("FROM python:3.11-slim\nWORKDIR /app\n# want PL303\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\nCMD [\"python\", \"app.py\"]\n")
