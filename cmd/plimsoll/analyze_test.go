package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/plimsoll/plimsoll/pkg/analyze"
)

// analyzeFixture is dive's fixture image in the shared/ directory beside
// the repository.
func analyzeFixture(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(wd, "..", "..", "..", "shared", "fixtures", "dive", "test-docker-image.tar")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("dive's fixture is missing (%v): check out shared/ beside the repository", err)
	}
	return "docker-archive://" + p
}

func runAnalyzeCmd(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if dir != "" {
		// --ci-config is resolved against the working directory; pass it
		// explicitly instead of changing directory.
		args = append(args, "--ci-config", filepath.Join(dir, ".dive-ci"))
	}
	code := run(context.Background(), append([]string{"analyze"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestAnalyzeCommand(t *testing.T) {
	fixture := analyzeFixture(t)
	t.Setenv("CI", "")

	t.Run("json", func(t *testing.T) {
		code, out, errs := runAnalyzeCmd(t, "", "--format", "json", fixture)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var rep struct {
			Kind     string `json:"kind"`
			Analyses []struct {
				Efficiency      float64 `json:"efficiency"`
				WastedBytes     int64   `json:"wasted_bytes"`
				UserWastedRatio float64 `json:"user_wasted_ratio"`
				SizeBytes       int64   `json:"size_bytes"`
			} `json:"analyses"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		a := rep.Analyses[0]
		if rep.Kind != "analysis" || a.Efficiency != 0.9844212134184309 || a.WastedBytes != 32025 || a.UserWastedRatio != 0.4834911001404049 || a.SizeBytes != 1220598 {
			t.Errorf("report = %+v", rep)
		}
	})

	t.Run("ci fails with dive defaults", func(t *testing.T) {
		dir := t.TempDir()
		code, out, _ := runAnalyzeCmd(t, dir, "--ci", fixture)
		if code != ExitFailure {
			t.Errorf("exit %d, want 1", code)
		}
		if !strings.Contains(out, "FAIL: highestUserWastedPercent") || !strings.Contains(out, "over by 0.3835") {
			t.Errorf("output lacks the failed rule and by how much:\n%s", out)
		}
	})

	t.Run("dive-ci file", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, ".dive-ci"), []byte("rules:\n  lowestEfficiency: 0.95\n  highestWastedBytes: 20MB\n  highestUserWastedPercent: disabled\n"), 0o644)
		code, out, errs := runAnalyzeCmd(t, dir, "--ci", fixture)
		if code != ExitOK {
			t.Errorf("exit %d, want 0\n%s%s", code, out, errs)
		}
		code, out, _ = runAnalyzeCmd(t, dir, "--ci", "--highest-wasted-bytes", "19MiB", "--max-reclaimable", "10kB", fixture)
		if code != ExitFailure || !strings.Contains(out, "FAIL: maxReclaimable") {
			t.Errorf("exit %d, want 1 with maxReclaimable failing\n%s", code, out)
		}
	})

	t.Run("a rule flag turns CI mode on", func(t *testing.T) {
		code, out, _ := runAnalyzeCmd(t, t.TempDir(), "--max-size", "1MB", "--lowest-efficiency", "disabled", "--highest-user-wasted-ratio", "off", fixture)
		if code != ExitFailure || !strings.Contains(out, "FAIL: maxSize") {
			t.Errorf("exit %d, want 1 with maxSize failing\n%s", code, out)
		}
	})

	t.Run("CI=true turns CI mode on", func(t *testing.T) {
		t.Setenv("CI", "true")
		code, _, _ := runAnalyzeCmd(t, t.TempDir(), fixture)
		if code != ExitFailure {
			t.Errorf("exit %d, want 1", code)
		}
	})

	t.Run("--ci=false wins over CI=true", func(t *testing.T) {
		t.Setenv("CI", "true")
		code, out, _ := runAnalyzeCmd(t, t.TempDir(), "--ci=false", fixture)
		if code != ExitOK || strings.Contains(out, "Results:") {
			t.Errorf("exit %d, want 0 without CI results\n%s", code, out)
		}
	})

	for _, tt := range []struct {
		name, config string
		args         []string
	}{
		{"ratio out of range", "rules:\n  lowestEfficiency: 1.5\n", nil},
		{"bad size", "rules:\n  highestWastedBytes: 20ZZ\n", nil},
		{"not yaml", "rules: [\n", nil},
		{"bad flag value", "", []string{"--highest-user-wasted-ratio", "lots"}},
	} {
		t.Run("misconfigured "+tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				os.WriteFile(filepath.Join(dir, ".dive-ci"), []byte(tt.config), 0o644)
			}
			code, _, errs := runAnalyzeCmd(t, dir, append([]string{"--ci", fixture}, tt.args...)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want 2 (stderr %q)", code, errs)
			}
		})
	}

	t.Run("report file and markdown", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "analysis.json")
		code, out, errs := runAnalyzeCmd(t, "", "--format", "markdown", "--report", file, "--stats", fixture)
		if code != ExitOK {
			t.Fatalf("exit %d: %s", code, errs)
		}
		if !strings.Contains(out, "| Reclaimable by squashing | 32\u00a0kB |") { // number and unit kept together
			t.Errorf("markdown lacks the summary table:\n%s", out)
		}
		if !strings.Contains(errs, "peak RSS") {
			t.Errorf("--stats printed %q", errs)
		}
		rep, err := analyze.ReadReport(file)
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Analyses) != 1 || rep.Analyses[0].ReclaimableBytes != 32025 || rep.Analyses[0].Stats == nil || rep.Analyses[0].Stats.PeakRSSBytes == 0 {
			t.Errorf("report = %+v", rep.Analyses)
		}
	})

	t.Run("missing image", func(t *testing.T) {
		code, _, errs := runAnalyzeCmd(t, "", "docker-archive:///nonexistent.tar")
		if code != ExitUsage || !strings.Contains(errs, "nonexistent.tar") {
			t.Errorf("exit %d, stderr %q", code, errs)
		}
	})
	t.Run("no image", func(t *testing.T) {
		if code, _, _ := runAnalyzeCmd(t, ""); code != ExitUsage {
			t.Errorf("exit %d, want 2", code)
		}
	})
}

// TestAnalyzeRegistry pushes dive's fixture to an in-process registry and
// analyzes it from there: the same dive numbers, layers pulled as streams.
func TestAnalyzeRegistry(t *testing.T) {
	t.Setenv("CI", "")
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	img, err := tarball.ImageFromPath(strings.TrimPrefix(analyzeFixture(t), "docker-archive://"), nil)
	if err != nil {
		t.Fatal(err)
	}
	ref := strings.TrimPrefix(srv.URL, "http://") + "/dive/fixture:latest"
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runAnalyzeCmd(t, "", "--insecure", "--format", "json", ref)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{`"efficiency": 0.9844212134184309`, `"wasted_bytes": 32025`, `"user_wasted_ratio": 0.4834911001404049`, `"size_bytes": 1220598`, `"reclaimable_bytes": 32025`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s", want)
		}
	}
}

// TestAnalyzeExitCodes: every way analyze can go wrong exits with the
// documented code and a one-line message naming the input.
func TestAnalyzeExitCodes(t *testing.T) {
	t.Setenv("CI", "")
	fixture := analyzeFixture(t)
	dir := t.TempDir()
	data, err := os.ReadFile(strings.TrimPrefix(fixture, "docker-archive://"))
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.tar")
	os.WriteFile(truncated, data[:700000], 0o644)
	// Bytes in the middle of the first (plain tar) layer's contents: the
	// layer no longer matches its diff_id.
	damaged := filepath.Join(dir, "damaged.tar")
	bad := bytes.Clone(data)
	copy(bad[700000:], "XXXXXXXX")
	os.WriteFile(damaged, bad, 0o644)
	notLayout := t.TempDir()
	refused := closedAddr(t)

	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name string
		ctx  context.Context
		args []string
		code int
		want string // in stderr
	}{
		{"help", nil, []string{"-h"}, ExitOK, "Exit status"},
		{"bad flag", nil, []string{"--bogus", fixture}, ExitUsage, "-bogus"},
		{"bad format", nil, []string{"--format", "xml", fixture}, ExitUsage, "use text, json or markdown"},
		{"top 0", nil, []string{"--top", "0", fixture}, ExitUsage, "-1 for all"},
		{"negative jobs", nil, []string{"--jobs", "-2", fixture}, ExitUsage, "--jobs -2"},
		{"platform and all-platforms", nil, []string{"--platform", "linux/amd64", "--all-platforms", fixture}, ExitUsage, "exclude each other"},
		{"missing file", nil, []string{"docker-archive://" + filepath.Join(dir, "nope.tar")}, ExitUsage, "nope.tar"},
		{"truncated archive", nil, []string{"docker-archive://" + truncated}, ExitUsage, "truncated"},
		{"damaged layer", nil, []string{"docker-archive://" + damaged}, ExitUsage, "digest mismatch"},
		{"not a layout", nil, []string{"oci-layout://" + notLayout}, ExitUsage, "no index.json"},
		{"registry unreachable", nil, []string{refused + "/x"}, ExitFailure, "connection refused"},
		{"interrupted", canceled, []string{fixture}, ExitInterrupted, "interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			var out, errb bytes.Buffer
			code := run(ctx, append([]string{"analyze"}, tt.args...), strings.NewReader(""), &out, &errb)
			if code != tt.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.code, errb.String())
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q does not mention %q", errb.String(), tt.want)
			}
			if strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 && code != ExitOK && tt.name != "bad flag" {
				t.Errorf("stderr is not one line: %q", errb.String())
			}
		})
	}
}

// closedAddr returns 127.0.0.1:PORT where nothing listens.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
