package cuda

import (
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"12", "12", false},
		{"12.4", "12.4", false},
		{"12.4.1", "12.4.1", false},
		{"v2.3.1", "2.3.1", false},
		{" 3.10 ", "3.10", false},
		{"", "", true},
		{"12.", "", true},
		{"1.2.3.4", "", true},
		{"a.b", "", true},
		{"12.4.1rc1", "", true},
		{"-1", "", true},
		{"1234567890", "", true},
	}
	for _, tt := range tests {
		got, err := ParseVersion(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseVersion(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if err == nil && got.String() != tt.want {
			t.Errorf("ParseVersion(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestVersionCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
	}{
		{"12.4", "12.4.0", 0},
		{"12.4.1", "12.4", 1},
		{"11.8", "12.1", -1},
		{"3.10", "3.9", 1},
	}
	for _, tt := range tests {
		if got := MustVersion(tt.a).Compare(MustVersion(tt.b)); got != tt.want {
			t.Errorf("%s.Compare(%s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestRange(t *testing.T) {
	t.Parallel()
	r, err := parseRange("2.7, 3.3-3.7")
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[string]bool{"2.7": true, "2.7.18": true, "3.3": true, "3.6.9": true, "3.7": true, "3.8": false, "3.2": false, "2.6": false} {
		if got := r.Contains(MustVersion(v)); got != want {
			t.Errorf("range %s contains %s = %v, want %v", r, v, got, want)
		}
	}
	if got := r.String(); got != "2.7, 3.3-3.7" {
		t.Errorf("String() = %q", got)
	}
	for _, bad := range []string{"", "3.9-", "3.3-3.7, 2.7", "x"} {
		if _, err := parseRange(bad); err == nil {
			t.Errorf("parseRange(%q) succeeded", bad)
		}
	}
}

func TestParseTag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tag     string
		want    Image
		wantErr string
	}{
		{tag: "12.4.1-cudnn-runtime-ubuntu22.04", want: Image{CUDA: MustVersion("12.4.1"), Flavor: FlavorRuntime, CuDNN: true, CuDNNMajor: 9, OS: "ubuntu", OSVersion: "22.04"}},
		{tag: "11.8.0-cudnn8-devel-ubuntu22.04", want: Image{CUDA: MustVersion("11.8.0"), Flavor: FlavorDevel, CuDNN: true, CuDNNMajor: 8, OS: "ubuntu", OSVersion: "22.04"}},
		{tag: "12.2.2-base-ubuntu22.04", want: Image{CUDA: MustVersion("12.2.2"), Flavor: FlavorBase, OS: "ubuntu", OSVersion: "22.04"}},
		{tag: "12.3.2-cudnn9-runtime-ubuntu20.04", want: Image{CUDA: MustVersion("12.3.2"), Flavor: FlavorRuntime, CuDNN: true, CuDNNMajor: 9, OS: "ubuntu", OSVersion: "20.04"}},
		{tag: "10.0-cudnn7-runtime-ubuntu18.04", want: Image{CUDA: MustVersion("10.0"), Flavor: FlavorRuntime, CuDNN: true, CuDNNMajor: 7, OS: "ubuntu", OSVersion: "18.04"}},
		{tag: "9.2-devel", want: Image{CUDA: MustVersion("9.2"), Flavor: FlavorDevel}},
		{tag: "9.2-cudnn7-runtime", want: Image{CUDA: MustVersion("9.2"), Flavor: FlavorRuntime, CuDNN: true, CuDNNMajor: 7}},
		{tag: "12.4.1-devel-ubi9", want: Image{CUDA: MustVersion("12.4.1"), Flavor: FlavorDevel, OS: "ubi", OSVersion: "9"}},
		{tag: "13.0.2-cudnn-devel-ubuntu24.04", want: Image{CUDA: MustVersion("13.0.2"), Flavor: FlavorDevel, CuDNN: true, CuDNNMajor: 9, OS: "ubuntu", OSVersion: "24.04"}},
		{tag: "12.6.3-runtime-rockylinux9", want: Image{CUDA: MustVersion("12.6.3"), Flavor: FlavorRuntime, OS: "rockylinux", OSVersion: "9"}},
		{tag: "12.2.0-devel-ubuntu22.04-arm64", want: Image{CUDA: MustVersion("12.2.0"), Flavor: FlavorDevel, OS: "ubuntu", OSVersion: "22.04", Suffix: "arm64"}},
		{tag: "10.2", want: Image{CUDA: MustVersion("10.2")}},
		{tag: "", wantErr: "empty"},
		{tag: "latest", wantErr: "does not start with a CUDA version"},
		{tag: "12-devel", wantErr: "does not start with a CUDA version"},
		{tag: "12.4.1-cudnnx-runtime-ubuntu22.04", wantErr: "unknown cuDNN part"},
		{tag: "12.4.1-cudnn-base-ubuntu22.04", wantErr: "not base"},
		{tag: "17.0-cudnn0", wantErr: "unknown cuDNN part"},
		{tag: "12.1.1-cudnn08-runtime-ubuntu22.04", wantErr: "unknown cuDNN part"},
		{tag: "12.4.1-slim-ubuntu22.04", wantErr: "expected base, runtime or devel"},
		{tag: "12.4.1-ubuntu22.04", wantErr: "no flavor"},
		{tag: "12.4.1-runtime-ubuntu", wantErr: "expected base, runtime or devel"},
		{tag: "12.4.1-runtime-ubuntu22.", wantErr: "expected base, runtime or devel"},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			got, err := ParseTag(tt.tag)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseTag(%q) error = %v, want containing %q", tt.tag, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTag(%q): %v", tt.tag, err)
			}
			tt.want.Tag = tt.tag
			if got != tt.want {
				t.Errorf("ParseTag(%q) =\n %+v\nwant\n %+v", tt.tag, got, tt.want)
			}
		})
	}
}

