package rules

import "testing"

func TestPL303(t *testing.T) {
	runLintCases(t, "PL303", []lintCase{
		{name: "copy all then pip -r", src: "FROM python:3.11-slim\nWORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n", want: []string{"PL303@3"}},
		{name: "deps first", src: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\n"},
		{name: "installs the project only", src: "FROM python:3.11-slim\nCOPY . /src\nRUN pip install /src\n"},
		{name: "poetry", src: "FROM python:3.11-slim\nCOPY . /app\nRUN poetry install --no-root\n", want: []string{"PL303@2"}},
		{name: "conda env create", src: "FROM continuumio/miniconda3:24.1.2-0\nCOPY . /app\nRUN conda env create -f /app/environment.yml\n", want: []string{"PL303@2"}},
		{name: "npm ci", src: "FROM node:20-slim\nCOPY . .\nRUN npm ci\n", want: []string{"PL303@2"}},
		{name: "uv: dependencies first, then the project", src: "FROM python:3.12-slim\nWORKDIR /app\nRUN --mount=type=bind,source=uv.lock,target=uv.lock --mount=type=bind,source=pyproject.toml,target=pyproject.toml uv sync --frozen --no-install-project\nCOPY . /app\nRUN uv sync --frozen\n"},
		{name: "poetry --no-root first", src: "FROM python:3.12-slim\nWORKDIR /app\nCOPY pyproject.toml poetry.lock ./\nRUN poetry install --no-root\nCOPY . .\nRUN poetry install --only-root\n"},
		{name: "uv sync after copying everything", src: "FROM python:3.12-slim\nCOPY . /app\nRUN uv sync --frozen\n", want: []string{"PL303@2"}},
		{name: "another requirements file after the copy", src: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install -r requirements-dev.txt\n", want: []string{"PL303@5"}},
		{name: "the same requirements file again", src: "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nCOPY . .\nRUN pip install -r requirements.txt -e .\n"},
		{name: "builder stage too", src: "FROM python:3.11 AS b\nCOPY . .\nRUN pip wheel -r requirements.txt && pip install -r requirements.txt\nFROM python:3.11-slim\n", want: []string{"PL303@2"}},
	})
}
