package benchgen_test

import (
	"archive/tar"
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/plimsoll/plimsoll/internal/benchgen"
	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/image"
)

// The analyzer's benchmarks, on generated images. By default they use the
// small set (~8 MB, written to a temp dir). To profile the real 1.2 GB set
// made by `go run ./internal/cmd/benchgen`, point PLIMSOLL_BENCH_DIR at it:
//
//	PLIMSOLL_BENCH_DIR=/tmp/plimsoll-bench go test ./internal/benchgen -run x -bench Analyze -benchtime 3x -cpuprofile cpu.out
//
// Each benchmark reports MB/s of uncompressed layer bytes.

func benchSet(b *testing.B) *benchgen.Result {
	b.Helper()
	dir, cfg := os.Getenv("PLIMSOLL_BENCH_DIR"), benchgen.Default()
	if dir == "" {
		dir, cfg = b.TempDir(), benchgen.Small()
	}
	res, err := benchgen.Write(context.Background(), dir, cfg, benchgen.WriteOptions{})
	if err != nil {
		b.Fatal(err)
	}
	return res
}

func benchAnalyze(b *testing.B, ref string, size int64) {
	b.Helper()
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		srcs, err := image.Open(ctx, ref, image.Options{})
		if err != nil {
			b.Fatal(err)
		}
		a, err := analyze.Image(ctx, srcs[0].Image, analyze.Options{StoredUncompressed: srcs[0].StoredUncompressed})
		if err != nil {
			b.Fatal(err)
		}
		if a.SizeBytes == 0 {
			b.Fatal("empty analysis")
		}
	}
}

func BenchmarkAnalyzeDockerArchive(b *testing.B) {
	big := benchSet(b).Image("big")
	benchAnalyze(b, "docker-archive://"+big.DockerArchive, big.SizeBytes)
}

func BenchmarkAnalyzeDockerArchiveGzip(b *testing.B) {
	big := benchSet(b).Image("big")
	benchAnalyze(b, "docker-archive://"+big.DockerArchiveGzip, big.SizeBytes)
}

func BenchmarkAnalyzeOCILayoutGzip(b *testing.B) {
	big := benchSet(b).Image("big")
	benchAnalyze(b, "oci-layout://"+big.OCILayout, big.SizeBytes)
}

// BenchmarkAnalyzeOCIStream feeds the OCI layout as one tar stream (what
// BuildKit's oci exporter sends) to analyze.FromOCIStream.
func BenchmarkAnalyzeOCIStream(b *testing.B) {
	big := benchSet(b).Image("big")
	ctx := context.Background()
	b.SetBytes(big.SizeBytes)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		pr, pw := io.Pipe()
		go func() { pw.CloseWithError(tarDir(pw, big.OCILayout)) }()
		a, err := analyze.FromOCIStream(ctx, pr, analyze.Options{})
		pr.Close()
		if err != nil {
			b.Fatal(err)
		}
		if len(a.Layers) != len(big.Layers) || a.SizeBytes == 0 {
			b.Fatalf("%d layers, %d bytes: want %d layers", len(a.Layers), a.SizeBytes, len(big.Layers))
		}
	}
}

// tarDir writes dir as a tar stream: oci-layout and index.json first,
// then the blobs, as an OCI exporter does.
func tarDir(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: fi.Size(), Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// BenchmarkAnalyzeWhiteouts shows the cost of whiteouts: the time per op
// should not grow with the count.
func BenchmarkAnalyzeWhiteouts(b *testing.B) {
	res := benchSet(b)
	for _, n := range res.Config.Whiteouts {
		im := res.Image("whiteouts-" + strconv.Itoa(n))
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			benchAnalyze(b, "docker-archive://"+im.DockerArchive, im.SizeBytes)
		})
	}
}
