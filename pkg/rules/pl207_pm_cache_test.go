package rules

import "testing"

func TestPL207(t *testing.T) {
	runLintCases(t, "PL207", []lintCase{
		{name: "conda without clean", src: "FROM continuumio/miniconda3:24.1.2-0\nRUN conda install -y numpy=1.26\n", want: []string{"PL207@2"}},
		{name: "conda env create with clean", src: "FROM continuumio/miniconda3:24.1.2-0\nRUN conda env create -f env.yml && conda clean -afy\n"},
		{name: "apk without --no-cache", src: "FROM alpine:3.20\nRUN apk add curl\n", want: []string{"PL207@2"}},
		{name: "apk --no-cache", src: "FROM alpine:3.20\nRUN apk add --no-cache curl\n"},
		{name: "apk cache removed", src: "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n"},
		{name: "dnf without clean", src: "FROM fedora:40\nRUN dnf install -y gcc\n", want: []string{"PL207@2"}},
		{name: "yum clean", src: "FROM centos:7\nRUN yum install -y gcc && yum clean all\n"},
		{name: "npm ci without clean", src: "FROM node:20-slim\nRUN npm ci\n", want: []string{"PL207@2"}},
		{name: "npm cache clean", src: "FROM node:20-slim\nRUN npm ci && npm cache clean --force\n"},
		{name: "npm cache mount", src: "FROM node:20-slim\nRUN --mount=type=cache,target=/root/.npm npm ci\n"},
		{name: "builder", src: "FROM node:20 AS b\nRUN npm ci\nFROM nginx:1.27\nCOPY --from=b /app/dist /usr/share/nginx/html\n"},
		{name: "uv sync keeps its cache", src: "FROM python:3.12-slim\nRUN uv sync --frozen\n", want: []string{"PL207@2"}},
		{name: "uv pip install keeps its cache", src: "FROM python:3.12-slim\nRUN uv pip install --system httpx==0.27.0\n", want: []string{"PL207@2"}},
		{name: "uv --no-cache", src: "FROM python:3.12-slim\nRUN uv sync --frozen --no-cache && uv pip install -n --system x==1\n"},
		{name: "UV_NO_CACHE", src: "FROM python:3.12-slim\nENV UV_NO_CACHE=1\nRUN uv sync --frozen\n"},
		{name: "uv cache mount", src: "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/uv uv sync --frozen\n"},
		{name: "uv cache clean", src: "FROM python:3.12-slim\nRUN uv sync --frozen && uv cache clean\n"},
		{name: "uv run is not an install", src: "FROM python:3.12-slim\nRUN uv run python -c 1 && uv venv\n"},
		{name: "poetry install keeps its cache", src: "FROM python:3.12-slim\nRUN pip install --no-cache-dir poetry==1.8.2 && poetry install --only main --no-root\n", want: []string{"PL207@2"}},
		{name: "poetry cache removed by variable", src: "FROM python:3.12-slim\nENV POETRY_CACHE_DIR=/tmp/poetry_cache\nRUN poetry install --without dev --no-root && rm -rf $POETRY_CACHE_DIR\n"},
		{name: "poetry cache removed by ${}", src: "FROM python:3.12-slim\nENV POETRY_CACHE_DIR=/tmp/pc\nRUN poetry install && rm -rf ${POETRY_CACHE_DIR}/*\n"},
		{name: "poetry cache mount", src: "FROM python:3.12-slim\nENV POETRY_CACHE_DIR=/tmp/pc\nRUN --mount=type=cache,target=/tmp/pc poetry install --no-root\n"},
		{name: "poetry --no-cache", src: "FROM python:3.12-slim\nRUN poetry --no-cache install --no-root\n"},
		{name: "poetry in a builder", src: "FROM python:3.12 AS b\nRUN poetry install --no-root\nFROM python:3.12-slim\nCOPY --from=b /app/.venv /app/.venv\n"},
		{name: "another variable removed", src: "FROM python:3.12-slim\nENV POETRY_CACHE_DIR=/tmp/pc\nRUN poetry install && rm -rf $HOME/tmp\n", want: []string{"PL207@3"}},
		{name: "conda pkgs moved and mounted", src: "FROM continuumio/miniconda3:24.1.2-0\nENV CONDA_PKGS_DIRS=/pkgs\nRUN --mount=type=cache,target=/pkgs conda install -y numpy=1.26\n"},
		{name: "two managers", src: "FROM node:20-slim\nRUN apk add git && npm install\n", want: []string{"PL207@2", "PL207@2"}},
	})
}
