package testenv_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/plimsoll/plimsoll/pkg/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestRegistry checks that the in-process registry answers on 127.0.0.1
// and takes a push of a base image.
func TestRegistry(t *testing.T) {
	addr := testenv.Registry(t)
	if !strings.HasPrefix(addr, "127.0.0.1:") {
		t.Errorf("registry at %s, want 127.0.0.1 only", addr)
	}
	if addr2 := testenv.Registry(t); addr2 != addr {
		t.Errorf("second Registry call gave %s, want the shared %s", addr2, addr)
	}
	resp, err := http.Get("http://" + addr + "/v2/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /v2/: %s", resp.Status)
	}
	p, err := layout.FromPath(testenv.BaseImage(t, "busybox"))
	if err != nil {
		t.Fatal(err)
	}
	idx, err := p.ImageIndex()
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(addr+"/busybox:latest", name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(ref, idx); err != nil {
		t.Fatalf("push: %v", err)
	}
	if _, err := remote.Head(ref); err != nil {
		t.Errorf("pushed image not found: %v", err)
	}
}

// TestBuildContexts checks that every FROM name maps to an oci-layout
// value with a digest, and that the frontend keys drop ":latest".
func TestBuildContexts(t *testing.T) {
	m := testenv.BuildContexts(t)
	for _, k := range []string{"busybox:latest", "debian:bookworm-slim", "debian:bookworm"} {
		v, ok := m[k]
		if !ok || !strings.HasPrefix(v, "oci-layout:///") || !strings.Contains(v, "@sha256:") {
			t.Errorf("BuildContexts()[%q] = %q, want oci-layout:///DIR@sha256:...", k, v)
		}
	}
	if _, ok := testenv.NamedContexts(t)["busybox"]; !ok {
		t.Errorf("NamedContexts lacks the frontend key busybox")
	}
}

// TestBuildAndBuildKit builds through the shared daemon twice from two
// Builders and checks that closing one Builder does not stop the daemon.
func TestBuildAndBuildKit(t *testing.T) {
	b := testenv.BuildKit(t)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	res, err := testenv.Build(t, "FROM busybox\nRUN echo hi > /hi\n", nil)
	if err != nil {
		t.Fatalf("build after closing a Builder: %v\n%s", err, res.Logs)
	}
	if _, err := layout.FromPath(res.Layout); err != nil {
		t.Errorf("no layout at %s: %v", res.Layout, err)
	}
}

func TestDaemonConfig(t *testing.T) {
	got := testenv.DaemonConfig("127.0.0.1:5000")
	want := "[registry.\"127.0.0.1:5000\"]\n  http = true\n  insecure = true\n"
	if got != want {
		t.Errorf("DaemonConfig = %q, want %q", got, want)
	}
}
