package buildflags

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseVariant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Variant
		err  string
	}{
		{in: "single=Dockerfile.single", want: Variant{Name: "single", Dockerfile: "Dockerfile.single"}},
		{in: "multi=Dockerfile:runtime", want: Variant{Name: "multi", Dockerfile: "Dockerfile", Target: "runtime"}},
		{in: "m=dir/sub/Dockerfile:final", want: Variant{Name: "m", Dockerfile: "dir/sub/Dockerfile", Target: "final"}},
		{in: "m=c:/x/Dockerfile", want: Variant{Name: "m", Dockerfile: "c:/x/Dockerfile"}},
		{in: "Dockerfile", err: "want NAME=DOCKERFILE"},
		{in: "=Dockerfile", err: "want NAME=DOCKERFILE"},
		{in: "x=", err: "want NAME=DOCKERFILE"},
		{in: "x=Dockerfile:", err: "non-empty"},
		{in: "a b=Dockerfile", err: "may hold only"},
	}
	for _, tt := range tests {
		got, err := ParseVariant(tt.in)
		check(t, tt.in, got, tt.want, err, tt.err)
	}
}

func TestParseSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Secret
		err  string
	}{
		{in: "id=tok,src=/run/tok", want: Secret{ID: "tok", Src: "/run/tok"}},
		{in: "id=tok,source=f", want: Secret{ID: "tok", Src: "f"}},
		{in: "id=tok,env=TOKEN", want: Secret{ID: "tok", Env: "TOKEN"}},
		{in: "type=env,id=tok,src=TOKEN", want: Secret{ID: "tok", Env: "TOKEN"}},
		{in: "id=tok", want: Secret{ID: "tok"}},
		{in: `id=tok,"src=a,b"`, want: Secret{ID: "tok", Src: "a,b"}},
		{in: "src=f", err: "id= is required"},
		{in: "id=a,src=f,env=E", err: "not both"},
		{in: "id=a,foo=b", err: `unknown key "foo"`},
		{in: "id=a,id=b", err: "given twice"},
		{in: "type=ssh,id=a", err: "not file or env"},
		{in: "tok", err: "not key=value"},
	}
	for _, tt := range tests {
		got, err := ParseSecret(tt.in)
		check(t, tt.in, got, tt.want, err, tt.err)
	}
}

func TestParseSSH(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want SSH
		err  string
	}{
		{in: "default", want: SSH{ID: "default"}},
		{in: "default=/tmp/agent.sock", want: SSH{ID: "default", Paths: []string{"/tmp/agent.sock"}}},
		{in: "gh=/k1,/k2", want: SSH{ID: "gh", Paths: []string{"/k1", "/k2"}}},
		{in: "", err: "want ID"},
		{in: "x=", err: "empty path"},
		{in: "a b", err: "want ID"},
	}
	for _, tt := range tests {
		got, err := ParseSSH(tt.in)
		check(t, tt.in, got, tt.want, err, tt.err)
	}
}

func TestParseBuildContext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want BuildContext
		err  string
	}{
		{in: "busybox=oci-layout:///cache/busybox", want: BuildContext{Name: "busybox", Kind: ContextOCILayout, Value: "/cache/busybox"}},
		{in: "debian:bookworm-slim=oci-layout://./base:v1", want: BuildContext{Name: "debian:bookworm-slim", Kind: ContextOCILayout, Value: "./base", Tag: "v1"}},
		{in: "b=oci-layout://d@sha256:abc", want: BuildContext{Name: "b", Kind: ContextOCILayout, Value: "d", Digest: "sha256:abc"}},
		{in: "b=oci-layout://d:t@sha256:abc", want: BuildContext{Name: "b", Kind: ContextOCILayout, Value: "d", Tag: "t", Digest: "sha256:abc"}},
		{in: "b=oci-layout://host:5000/x", want: BuildContext{Name: "b", Kind: ContextOCILayout, Value: "host:5000/x"}},
		{in: "alpine=docker-image://127.0.0.1:5000/alpine:3", want: BuildContext{Name: "alpine", Kind: ContextImage, Value: "127.0.0.1:5000/alpine:3"}},
		{in: "src=../lib", want: BuildContext{Name: "src", Kind: ContextDir, Value: "../lib"}},
		{in: "g=https://github.com/x/y.git", want: BuildContext{Name: "g", Kind: ContextURL, Value: "https://github.com/x/y.git"}},
		{in: "base=target:builder", want: BuildContext{Name: "base", Kind: ContextURL, Value: "target:builder"}},
		{in: "noequals", err: "want NAME=VALUE"},
		{in: "x=", err: "want NAME=VALUE"},
		{in: "x=oci-layout://", err: "empty oci-layout path"},
		{in: "x=oci-layout://d@md5:1", err: "not a sha256 digest"},
		{in: "x=docker-image://", err: "empty image"},
		{in: "x=ftp://a", err: "unknown scheme"},
	}
	for _, tt := range tests {
		got, err := ParseBuildContext(tt.in)
		check(t, tt.in, got, tt.want, err, tt.err)
	}
}

func TestParseOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Output
		err  string
	}{
		{in: "none", want: Output{Type: OutputNone}},
		{in: "type=cacheonly", want: Output{Type: OutputNone}},
		{in: "oci-layout=out/img", want: Output{Type: OutputOCILayout, Path: "out/img"}},
		{in: "oci-archive=img.tar", want: Output{Type: OutputOCIArchive, Path: "img.tar"}},
		{in: "type=oci,dest=img.tar", want: Output{Type: OutputOCIArchive, Path: "img.tar"}},
		{in: "type=oci,dest=d,tar=false", want: Output{Type: OutputOCILayout, Path: "d"}},
		{in: "type=registry", want: Output{Type: OutputRegistry}},
		{in: "registry", want: Output{Type: OutputRegistry}},
		{in: "type=image,push=true", want: Output{Type: OutputRegistry}},
		{in: "oci-layout=", err: "empty directory"},
		{in: "type=oci", err: "needs dest"},
		{in: "type=docker", err: "not supported"},
		{in: "type=image", err: "without push"},
		{in: "dest=x", err: "no type"},
		{in: "foo", err: "not key=value"},
	}
	for _, tt := range tests {
		got, err := ParseOutput(tt.in)
		check(t, tt.in, got, tt.want, err, tt.err)
	}
}

func TestParseCache(t *testing.T) {
	t.Parallel()
	tests := []struct {
		flag, in string
		want     Cache
		err      string
	}{
		{flag: "--cache-from", in: "127.0.0.1:5000/app:cache", want: Cache{Type: "registry", Attrs: map[string]string{"ref": "127.0.0.1:5000/app:cache"}}},
		{flag: "--cache-to", in: "type=registry,ref=r/app:c,mode=max", want: Cache{Type: "registry", Attrs: map[string]string{"ref": "r/app:c", "mode": "max"}}},
		{flag: "--cache-to", in: "type=local,dest=/c", want: Cache{Type: "local", Attrs: map[string]string{"dest": "/c"}}},
		{flag: "--cache-from", in: "type=local,src=/c", want: Cache{Type: "local", Attrs: map[string]string{"src": "/c"}}},
		{flag: "--cache-to", in: "type=inline", want: Cache{Type: "inline", Attrs: map[string]string{}}},
		{flag: "--cache-to", in: "type=gha,scope=main,mode=max", want: Cache{Type: "gha", Attrs: map[string]string{"scope": "main", "mode": "max"}}},
		{flag: "--cache-from", in: "type=local,dest=/c", err: "needs src=DIR"},
		{flag: "--cache-to", in: "type=registry", err: "needs ref="},
		{flag: "--cache-to", in: "type=s4", err: "is not registry"},
		{flag: "--cache-to", in: "ref=x", err: "no type="},
		{flag: "--cache-to", in: "type=gha,mode=all", err: "not min or max"},
		{flag: "--cache-to", in: "", err: "empty value"},
	}
	for _, tt := range tests {
		got, err := ParseCache(tt.flag, tt.in)
		check(t, tt.in, got, tt.want, err, tt.err)
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		err  bool
	}{
		{in: "512", want: 512},
		{in: "64m", want: 64_000_000},
		{in: "10GB", want: 10_000_000_000},
		{in: "2GiB", want: 2 << 30},
		{in: "1.5k", want: 1500},
		{in: "lots", err: true},
		{in: "-1G", err: true},
		{in: "", err: true},
	}
	for _, tt := range tests {
		got, err := ParseSize("--max-disk", tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d, err %v", tt.in, got, err, tt.want, tt.err)
		}
		if err != nil && !strings.Contains(err.Error(), "--max-disk") {
			t.Errorf("ParseSize(%q) error %q does not name the flag", tt.in, err)
		}
	}
}

