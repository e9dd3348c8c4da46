package rules

import "testing"

func TestPL402(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL402{}, []ruleCase{
		{name: "python alpine pip", df: "FROM python:3.12-alpine\nRUN pip install --no-cache-dir numpy==1.26.4\n", want: []int{2}, contains: "use python:3.12-slim"},
		{name: "alpine apk python", df: "FROM alpine:3.20\nRUN apk add --no-cache py3-pip && pip install -r requirements.txt\n", want: []int{2}, contains: "debian:bookworm-slim"},
		{name: "python -m pip", df: "FROM python:3.12-alpine3.20\nRUN python -m pip install pandas==2.2.2\n", want: []int{2}, contains: "use python:3.12-slim"},
		{name: "python alpine tag", df: "FROM python:alpine\nRUN pip install pandas==2.2.2\n", want: []int{2}, contains: "use python:slim"},
		{name: "uv pip", df: "FROM python:3.12-alpine\nRUN uv pip install --system torch==2.3.1\n", want: []int{2}},
		{name: "upgrading pip only", df: "FROM python:3.12-alpine\nRUN pip install --upgrade pip setuptools wheel\n", want: nil},
		{name: "slim is fine", df: "FROM python:3.12-slim\nRUN pip install numpy==1.26.4\n", want: nil},
		{name: "alpine without pip", df: "FROM alpine:3.20\nRUN apk add --no-cache curl\n", want: nil},
		{name: "one finding per RUN", df: "FROM python:3.12-alpine\nRUN pip install a==1 && pip install b==2\n", want: []int{2}},
		{name: "heredoc: at the pip line", df: "FROM python:3.12-alpine\nRUN <<EOF\nset -e\npip install numpy==1.26.4\nEOF\n", want: []int{4}},
		{
			name: "builder stage counts too (source builds are slow there as well)",
			df:   "FROM python:3.12-alpine AS build\nRUN pip wheel -w /w x==1 && pip install y==2\nFROM python:3.12-slim\nCOPY --from=build /w /w\n",
			want: []int{2},
		},
		{
			name: "stage built on an alpine stage",
			df:   "FROM python:3.12-alpine AS base\nFROM base\nRUN pip install flask==3.0.3\n",
			want: []int{3},
		},
	})
}
