package rules

import "testing"

func TestPL101(t *testing.T) {
	runLintCases(t, "PL101", []lintCase{
		{name: "loose requirement reported at its line",
			src:   "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "# deps\nnumpy==1.26.4\npandas>=2.0\nrequests\n"},
			want:  []string{"PL101@requirements.txt:3", "PL101@requirements.txt:4"}},
		{name: "all pinned",
			src:   "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "numpy==1.26.4\ntorch===2.1.0\nx @ https://example.com/x-1.0-py3-none-any.whl\n"}},
		{name: "followed through -r includes",
			src:   "FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements/ requirements/\nRUN pip install -r requirements/prod.txt\n",
			files: map[string]string{"requirements/prod.txt": "-r base.txt\nflask==3.0.0\n", "requirements/base.txt": "numpy\n"},
			want:  []string{"PL101@base.txt:1"}},
		{name: "constraints file pins",
			src:   "FROM python:3.11-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "-c constraints.txt\nnumpy\nscipy\n", "constraints.txt": "numpy==1.26.4\n"},
			want:  []string{"PL101@requirements.txt:3"}},
		{name: "constraints on the command line",
			src:   "FROM python:3.11-slim\nCOPY . /app\nWORKDIR /app\nRUN pip install -c constraints.txt -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "numpy\n", "constraints.txt": "numpy==1.26.4\n"}},
		{name: "bind mount from the context",
			src:   "FROM python:3.11-slim\nRUN --mount=type=bind,source=deps/req.txt,target=/tmp/r.txt pip install -r /tmp/r.txt\n",
			files: map[string]string{"deps/req.txt": "torch>=2\n"},
			want:  []string{"PL101@req.txt:1"}},
		{name: "copied under another name",
			src:   "FROM python:3.11-slim\nCOPY deps.txt /tmp/requirements.txt\nRUN pip install -r /tmp/requirements.txt\n",
			files: map[string]string{"deps.txt": "torch\n"},
			want:  []string{"PL101@deps.txt:1"}},
		{name: "vcs reference without a ref",
			src:   "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "lib @ git+https://github.com/o/lib.git\nlib2 @ git+https://github.com/o/lib2.git@v1.2\n"},
			want:  []string{"PL101@requirements.txt:1"}},
		{name: "reported once when installed twice",
			src:   "FROM python:3.11-slim AS a\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nFROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "numpy\n"},
			want:  []string{"PL101@requirements.txt:1"}},
		{name: "pip wheel -r in a builder", src: "FROM python:3.11 AS wheels\nCOPY requirements.txt .\nRUN pip wheel --wheel-dir /wheels -r requirements.txt\nFROM python:3.11-slim\nCOPY --from=wheels /wheels /wheels\n",
			files: map[string]string{"requirements.txt": "numpy\npandas==2.1.0\n"}, want: []string{"PL101@requirements.txt:1"}},
		{name: "uv pip install -r", src: "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN uv pip install --system -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "numpy>=1\n"}, want: []string{"PL101@requirements.txt:1"}},
		{name: "include outside the context is not read", src: "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "-r ../outside.txt\n-r /etc/passwd\nflask==3.0.0\n", "../outside.txt": "notpinned\n"}},
		{name: "include loop", src: "FROM python:3.11-slim\nCOPY . .\nRUN pip install -r a.txt\n",
			files: map[string]string{"a.txt": "-r b.txt\n-r a.txt\nx\n", "b.txt": "-r a.txt\ny==1\n"}, want: []string{"PL101@a.txt:3"}},
		{name: "no build context", src: "FROM python:3.11-slim\nRUN pip install -r requirements.txt\n"},
		{name: "missing file", src: "FROM python:3.11-slim\nRUN pip install -r requirements.txt\n", files: map[string]string{}},
	})
}

func TestPL101InlineIgnore(t *testing.T) {
	runLintCases(t, "PL101", []lintCase{
		{name: "trailing pragma",
			src:   "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "numpy>=1.24  # plimsoll ignore=PL101 follows the base image\npandas\n"},
			want:  []string{"PL101@requirements.txt:2"}},
	})
}

func TestPL101PragmaOnTheRun(t *testing.T) {
	runLintCases(t, "PL101", []lintCase{
		{name: "pragma above the RUN",
			src:   "FROM python:3.11-slim\nCOPY requirements.txt .\n# plimsoll ignore=PL101\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "numpy\n"}},
		{name: "global pragma",
			src:   "# plimsoll global ignore=PL101\nFROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n",
			files: map[string]string{"requirements.txt": "numpy\n"}},
	})
}
