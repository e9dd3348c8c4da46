package buildkit_test

// Benchmarks of `plimsoll build` against `buildctl build` on the same
// Dockerfile and the same buildkitd, cold (cache pruned before each build)
// and warm. Both run as processes, as a user runs them. Run with
//
//	go test ./pkg/buildkit -run '^$' -bench BenchmarkBuildVsBuildctl -benchtime 3x -count 5 | tee bench.txt
//	benchstat bench.txt   # medians of buildctl-s/op, plimsoll-s/op, plimsoll/buildctl
//
// They are not timed tests: nothing here fails on a duration.

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/moby/buildkit/client"

	"github.com/plimsoll/plimsoll/pkg/buildkit"
	"github.com/plimsoll/plimsoll/pkg/testenv"
)

// benchPlimsoll builds the plimsoll binary into the benchmark's temporary
// directory (removed when it ends; the go build cache makes a second
// build quick).
func benchPlimsoll(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(b.TempDir(), "plimsoll")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/plimsoll/plimsoll/cmd/plimsoll").CombinedOutput()
	if err != nil {
		b.Fatalf("building plimsoll: %v\n%s", err, out)
	}
	return bin
}

// benchBuildctl is the buildctl next to the buildkitd that tests run.
func benchBuildctl(b *testing.B) string {
	b.Helper()
	d, err := buildkit.FindDaemonBinary("")
	if err != nil {
		b.Fatal(err)
	}
	p := filepath.Join(filepath.Dir(d), "buildctl")
	if _, err := os.Stat(p); err != nil {
		if p, err = exec.LookPath("buildctl"); err != nil {
			b.Fatalf("no buildctl next to %s or on PATH (run `make test-deps`)", d)
		}
	}
	return p
}

// benchDockerfile does real work: a base image load, a step that writes
// 48 MB of incompressible data, one that hashes it, and a small one.
const benchDockerfile = `FROM busybox
ARG SEED
RUN echo "$SEED" > /seed && dd if=/dev/urandom of=/data bs=1M count=48 2>/dev/null
RUN sha256sum /data > /data.sha256 && for i in 1 2 3 4 5 6 7 8; do sha256sum /data >/dev/null; done
RUN mkdir -p /app && cp /seed /app/ && ls -la /app
`

func benchRun(b *testing.B, name string, args ...string) {
	b.Helper()
	cmd := exec.Command(name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Fatalf("%s %s: %v\n%s", filepath.Base(name), strings.Join(args, " "), err, out)
	}
}