// TestParseTagPublishedTags parses every tag of the published-tag table and
// checks the parser agrees with the table's own columns.
func TestParseTagPublishedTags(t *testing.T) {
	t.Parallel()
	n := 0
	err := readTable("nvidia_cuda_image_tags_cudnn_devel_ubuntu.csv", []string{"tag", "cuda", "cudnn_major", "flavor", "os"}, func(m map[string]string) error {
		n++
		img, err := ParseTag(m["tag"])
		if err != nil {
			t.Errorf("published tag %q: %v", m["tag"], err)
			return nil
		}
		if img.CUDA.String() != m["cuda"] || string(img.Flavor) != m["flavor"] || img.OS+img.OSVersion != m["os"] || !img.CuDNN {
			t.Errorf("published tag %q parsed as %+v; table says cuda=%s flavor=%s os=%s", m["tag"], img, m["cuda"], m["flavor"], m["os"])
		}
		if got := img.CuDNNMajor; got != MustVersion(m["cudnn_major"]).Major {
			t.Errorf("published tag %q: cuDNN major %d, table says %s", m["tag"], got, m["cudnn_major"])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 80 {
		t.Fatalf("read %d published tags, want at least 80", n)
	}
}

func TestParseImageReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ref     string
		ok      bool
		wantErr bool
		cuda    string
	}{
		{"nvidia/cuda:12.4.1-runtime-ubuntu22.04", true, false, "12.4.1"},
		{"docker.io/nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04", true, false, "11.8.0"},
		{"nvcr.io/nvidia/cuda:12.2.2-base-ubuntu22.04@sha256:0123", true, false, "12.2.2"},
		{"NVIDIA/CUDA:12.2.2-base-ubuntu22.04", true, false, "12.2.2"},
		{"nvidia/cuda", true, true, ""},
		{"nvidia/cuda:latest", true, true, ""},
		{"python:3.11", false, false, ""},
		{"localhost:5000/nvidia/cuda:12.4.1-runtime-ubuntu22.04", false, false, ""},
		{"nvidia/cudagl:11.4.2-base-ubuntu20.04", false, false, ""},
	}
	for _, tt := range tests {
		img, ok, err := ParseImageReference(tt.ref)
		if ok != tt.ok || (err != nil) != tt.wantErr {
			t.Errorf("ParseImageReference(%q) = ok %v err %v; want ok %v err %v", tt.ref, ok, err, tt.ok, tt.wantErr)
			continue
		}
		if tt.cuda != "" && img.CUDA.String() != tt.cuda {
			t.Errorf("ParseImageReference(%q).CUDA = %s, want %s", tt.ref, img.CUDA, tt.cuda)
		}
	}
}

func TestSplitReference(t *testing.T) {
	t.Parallel()
	tests := []struct{ ref, name, tag, digest string }{
		{"python:3.11-slim", "python", "3.11-slim", ""},
		{"localhost:5000/app", "localhost:5000/app", "", ""},
		{"localhost:5000/app:v1@sha256:ab", "localhost:5000/app", "v1", "sha256:ab"},
		{"ubuntu@sha256:cd", "ubuntu", "", "sha256:cd"},
	}
	for _, tt := range tests {
		n, tg, d := SplitReference(tt.ref)
		if n != tt.name || tg != tt.tag || d != tt.digest {
			t.Errorf("SplitReference(%q) = %q %q %q, want %q %q %q", tt.ref, n, tg, d, tt.name, tt.tag, tt.digest)
		}
	}
}

func TestMinDriver(t *testing.T) {
	t.Parallel()
	db := Default()
	tests := []struct {
		cuda, want, label string
		ok                bool
	}{
		{"12.4.1", "550.54.15", "CUDA 12.4 Update 1", true},
		{"12.4.0", "550.54.14", "CUDA 12.4 GA", true},
		{"12.4", "550.54.15", "CUDA 12.4 Update 1", true},
		{"12.3.2", "545.23.08", "CUDA 12.3 Update 1", true}, // NVIDIA lists no 12.3 Update 2 row
		{"12.2.1", "535.86.09", "CUDA 12.2 Update 1", true},
		{"12.8.0", "570.26", "CUDA 12.8 GA", true},
		{"11.8.0", "520.61.05", "CUDA 11.8 GA", true},
		{"11.0.3", "450.51.06", "CUDA 11.0.3 Update 1", true},
		{"11.0.2", "450.51.05", "CUDA 11.0.2 GA", true},
		{"10.2", "440.33", "CUDA 10.2.89", true},
		{"9.2", "396.37", "CUDA 9.2 (9.2.148 Update 1)", true},
		{"13.0.0", "580.65.06", "CUDA 13.0 GA", true},
		{"13.2.2", "595.71.05", "CUDA 13.2 Update 2", true},
		{"12.7.0", "", "", false},
		{"6.5", "", "", false},
	}
	for _, tt := range tests {
		got, ok := db.MinDriver(MustVersion(tt.cuda))
		if ok != tt.ok || got.MinLinux != tt.want || got.Label != tt.label {
			t.Errorf("MinDriver(%s) = %q %q ok=%v, want %q %q ok=%v", tt.cuda, got.MinLinux, got.Label, ok, tt.want, tt.label, tt.ok)
		}
	}
	for major, want := range map[int]string{13: "580.65.06", 12: "525.60.13", 11: "450.80.02"} {
		if got, ok := db.MinorCompatDriver(major); !ok || got != want {
			t.Errorf("MinorCompatDriver(%d) = %q %v, want %q", major, got, ok, want)
		}
	}
	if _, ok := db.MinorCompatDriver(10); ok {
		t.Error("MinorCompatDriver(10) ok, want none: 10.x has no minor-version compatibility")
	}
}

// TestDriverTableMonotonic guards the transcription: within a major, a later
// toolkit never needs an older driver.
func TestDriverTableMonotonic(t *testing.T) {
	t.Parallel()
	db := Default()
	for i := 1; i < len(db.drivers); i++ {
		a, b := db.drivers[i-1], db.drivers[i]
		if compareDriver(a.MinLinux, b.MinLinux) > 0 {
			t.Errorf("%s needs %s but later %s needs only %s", a.Label, a.MinLinux, b.Label, b.MinLinux)
		}
	}
}

func compareDriver(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			x = MustVersion(pa[i]).Major
		}
		if i < len(pb) {
			y = MustVersion(pb[i]).Major
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

func TestTensorFlow(t *testing.T) {
	t.Parallel()
	db := Default()
	tests := []struct {
		tf, pkg, cuda, cudnn, python string
		ok                           bool
	}{
		{"2.15.1", "tensorflow", "12.2", "8.9", "3.9-3.11", true},
		{"2.16.2", "tensorflow", "12.3", "8.9", "3.9-3.12", true},
		{"2.14", "tensorflow", "11.8", "8.7", "3.9-3.11", true},
		{"2.11.0", "tensorflow", "11.2", "8.1", "3.7-3.10", true},
		{"1.15.5", "tensorflow_gpu", "10.0", "7.4", "2.7, 3.3-3.7", true},
		{"2.21.0", "tensorflow", "12.5", "9.3", "3.10-3.13", true},
		{"3.0.0", "", "", "", "", false},
	}
	for _, tt := range tests {
		r, ok := db.TensorFlow(MustVersion(tt.tf))
		if ok != tt.ok {
			t.Errorf("TensorFlow(%s) ok = %v", tt.tf, ok)
			continue
		}
		if !ok {
			continue
		}
		if r.Package != tt.pkg || r.CUDA.String() != tt.cuda || r.CuDNN.String() != tt.cudnn || r.Python.String() != tt.python {
			t.Errorf("TensorFlow(%s) = %s cuda %s cudnn %s python %s", tt.tf, r.Package, r.CUDA, r.CuDNN, r.Python)
		}
	}
	r, _ := db.TensorFlow(MustVersion("2.15.0"))
	for image, want := range map[string]bool{"12.2.2": true, "12.4.1": true, "12.1.1": false, "11.8.0": false, "13.0.0": false} {
		if got := r.TensorFlowFits(MustVersion(image)); got != want {
			t.Errorf("TF 2.15 fits CUDA %s = %v, want %v", image, got, want)
		}
	}
	if !r.CuDNNFits(8) || r.CuDNNFits(9) || !r.CuDNNFits(0) {
		t.Error("TF 2.15 cuDNN 8.9: fits 8 and unknown, not 9")
	}
}

func TestTorch(t *testing.T) {
	t.Parallel()
	db := Default()
	tests := []struct {
		torch, variants, python, exp string
		pypi                         int
		ok                           bool
	}{
		{"2.3.1", "cu118 cu121", "3.8-3.11", "3.8-3.12", 12, true},
		{"2.3", "cu118 cu121", "3.8-3.11", "3.8-3.12", 12, true},
		{"2.5.1", "cu118 cu121 cu124", "3.9-3.12", "3.9-3.13", 12, true},
		{"2.0.1", "cu117 cu118", "3.8-3.11", "3.8-3.11", 11, true},
		{"1.8.2", "cu102 cu111", "3.6-3.9", "3.6-3.9", 10, true},
		{"1.4.0", "cu92 cu101", "", "", 0, true},
		{"2.13.0", "", "3.10-3.15", "3.10-3.15", 0, true},
		{"0.4.1", "", "", "", 0, false},
	}
	for _, tt := range tests {
		r, ok := db.Torch(MustVersion(tt.torch))
		if ok != tt.ok {
			t.Errorf("Torch(%s) ok = %v", tt.torch, ok)
			continue
		}
		if got := strings.Join(r.Variants, " "); got != tt.variants {
			t.Errorf("Torch(%s).Variants = %q, want %q", tt.torch, got, tt.variants)
		}
		if r.Python.String() != tt.python || r.PythonExperimental.String() != tt.exp || r.PyPICUDAMajor != tt.pypi {
			t.Errorf("Torch(%s) python %q exp %q pypi %d", tt.torch, r.Python, r.PythonExperimental, r.PyPICUDAMajor)
		}
	}
	r, _ := db.Torch(MustVersion("2.3.1"))
	if !r.HasVariant("cu121") || r.HasVariant("cu124") {
		t.Error("torch 2.3.1 has cu121, not cu124")
	}
	if !r.Python.Contains(MustVersion("3.10")) || r.Python.Contains(MustVersion("3.6")) {
		t.Error("torch 2.3 supports 3.10, not 3.6")
	}
}

func TestParseVariant(t *testing.T) {
	t.Parallel()
	tests := map[string]string{"cu121": "12.1", "cu92": "9.2", "cu100": "10.0", "cu80": "8.0", "CU118": "11.8", "cu130": "13.0",
		"cpu": "", "rocm6.2": "", "cu": "", "cu1": "", "cu12x": "", "cu01": "", "cu12345": ""}
	for in, want := range tests {
		v, ok := ParseVariant(in)
		if (want != "") != ok || (ok && v.String() != want) {
			t.Errorf("ParseVariant(%q) = %s %v, want %q", in, v, ok, want)
		}
	}
}

func TestVariantFromIndexURL(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"https://download.pytorch.org/whl/cu121":         "cu121",
		"https://download.pytorch.org/whl/cu118/":        "cu118",
		"https://download.pytorch.org/whl/nightly/cu128": "cu128",
		"https://download.pytorch.org/whl/test/cu126":    "cu126",
		"https://download.pytorch.org/whl/cu121/torch/":  "cu121",
		"https://download.pytorch.org/whl/cpu":           "",
		"https://download.pytorch.org/whl/rocm6.2":       "",
		"https://pypi.org/simple":                        "",
		"https://example.com/whl/cu121":                  "",
		"::not a url":                                    "",
	}
	for in, want := range tests {
		got, ok := VariantFromIndexURL(in)
		if got != want || ok != (want != "") {
			t.Errorf("VariantFromIndexURL(%q) = %q %v, want %q", in, got, ok, want)
		}
	}
	if pub, local := SplitLocalVersion("2.3.1+cu121"); pub != "2.3.1" || local != "cu121" {
		t.Errorf("SplitLocalVersion = %q %q", pub, local)
	}
}

func TestDistroPython(t *testing.T) {
	t.Parallel()
	db := Default()
	tests := []struct{ distro, version, want string }{
		{"ubuntu", "18.04", "3.6"},
		{"ubuntu", "20.04", "3.8"},
		{"ubuntu", "22.04", "3.10"},
		{"ubuntu", "jammy", "3.10"},
		{"ubuntu", "jammy-20240111", "3.10"},
		{"ubuntu", "24.04", "3.12"},
		{"Ubuntu", "noble", "3.12"},
		{"debian", "buster", "3.7"},
		{"debian", "bullseye-slim", "3.9"},
		{"debian", "bookworm", "3.11"},
		{"debian", "12", "3.11"},
		{"debian", "12.5", "3.11"},
		{"debian", "trixie", "3.13"},
		{"ubuntu", "23.10", ""},
		{"alpine", "3.19", ""},
	}
	for _, tt := range tests {
		v, ok := db.DistroPython(tt.distro, tt.version)
		if ok != (tt.want != "") || (ok && v.String() != tt.want) {
			t.Errorf("DistroPython(%s, %s) = %s %v, want %q", tt.distro, tt.version, v, ok, tt.want)
		}
	}
	if c, ok := db.DistroCodename("ubuntu", "22.04"); !ok || c != "jammy" {
		t.Errorf("DistroCodename(ubuntu, 22.04) = %q %v", c, ok)
	}
}

// TestTablesHaveSources makes every embedded table open with its provenance.
func TestTablesHaveSources(t *testing.T) {
	t.Parallel()
	entries, err := dataFS.ReadDir("data")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		b, err := dataFS.ReadFile("data/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "# source: ") {
			t.Errorf("%s does not start with a '# source: ' line", e.Name())
		}
		r := csv.NewReader(strings.NewReader(string(b)))
		r.Comment = '#'
		r.FieldsPerRecord = 0
		for {
			_, err := r.Read()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Errorf("%s: %v", e.Name(), err)
				break
			}
		}
	}
	if !slices.Contains(names, "cuda_toolkit_driver_versions.csv") {
		t.Errorf("embedded tables %v lack the driver table", names)
	}
	if _, err := Load(); err != nil {
		t.Fatal(err)
	}
}

