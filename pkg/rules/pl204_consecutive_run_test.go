package rules

import "testing"

func TestPL204(t *testing.T) {
	runLintCases(t, "PL204", []lintCase{
		{name: "pair", src: "FROM debian:bookworm\nRUN echo a\nRUN echo b\n", want: []string{"PL204@3"}},
		{name: "three", src: "FROM debian:bookworm\nRUN echo a\n# note\nRUN echo b\nRUN echo c\n", want: []string{"PL204@4", "PL204@5"}},
		{name: "separated", src: "FROM debian:bookworm\nRUN echo a\nWORKDIR /x\nRUN echo b\n"},
		{name: "different mounts", src: "FROM debian:bookworm\nRUN echo a\nRUN --mount=type=cache,target=/c echo b\n"},
		{name: "not across stages", src: "FROM debian:bookworm AS base\nRUN echo a\nFROM base\nRUN echo b\n"},
		{name: "blank lines and comments do not separate", src: "FROM debian:bookworm\nRUN echo a\n\n# why b\n\nRUN echo b\n", want: []string{"PL204@6"}},
		{name: "same mounts", src: "FROM debian:bookworm\nRUN --mount=type=cache,target=/c echo a\nRUN --mount=type=cache,target=/c echo b\n", want: []string{"PL204@3"}},
		{name: "exec form pairs too", src: "FROM debian:bookworm\nRUN [\"echo\", \"a\"]\nRUN echo b\n", want: []string{"PL204@3"}},
		{name: "builder", src: "FROM debian:bookworm AS b\nRUN echo a\nRUN echo b\nFROM scratch\nCOPY --from=b /x /x\n"},
	})
}
