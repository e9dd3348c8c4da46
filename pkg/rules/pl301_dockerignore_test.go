package rules

import "testing"

func TestPL301(t *testing.T) {
	runLintCases(t, "PL301", []lintCase{
		{name: "no dockerignore", src: "FROM python:3.11-slim\nRUN echo\nCOPY app.py /app/\nCOPY . /app\n", files: map[string]string{"app.py": "x"}, want: []string{"PL301@3"}},
		{name: "dockerignore", src: "FROM python:3.11-slim\nCOPY . /app\n", files: map[string]string{"app.py": "x", ".dockerignore": ".git\n"}},
		{name: "dockerfile-specific ignore file", src: "FROM python:3.11-slim\nCOPY . /app\n", files: map[string]string{"app.py": "x", "Dockerfile.dockerignore": ".git\n"}},
		{name: "no context copy", src: "FROM python:3.11-slim\nCOPY --from=busybox:1.36 /bin/busybox /bin/\nADD https://e.org/x.tgz /tmp/\nCOPY <<EOF /x\nhi\nEOF\n", files: map[string]string{"app.py": "x"}},
		{name: "no context", src: "FROM python:3.11-slim\nCOPY . /app\n"},
	})
}