func TestNewestFor(t *testing.T) {
	t.Parallel()
	db := Default()
	for py, want := range map[string]string{"3.6": "2.6", "3.7": "2.11", "3.12": "2.21", "2.7": "2.1", "3.14": ""} {
		r, ok := db.NewestTensorFlowFor(MustVersion(py))
		if ok != (want != "") || (ok && r.Version.MajorMinor().String() != want) {
			t.Errorf("NewestTensorFlowFor(%s) = %s %v, want %q", py, r.Version, ok, want)
		}
	}
	for py, want := range map[string]string{"3.6": "1.10", "3.7": "1.13", "3.8": "2.4", "3.13": "2.14", "3.5": ""} {
		v, ok := db.NewestTorchFor(MustVersion(py))
		if ok != (want != "") || (ok && v.String() != want) {
			t.Errorf("NewestTorchFor(%s) = %s %v, want %q", py, v, ok, want)
		}
	}
}

// TestTablesAgree cross-checks the tables: every CUDA version a framework
// table names has a driver row, and every PyTorch release from 1.8 with
// wheel variants has a Python range.
func TestTablesAgree(t *testing.T) {
	t.Parallel()
	db := Default()
	for ver, variants := range db.torchWheels {
		v := MustVersion(ver)
		for _, w := range variants {
			cv, _ := ParseVariant(w)
			if _, ok := db.MinDriver(cv); !ok {
				t.Errorf("torch %s variant %s: CUDA %s has no driver row", ver, w, cv)
			}
		}
		if v.Compare(MustVersion("1.8")) >= 0 {
			if r, _ := db.Torch(v); r.Python.Min.IsZero() {
				t.Errorf("torch %s has wheel variants but no Python range in torch_releases.csv", ver)
			}
		}
	}
	for _, r := range db.tensorflow {
		if _, ok := db.MinDriver(r.CUDA); !ok {
			t.Errorf("TensorFlow %s: CUDA %s has no driver row", r.Version, r.CUDA)
		}
	}
}

