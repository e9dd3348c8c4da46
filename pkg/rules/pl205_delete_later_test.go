package rules

import (
	"strings"
	"testing"
)

func TestPL205(t *testing.T) {
	runLintCases(t, "PL205", []lintCase{
		{name: "copied file removed", src: "FROM debian:bookworm\nCOPY model.tar.gz /tmp/\nRUN tar xzf /tmp/model.tar.gz -C /opt && rm /tmp/model.tar.gz\n", want: []string{"PL205@3"}},
		{name: "copy dest removed", src: "FROM debian:bookworm\nCOPY big.bin /opt/big.bin\nRUN rm -f /opt/big.bin\n", want: []string{"PL205@3"}},
		{name: "relative to workdir", src: "FROM debian:bookworm\nWORKDIR /app\nCOPY data.zip .\nRUN unzip data.zip && rm data.zip\n", want: []string{"PL205@4"}},
		{name: "download removed later", src: "FROM debian:bookworm\nRUN curl -fsSL -o /tmp/x.tgz https://e.org/x.tgz\nRUN tar xzf /tmp/x.tgz && rm /tmp/x.tgz\n", want: []string{"PL205@3"}},
		{name: "wget basename removed later", src: "FROM debian:bookworm\nWORKDIR /tmp\nRUN wget https://e.org/x.tgz\nRUN rm -f /tmp/x.tgz\n", want: []string{"PL205@4"}},
		{name: "download removed in same RUN", src: "FROM debian:bookworm\nRUN curl -o /tmp/x.tgz https://e.org/x.tgz && tar xzf /tmp/x.tgz && rm /tmp/x.tgz\n"},
		{name: "apt lists removed later", src: "FROM debian:bookworm\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n", want: []string{"PL205@3"}},
		{name: "context tree file removed", src: "FROM python:3.11-slim\nCOPY . /app\nRUN rm -rf /app/tests\n",
			files: map[string]string{"tests/data.bin": strings.Repeat("x", 70_000), "main.py": "y"}, want: []string{"PL205@3"}},
		{name: "small copied file removed is not worth a warning", src: "FROM python:3.11-slim\nCOPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt\n",
			files: map[string]string{"requirements.txt": "flask==3.0.3\n"}},
		{name: "large copied file removed", src: "FROM python:3.11-slim\nCOPY model.bin /tmp/\nRUN rm /tmp/model.bin\n",
			files: map[string]string{"model.bin": strings.Repeat("x", 100_000)}, want: []string{"PL205@3"}},
		{name: "removing what a RUN made", src: "FROM python:3.11-slim\nCOPY . /app\nRUN make -C /app && rm -rf /app/build\n",
			files: map[string]string{"main.py": "y"}},
		{name: "excluded by dockerignore", src: "FROM python:3.11-slim\nCOPY . /app\nRUN rm -rf /app/tests\n",
			files: map[string]string{"tests/test_x.py": "x", ".dockerignore": "tests\n"}},
		{name: "base stage copy removed in child", src: "FROM debian:bookworm AS base\nCOPY big.bin /opt/big.bin\nFROM base\nRUN rm /opt/big.bin\n", want: []string{"PL205@4"}},
		{name: "builder not shipped", src: "FROM debian:bookworm AS b\nCOPY big.bin /opt/big.bin\nRUN rm /opt/big.bin\nFROM scratch\nCOPY --from=b /opt /opt\n"},
		{name: "deleted twice is reported once", src: "FROM debian:bookworm\nRUN apt-get update\nRUN rm -rf /var/lib/apt/lists/*\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n", want: []string{"PL205@3"}},
		{name: "folder contents copied into dest", src: "FROM python:3.11-slim\nCOPY data/ /app/data/\nCOPY a.txt b.txt /app/\nRUN rm -rf /app/data\n",
			files: map[string]string{"data/x.csv": strings.Repeat("x", 70_000), "a.txt": "a", "b.txt": "b"}, want: []string{"PL205@4"}},
		{name: "wheels from a builder stage", src: "FROM python:3.11 AS b\nRUN pip wheel -w /dist x==1\nFROM python:3.11-slim\nCOPY --from=b /dist/*.whl /tmp/\nRUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl\n", want: []string{"PL205@5"}},
		{name: "glob", src: "FROM debian:bookworm\nCOPY pkgs/ /tmp/pkgs/\nRUN dpkg -i /tmp/pkgs/*.deb && rm -rf /tmp/pkgs\n", want: []string{"PL205@3"}},
	})
}

func TestPL205Advice(t *testing.T) {
	fs := lintWith(t, "PL205", lintCase{src: "FROM python:3.11 AS b\nRUN pip wheel -w /dist x==1\nFROM python:3.11-slim\nCOPY --from=b /dist/*.whl /tmp/\nRUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl\n"}, Settings{})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "source=/dist,target=/tmp ") {
		t.Errorf("a glob source mounts its folder:\n%s", findingText(fs))
	}
	fs = lintWith(t, "PL205", lintCase{src: "FROM python:3.11-slim\nCOPY data/ /app/data/\nRUN rm -rf /app/data\n",
		files: map[string]string{"data/x.csv": strings.Repeat("x", 70_000)}}, Settings{})
	if len(fs) != 1 || !strings.Contains(fs[0].Message, "source=data,target=/app/data ") {
		t.Errorf("a folder copied into dest mounts at dest:\n%s", findingText(fs))
	}
}