func TestParseAddHost(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"db:10.0.0.5": "db=10.0.0.5", "db=10.0.0.5": "db=10.0.0.5", "v6=::1": "v6=::1", "x:": "", "nohost": "", ":1.2.3.4": ""} {
		got, err := ParseAddHost(in)
		if want == "" {
			if err == nil {
				t.Errorf("ParseAddHost(%q) = %q, want error", in, got)
			}
			continue
		}
		if err != nil || got != want {
			t.Errorf("ParseAddHost(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestParsePrune(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Prune
		err  string
	}{
		{in: "true", want: Prune{SinceBuild: true}},
		{in: "keep-duration=24h", want: Prune{KeepDuration: 24 * time.Hour}},
		{in: "keep-storage=5GB,keep-duration=1h", want: Prune{KeepDuration: time.Hour, KeepStorage: 5_000_000_000}},
		{in: "keep-duration=soon", err: "not a duration"},
		{in: "keep-storage=big", err: "not a size"},
		{in: "keep=1", err: "unknown key"},
	}
	for _, tt := range tests {
		got, err := ParsePrune(tt.in)
		check(t, tt.in, got, tt.want, err, tt.err)
	}
}

func TestParsePlatforms(t *testing.T) {
	t.Parallel()
	got, err := ParsePlatforms([]string{"linux/amd64,linux/arm64", "linux/arm64", "linux/arm/v7"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"linux/amd64", "linux/arm64", "linux/arm/v7"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParsePlatforms = %q, want %q", got, want)
	}
	if _, err := ParsePlatforms([]string{"linux/amd64/v3/x/y"}); err == nil {
		t.Error("ParsePlatforms accepted a bad platform")
	}
}

func TestParseBuildArgAndLabel(t *testing.T) {
	t.Parallel()
	env := func(k string) (string, bool) {
		if k == "FROM_ENV" {
			return "v", true
		}
		return "", false
	}
	tests := []struct {
		in        string
		k, v      string
		ok, isErr bool
	}{
		{in: "A=1", k: "A", v: "1", ok: true},
		{in: "A=", k: "A", v: "", ok: true},
		{in: "A=x=y", k: "A", v: "x=y", ok: true},
		{in: "FROM_ENV", k: "FROM_ENV", v: "v", ok: true},
		{in: "MISSING", k: "MISSING"},
		{in: "=1", isErr: true},
	}
	for _, tt := range tests {
		k, v, ok, err := ParseBuildArg(tt.in, env)
		if (err != nil) != tt.isErr || k != tt.k && !tt.isErr || v != tt.v || ok != tt.ok {
			t.Errorf("ParseBuildArg(%q) = %q, %q, %v, %v", tt.in, k, v, ok, err)
		}
	}
	if k, v, err := ParseLabel("org.opencontainers.image.source=https://x"); err != nil || k != "org.opencontainers.image.source" || v != "https://x" {
		t.Errorf("ParseLabel = %q %q %v", k, v, err)
	}
	if _, _, err := ParseLabel("novalue"); err == nil {
		t.Error("ParseLabel accepted a label without =")
	}
}

func check[T any](t *testing.T, in string, got, want T, err error, wantErr string) {
	t.Helper()
	if wantErr != "" {
		if err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%q: error %v, want one containing %q", in, err, wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: error is not one line: %q", in, err)
		}
		return
	}
	if err != nil {
		t.Errorf("%q: unexpected error %v", in, err)
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q: got %+v, want %+v", in, got, want)
	}
}