func TestSiblings(t *testing.T) {
	t.Parallel()
	tests := []struct {
		tag, runtime, cudnn string
	}{
		{"12.2.2-devel-ubuntu22.04", "12.2.2-runtime-ubuntu22.04", "12.2.2-cudnn8-devel-ubuntu22.04"},
		{"12.4.1-base-ubuntu22.04", "12.4.1-runtime-ubuntu22.04", "12.4.1-cudnn-runtime-ubuntu22.04"},
		{"12.3.2-runtime-ubuntu20.04", "12.3.2-runtime-ubuntu20.04", "12.3.2-cudnn9-runtime-ubuntu20.04"},
		{"11.8.0-cudnn8-devel-ubuntu22.04", "11.8.0-cudnn8-runtime-ubuntu22.04", "11.8.0-cudnn8-devel-ubuntu22.04"},
		{"13.0.2-cudnn-devel-ubuntu24.04", "13.0.2-cudnn-runtime-ubuntu24.04", "13.0.2-cudnn-devel-ubuntu24.04"},
		{"10.0-runtime-ubuntu18.04", "10.0-runtime-ubuntu18.04", "10.0-cudnn7-runtime-ubuntu18.04"},
		{"9.2-devel", "9.2-runtime", "9.2-cudnn7-devel"},
	}
	for _, tt := range tests {
		img, err := ParseTag(tt.tag)
		if err != nil {
			t.Fatal(err)
		}
		if got := img.TagString(); got != tt.tag {
			t.Errorf("ParseTag(%q).TagString() = %q", tt.tag, got)
		}
		if got := img.WithFlavor(FlavorRuntime).Tag; got != tt.runtime {
			t.Errorf("%s WithFlavor(runtime) = %q, want %q", tt.tag, got, tt.runtime)
		}
		if got := img.WithCuDNN().TagString(); got != tt.cudnn {
			t.Errorf("%s WithCuDNN() = %q, want %q", tt.tag, got, tt.cudnn)
		}
	}
	img, _, _ := ParseImageReference("nvcr.io/nvidia/cuda:12.4.1-cudnn-devel-ubuntu22.04")
	if got := img.WithFlavor(FlavorBase).Reference(); got != "nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04" {
		t.Errorf("WithFlavor(base).Reference() = %q", got)
	}
}

