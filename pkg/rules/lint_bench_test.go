package rules

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
)

// benchCorpusSize is how many Dockerfiles the lint benchmark generates.
const benchCorpusSize = 240

// benchCorpus generates varied, realistic Dockerfiles from templates:
// single- and multi-stage, Debian/Ubuntu/Alpine/CUDA/conda/node bases,
// apt/pip/conda/npm installs with and without the good flags, heredocs,
// cache mounts, ARG-resolved bases. Deterministic (fixed seed).
func benchCorpus(n int) [][]byte {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	bases := []string{
		"python:3.11-slim", "python:3.11", "python:3.12-slim-bookworm", "debian:bookworm-slim", "ubuntu:22.04",
		"nvidia/cuda:12.1.1-runtime-ubuntu22.04", "nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04", "alpine:3.20",
		"continuumio/miniconda3:24.1.2-0", "node:20-slim", "pytorch/pytorch:2.3.1-cuda12.1-cudnn8-runtime", "python",
	}
	steps := []func() string{
		func() string {
			return "RUN apt-get update && apt-get install -y " + pick("", "--no-install-recommends ") +
				pick("curl", "git build-essential", "libgl1 libglib2.0-0", "python3-pip python3-dev") + pick("", " \\\n && rm -rf /var/lib/apt/lists/*")
		},
		func() string {
			return "RUN pip install " + pick("", "--no-cache-dir ") + pick("flask", "flask==3.0.3", "numpy==1.26.4 pandas", "torch==2.3.1+cu121 --index-url https://download.pytorch.org/whl/cu121", "-r requirements.txt")
		},
		func() string {
			return "RUN --mount=type=cache,target=/root/.cache/pip \\\n    pip install -r requirements.txt"
		},
		func() string { return "COPY requirements.txt " + pick(".", "/app/", "/tmp/requirements.txt") },
		func() string { return "COPY . " + pick(".", "/app", "/srv/app") },
		func() string { return "WORKDIR " + pick("/app", "/srv", "/workspace") },
		func() string {
			return "ENV " + pick("PIP_NO_CACHE_DIR=1", "PYTHONUNBUFFERED=1", "PATH=/opt/venv/bin:$PATH")
		},
		func() string { return "RUN conda env create -f environment.yml" + pick("", " && conda clean -afy") },
		func() string { return "RUN apk add " + pick("", "--no-cache ") + "gcc musl-dev" },
		func() string { return "RUN npm " + pick("ci", "install") + pick("", " && npm cache clean --force") },
		func() string {
			return "RUN <<EOF\nset -eux\napt-get update\napt-get install -y --no-install-recommends ca-certificates\nrm -rf /var/lib/apt/lists/*\nEOF"
		},
		func() string {
			return "RUN curl -fsSLo /tmp/m.tgz https://example.com/m.tgz && tar xzf /tmp/m.tgz -C /opt"
		},
		func() string { return "RUN rm -rf /tmp/m.tgz /var/lib/apt/lists/*" },
		func() string { return "USER " + pick("1000", "app", "nobody") },
		func() string { return "EXPOSE " + pick("8000", "8080/tcp") },
	}
	out := make([][]byte, 0, n)
	for i := 0; i < n; i++ {
		var b strings.Builder
		if r.IntN(4) == 0 {
			fmt.Fprintf(&b, "# syntax=docker/dockerfile:1\nARG BASE=%s\nFROM ${BASE} AS build\n", pick(bases...))
		} else {
			fmt.Fprintf(&b, "FROM %s AS build\n", pick(bases...))
		}
		for j := 0; j < 4+r.IntN(10); j++ {
			b.WriteString(steps[r.IntN(len(steps))]() + "\n")
		}
		if r.IntN(2) == 0 {
			fmt.Fprintf(&b, "\nFROM %s\n", pick(bases...))
			b.WriteString(pick("COPY --from=build /app /app\n", "COPY --from=build /opt/venv /opt/venv\n", "COPY --from=build / /\n"))
			for j := 0; j < 2+r.IntN(5); j++ {
				b.WriteString(steps[r.IntN(len(steps))]() + "\n")
			}
		}
		b.WriteString(pick(`CMD ["python", "app.py"]`, "CMD python app.py", `ENTRYPOINT ["/app/run"]`) + "\n")
		out = append(out, []byte(b.String()))
	}
	return out
}

// benchContext is a small build context with a requirements file.
func benchContext(b *testing.B) *dockerfile.BuildContext {
	dir := b.TempDir()
	files := map[string]string{
		"requirements.txt": "-r base.txt\nfastapi==0.111.0\nuvicorn>=0.29\npydantic\n",
		"base.txt":         "numpy==1.26.4\nscikit-learn~=1.4\n",
		"app.py":           "print('hi')\n",
		"environment.yml":  "name: x\n",
		".dockerignore":    ".git\n",
	}
	for i := 0; i < 50; i++ {
		files[fmt.Sprintf("src/pkg%d/mod.py", i)] = strings.Repeat("x = 1\n", 100)
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	bc, err := dockerfile.OpenContext(dir, filepath.Join(dir, "Dockerfile"))
	if err != nil {
		b.Fatal(err)
	}
	return bc
}

func benchLint(b *testing.B, opt Options) {
	corpus := benchCorpus(benchCorpusSize)
	bc := benchContext(b)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		for i, data := range corpus {
			if _, err := Lint(ctx, Input{Path: fmt.Sprintf("gen/%d/Dockerfile", i), Data: data, Context: bc}, opt); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/file")
}

// BenchmarkLint lints the generated corpus with every rule and BuildKit's
// checks, as `plimsoll lint` does; ns/file is the per-Dockerfile time.
func BenchmarkLint(b *testing.B) { benchLint(b, Options{BuildKit: true}) }

// BenchmarkLintRulesOnly leaves BuildKit's checks out, to show their share.
func BenchmarkLintRulesOnly(b *testing.B) { benchLint(b, Options{}) }

// BenchmarkParse is the parse alone (BuildKit's parser + the shell parser).
func BenchmarkParse(b *testing.B) {
	corpus := benchCorpus(benchCorpusSize)
	b.ResetTimer()
	for b.Loop() {
		for _, data := range corpus {
			if _, err := dockerfile.Parse("Dockerfile", data, dockerfile.ParseOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(corpus)), "ns/file")
}

func TestBenchCorpusParses(t *testing.T) {
	corpus := benchCorpus(benchCorpusSize)
	if len(corpus) < 200 {
		t.Fatalf("corpus has %d Dockerfiles, want >= 200", len(corpus))
	}
	for i, data := range corpus {
		if _, err := dockerfile.Parse("Dockerfile", data, dockerfile.ParseOptions{}); err != nil {
			t.Fatalf("generated Dockerfile %d does not parse: %v\n%s", i, err, data)
		}
	}
}
