package buildkit

import (
	"errors"
	"testing"
)

func TestOneLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`failed to list workers: Unavailable: connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:1: connect: connection refused"`,
			"dial tcp 127.0.0.1:1: connect: connection refused"},
		{"no answer within 10s", "no answer within 10s"},
		{"line one\nline two", "line one line two"},
		{`stderr=Is the docker daemon running?\n`, "stderr=Is the docker daemon running?"},
	} {
		if got := oneLine(errors.New(tc.in)); got != tc.want {
			t.Errorf("oneLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := oneLine(nil); got != "unknown error" {
		t.Errorf("oneLine(nil) = %q", got)
	}
}

func TestResolveAddr(t *testing.T) {
	t.Setenv(EnvHost, "tcp://from-env:1")
	if got := resolveAddr("unix:///given.sock"); got != "unix:///given.sock" {
		t.Errorf("resolveAddr with an address = %q", got)
	}
	if got := resolveAddr(""); got != "tcp://from-env:1" {
		t.Errorf("resolveAddr from BUILDKIT_HOST = %q", got)
	}
	t.Setenv(EnvHost, "")
	if got := resolveAddr(""); got != "" {
		t.Errorf("resolveAddr with nothing = %q, want daemonless", got)
	}
}

func TestNewestCached(t *testing.T) {
	cache := t.TempDir()
	for _, v := range []string{"v0.9.0", "v0.26.3", "v0.26.10-rc1", "junk"} {
		writeExecutable(t, cache+"/buildkit-"+v+"/buildkitd")
	}
	if got := newestCached(cache); got != "v0.26.10-rc1" {
		t.Errorf("newestCached = %q, want v0.26.10-rc1", got)
	}
	if got := newestCached(t.TempDir()); got != "" {
		t.Errorf("newestCached of an empty cache = %q", got)
	}
}
