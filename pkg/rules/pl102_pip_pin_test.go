package rules

import "testing"

func TestPL102(t *testing.T) {
	runLintCases(t, "PL102", []lintCase{
		{name: "unpinned", src: "FROM python:3.11-slim\nRUN pip install --no-cache-dir flask\n", want: []string{"PL102@2"}},
		{name: "range", src: "FROM python:3.11-slim\nRUN pip3 install 'numpy>=1.24'\n", want: []string{"PL102@2"}},
		{name: "python -m pip", src: "FROM python:3.11-slim\nRUN python3 -m pip install requests\n", want: []string{"PL102@2"}},
		{name: "pinned", src: "FROM python:3.11-slim\nRUN pip install flask==3.0.0 'numpy==1.26.4' torch===2.1.0\n"},
		{name: "pinned through a variable", src: "FROM python:3.11-slim\nARG V=1\nRUN pip install flask==$V\n"},
		{name: "local and urls", src: "FROM python:3.11-slim\nCOPY . /src\nRUN pip install /src ./dist/x-1.0-py3-none-any.whl . -e . https://x.org/a.tar.gz\n"},
		{name: "requirements only", src: "FROM python:3.11-slim\nRUN pip install -r requirements.txt\n"},
		{name: "in a builder stage too", src: "FROM python:3.11 AS build\nRUN pip wheel x && pip install flask\nFROM python:3.11-slim\n", want: []string{"PL102@2"}},
		{name: "constraint file pins", src: "FROM python:3.11-slim\nCOPY c.txt .\nRUN pip install -c c.txt flask\n",
			files: map[string]string{"c.txt": "flask==3.0.0\n"}},
		{name: "heredoc script: at the command's line", src: "FROM python:3.11-slim\nRUN <<EOF\nset -e\npip install flask\nEOF\n", want: []string{"PL102@4"}},
		{name: "uv pip install", src: "FROM python:3.12-slim\nRUN uv pip install --system httpx 'rich==13.7.0'\n", want: []string{"PL102@2"}},
		{name: "uv pip pinned", src: "FROM python:3.12-slim\nRUN uv pip install --system httpx==0.27.0 -r requirements.txt\n"},
		{name: "wildcard is not exact", src: "FROM python:3.11-slim\nRUN pip install 'numpy==1.*'\n", want: []string{"PL102@2"}},
		{name: "extras pinned and not", src: "FROM python:3.11-slim\nRUN pip install 'pandas[excel]==2.1.0' 'uvicorn[standard]'\n", want: []string{"PL102@2"}},
		{name: "editable and local projects", src: "FROM python:3.11-slim\nCOPY . /src\nWORKDIR /src\nRUN pip install -e . && pip install . && pip install -e ./lib[dev]\n"},
		{name: "pip wheel and download are not installs", src: "FROM python:3.11 AS b\nRUN pip wheel -w /w numpy && pip download -d /d scipy\nFROM python:3.11-slim\n"},
		{name: "not pip", src: "FROM python:3.11-slim\nRUN pipx install black && pipenv install\n"},
	})
}
