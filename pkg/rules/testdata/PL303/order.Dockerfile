FROM python:3.11-slim
WORKDIR /app
# want PL303
COPY . .
RUN pip install --no-cache-dir -r requirements.txt
CMD ["python", "app.py"]
