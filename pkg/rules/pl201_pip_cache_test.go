package rules

import "testing"

func TestPL201(t *testing.T) {
	runLintCases(t, "PL201", []lintCase{
		{name: "no flag", src: "FROM python:3.11-slim\nRUN pip install flask==3.0.0\n", want: []string{"PL201@2"}},
		{name: "flag", src: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask==3.0.0\n"},
		{name: "global flag before install", src: "FROM python:3.11-slim\nRUN pip --no-cache-dir install flask==3.0.0\n"},
		{name: "ENV PIP_NO_CACHE_DIR", src: "FROM python:3.11-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask==3.0.0\n"},
		{name: "ENV inherited from base stage", src: "FROM python:3.11-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install flask==3.0.0\n"},
		{name: "inline env", src: "FROM python:3.11-slim\nRUN PIP_NO_CACHE_DIR=1 pip install flask==3.0.0\n"},
		{name: "export", src: "FROM python:3.11-slim\nRUN export PIP_NO_CACHE_DIR=1 && pip install flask==3.0.0\n"},
		{name: "cache mount", src: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask==3.0.0\n"},
		{name: "cache mount on ~/.cache", src: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/root/.cache pip install flask==3.0.0\n"},
		{name: "cache mount in a user's home", src: "FROM python:3.11-slim\nUSER app\nRUN --mount=type=cache,target=/home/app/.cache/pip,uid=1000 pip install x==1\n"},
		{name: "cache mount elsewhere", src: "FROM python:3.11-slim\nRUN --mount=type=cache,target=/var/cache/apt pip install flask==3.0.0\n", want: []string{"PL201@2"}},
		{name: "cache mount at PIP_CACHE_DIR", src: "FROM python:3.11-slim\nENV PIP_CACHE_DIR=/pipcache\nRUN --mount=type=cache,target=/pipcache pip install x==1\n"},
		{name: "builder stage not shipped", src: "FROM python:3.11 AS build\nRUN pip install flask==3.0.0\nFROM python:3.11-slim\nCOPY --from=build /usr/local /usr/local\n"},
		{name: "base stage of the target is shipped", src: "FROM python:3.11-slim AS base\nRUN pip install flask==3.0.0\nFROM base\nCMD [\"flask\"]\n", want: []string{"PL201@2"}},
		{name: "whole filesystem copied is shipped", src: "FROM python:3.11 AS build\nRUN pip install flask==3.0.0\nFROM scratch\nCOPY --from=build / /\n", want: []string{"PL201@2"}},
		{name: "target selects the builder", target: "build", src: "FROM python:3.11 AS build\nRUN pip install flask==3.0.0\nFROM python:3.11-slim\nRUN pip install x==1\n", want: []string{"PL201@2"}},
		{name: "sh -c", src: "FROM python:3.11-slim\nRUN sh -c 'pip install x==1'\n", want: []string{"PL201@2"}},
		{name: "PIP_NO_CACHE_DIR=off still disables the cache (pip reads any boolean as 'no cache')", src: "FROM python:3.11-slim\nENV PIP_NO_CACHE_DIR=off\nRUN pip install x==1\n"},
		{name: "PIP_NO_CACHE_DIR as a build ARG", src: "FROM python:3.11-slim\nARG PIP_NO_CACHE_DIR=1\nRUN pip install x==1\n"},
		{name: "PIP_NO_CACHE_DIR inherited from the base stage", src: "FROM python:3.11-slim AS base\nENV PIP_NO_CACHE_DIR=1\nFROM base\nRUN pip install x==1\n"},
		{name: "PIP_NO_CACHE_DIR set after the RUN", src: "FROM python:3.11-slim\nRUN pip install x==1\nENV PIP_NO_CACHE_DIR=1\n", want: []string{"PL201@2"}},
		{name: "exec form", src: "FROM python:3.11-slim\nRUN [\"pip\", \"install\", \"x==1\"]\n", want: []string{"PL201@2"}},
		{name: "pragma above a heredoc RUN covers its script", src: "FROM python:3.11-slim\n# plimsoll ignore=PL201\nRUN <<EOF\nset -e\npip install x==1\nEOF\n"},
		{name: "continuation lines: at the RUN", src: "FROM python:3.11-slim\nRUN set -e \\\n && pip install x==1\n", want: []string{"PL201@2"}},
		{name: "uv pip is not pip's cache", src: "FROM python:3.12-slim\nRUN uv pip install --system x==1\n"},
		{name: "bash heredoc: at the command's line", src: "FROM python:3.11-slim\nRUN bash <<EOF\npip install x==1\nEOF\n", want: []string{"PL201@3"}},
	})
}