func benchPruneAll(b *testing.B, c *client.Client) {
	b.Helper()
	if _, err := buildkit.Prune(context.Background(), c, 0, 0, true); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkBuildVsBuildctl/cache=C/out=O runs buildctl and plimsoll in
// turn in each iteration (alternating which goes first), so that a busy
// machine slows both alike, and reports each tool's seconds per build and
// their ratio (plimsoll/buildctl). out=none is plimsoll's --output none (the
// image is streamed and analyzed, nothing written) against buildctl
// exporting the same OCI stream to /dev/null; out=archive writes an OCI
// archive file with both. cache=cold prunes the whole builder before each
// build; cache=warm rebuilds an unchanged Dockerfile.
func BenchmarkBuildVsBuildctl(b *testing.B) {
	plimsoll, buildctl := benchPlimsoll(b), benchBuildctl(b)
	bk := testenv.BuildKit(b)
	addr := bk.Addr
	contexts := testenv.BuildContexts(b)
	bb := strings.TrimPrefix(contexts["busybox"], "oci-layout://")
	bbDir, bbDigest, _ := strings.Cut(bb, "@")
	dir := b.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Dockerfile"), []byte(benchDockerfile), 0o644); err != nil {
		b.Fatal(err)
	}
	out := b.TempDir()
	seed := time.Now().String()

	cmdFor := func(tool, output string) (string, []string) {
		if tool == "plimsoll" {
			// gzip, like buildctl, so that both do the same work
			// (plimsoll's --output none defaults to the faster zstd).
			args := []string{"build", "--builder", addr, "--progress", "quiet", "--compression", "gzip", "--build-arg", "SEED=" + seed,
				"--build-context", "busybox=oci-layout://" + bbDir + "@" + bbDigest, dir}
			if output == "archive" {
				args = append(args, "--output", "oci-archive="+filepath.Join(out, "p.tar"))
			}
			return plimsoll, args
		}
		dest := "/dev/null"
		if output == "archive" {
			dest = filepath.Join(out, "b.tar")
		}
		return buildctl, []string{"--addr", addr, "build", "--progress", "quiet", "--frontend", "dockerfile.v0",
			"--local", "context=" + dir, "--local", "dockerfile=" + dir, "--opt", "build-arg:SEED=" + seed,
			"--oci-layout", "busybox=" + bbDir, "--opt", "context:busybox=oci-layout://busybox@" + bbDigest,
			"--output", "type=oci,dest=" + dest}
	}
	for _, cache := range []string{"cold", "warm"} {
		for _, output := range []string{"none", "archive"} {
			b.Run("cache="+cache+"/out="+output, func(b *testing.B) {
				tools := []string{"buildctl", "plimsoll"}
				if cache == "warm" {
					for _, tool := range tools {
						name, args := cmdFor(tool, output)
						benchRun(b, name, args...)
					}
				}
				spent := map[string]time.Duration{}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					order := tools
					if i%2 == 1 {
						order = []string{tools[1], tools[0]}
					}
					for _, tool := range order {
						b.StopTimer()
						if cache == "cold" {
							benchPruneAll(b, bk.Client)
						}
						name, args := cmdFor(tool, output)
						b.StartTimer()
						t0 := time.Now()
						benchRun(b, name, args...)
						spent[tool] += time.Since(t0)
					}
				}
				for _, tool := range tools {
					b.ReportMetric(spent[tool].Seconds()/float64(b.N), tool+"-s/op")
				}
				b.ReportMetric(spent["plimsoll"].Seconds()/spent["buildctl"].Seconds(), "plimsoll/buildctl")
			})
		}
	}
}

// BenchmarkExampleVariants builds examples/ml-service cold (the builder
// pruned before each build): the multi-stage Dockerfile alone, and both
// Dockerfiles as two variants of one run, in turn in each iteration
// (alternating which goes first). It reports each one's seconds and their
// ratio both/multi. Slow (apt-get from the Debian mirror): run with
// -benchtime 1x -count 3.
func BenchmarkExampleVariants(b *testing.B) {
	plimsoll := benchPlimsoll(b)
	bk := testenv.BuildKit(b)
	dir, err := filepath.Abs("../../examples/ml-service")
	if err != nil {
		b.Fatal(err)
	}
	base := "debian:bookworm-slim=" + testenv.BuildContexts(b)["debian:bookworm-slim"]
	argsFor := func(vs string) []string {
		args := []string{"build", "--builder", bk.Addr, "--progress", "quiet", "--build-context", base}
		if vs == "both" {
			args = append(args, "--variant", "single=Dockerfile.single")
		}
		return append(args, "--variant", "multi=Dockerfile", dir)
	}
	spent := map[string]time.Duration{}
	for i := 0; i < b.N; i++ {
		order := []string{"multi", "both"}
		if i%2 == 1 {
			order = []string{"both", "multi"}
		}
		for _, vs := range order {
			b.StopTimer()
			benchPruneAll(b, bk.Client)
			b.StartTimer()
			t0 := time.Now()
			benchRun(b, plimsoll, argsFor(vs)...)
			spent[vs] += time.Since(t0)
		}
	}
	b.ReportMetric(spent["multi"].Seconds()/float64(b.N), "multi-s/op")
	b.ReportMetric(spent["both"].Seconds()/float64(b.N), "both-s/op")
	b.ReportMetric(spent["both"].Seconds()/spent["multi"].Seconds(), "both/multi")
}