func TestCuDNNImage(t *testing.T) {
	t.Parallel()
	db := Default()
	tests := []struct {
		cuda    string
		cudnn   int
		os, osv string
		want    string
	}{
		{"12.2", 8, "ubuntu", "22.04", "nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04"},
		{"12.3", 9, "ubuntu", "20.04", "nvidia/cuda:12.3.2-cudnn9-devel-ubuntu20.04"},
		{"12.5", 9, "ubuntu", "22.04", "nvidia/cuda:12.5.1-cudnn-devel-ubuntu22.04"},
		{"11.2", 8, "ubuntu", "18.04", "nvidia/cuda:11.2.2-cudnn8-devel-ubuntu18.04"},
		{"11.8", 8, "ubi", "8", "nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04"},
		{"12.4", 8, "ubuntu", "22.04", ""},
		{"10.0", 7, "ubuntu", "18.04", ""},
	}
	for _, tt := range tests {
		img, ok := db.CuDNNImage(MustVersion(tt.cuda), tt.cudnn, tt.os, tt.osv)
		got := ""
		if ok {
			got = img.Reference()
		}
		if got != tt.want {
			t.Errorf("CuDNNImage(%s, %d, %s%s) = %q, want %q", tt.cuda, tt.cudnn, tt.os, tt.osv, got, tt.want)
		}
	}
}
