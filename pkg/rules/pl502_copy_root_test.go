package rules

import "testing"

func TestPL502(t *testing.T) {
	t.Parallel()
	runRuleCases(t, PL502{}, []ruleCase{
		{name: "root to root", df: "FROM debian:bookworm-slim AS build\nRUN true\nFROM scratch\nCOPY --from=build / /\n", want: []int{4}, contains: "whole filesystem"},
		{name: "flatten onto scratch says so", df: "FROM debian:bookworm-slim AS build\nRUN true\nFROM scratch\nCOPY --from=build / /\n", want: []int{4}, contains: "onto scratch flattens"},
		{name: "onto a base says what stays underneath", df: "FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from=b / /\n", want: []int{3}, contains: "on top of the files already there"},
		{name: "dot source", df: "FROM debian:bookworm-slim AS build\nFROM scratch\nCOPY --from=build . /\n", want: []int{3}},
		{name: "external image", df: "FROM scratch\nCOPY --from=busybox:1.36 / /\n", want: []int{2}, contains: "image busybox"},
		{name: "root into a folder (as DL3067)", df: "FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from=b / /rootfs\n", want: nil},
		{name: "quoted", df: "FROM alpine:3.20 AS b\nFROM scratch\nCOPY --from=b [\"/\", \"/\"]\n", want: []int{3}},
		{name: "a folder onto the root", df: "FROM alpine:3.20 AS b\nFROM scratch\nCOPY --from=b /app /\n", want: nil},
		{name: "a path", df: "FROM alpine:3.20 AS b\nFROM alpine:3.20\nCOPY --from=b /app /app\n", want: nil},
		{name: "context copy", df: "FROM alpine:3.20\nCOPY . /app\n", want: nil},
		{name: "index reference", df: "FROM alpine:3.20\nRUN true\nFROM scratch\nCOPY --from=0 / /\n", want: []int{4}},
	})
}
