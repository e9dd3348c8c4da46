package cuda

import (
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

//go:embed data/*.csv
var dataFS embed.FS

// DB holds the compatibility tables. It is read-only once loaded and safe
// for concurrent use.
type DB struct {
	drivers      []DriverRelease
	minorCompat  map[int]string
	tensorflow   []TensorFlowRelease
	torchWheels  map[string][]string // "2.3.1" -> ["cu118", "cu121"]
	torchMinor   map[string]torchMinor
	distroPython []distroPython
	cudnnTags    []Image // published *-cudnn*-devel-ubuntu* tags, oldest first
}

type torchMinor struct {
	python, pythonExperimental Range
	pypiCUDAMajor              int
}

type distroPython struct {
	distro, version, codename string
	python                    Version
}

// Default returns the tables embedded in the binary, parsed once. The data is
// checked by this package's tests, so a parse failure here is a build defect
// and panics.
func Default() *DB { return defaultDB() }

var defaultDB = sync.OnceValue(func() *DB {
	db, err := Load()
	if err != nil {
		panic(fmt.Sprintf("cuda: embedded tables are malformed: %v", err))
	}
	return db
})

// Load parses the embedded tables.
func Load() (*DB, error) {
	db := &DB{
		minorCompat: map[int]string{},
		torchWheels: map[string][]string{},
		torchMinor:  map[string]torchMinor{},
	}
	loaders := []struct {
		file string
		cols []string
		row  func(map[string]string) error
	}{
		{"cuda_toolkit_driver_versions.csv", []string{"toolkit_version", "label", "min_linux_x86_64", "min_windows_x86_64", "verified"}, db.addDriver},
		{"cuda_minor_version_compat_min_driver.csv", []string{"cuda_major", "min_linux_x86_64"}, db.addMinorCompat},
		{"tensorflow_gpu_tested_configs_linux.csv", []string{"package", "tf_version", "python_versions", "cudnn", "cuda"}, db.addTensorFlow},
		{"pytorch_wheel_cuda_variants.csv", []string{"torch_version", "cuda_wheel_variants"}, db.addTorchWheels},
		{"torch_releases.csv", []string{"torch_minor", "python_min", "python_max", "python_max_experimental", "pypi_cuda_major"}, db.addTorchMinor},
		{"distro_python.csv", []string{"distro", "version", "codename", "python"}, db.addDistroPython},
		{"nvidia_cuda_image_tags_cudnn_devel_ubuntu.csv", []string{"tag"}, db.addCuDNNTag},
	}
	for _, l := range loaders {
		if err := readTable(l.file, l.cols, l.row); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(db.drivers, func(a, b DriverRelease) int { return a.CUDA.Compare(b.CUDA) })
	return db, nil
}

// readTable reads one embedded CSV: '#' lines are provenance comments, the
// first other line is the header, and every column in want must exist.
func readTable(file string, want []string, row func(map[string]string) error) error {
	f, err := dataFS.Open("data/" + file)
	if err != nil {
		return fmt.Errorf("opening table %s: %w", file, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("table %s: reading header: %w", file, err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimSpace(h)] = i
	}
	for _, c := range want {
		if _, ok := idx[c]; !ok {
			return fmt.Errorf("table %s: no column %q", file, c)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("table %s: %w", file, err)
		}
		m := make(map[string]string, len(idx))
		for name, i := range idx {
			if i < len(rec) {
				m[name] = strings.TrimSpace(rec[i])
			}
		}
		if err := row(m); err != nil {
			line, _ := r.FieldPos(0)
			return fmt.Errorf("table %s line %d: %w", file, line, err)
		}
	}
}

func (db *DB) addDriver(m map[string]string) error {
	v, err := ParseVersion(m["toolkit_version"])
	if err != nil {
		return err
	}
	if _, err := ParseVersion(m["min_linux_x86_64"]); err != nil {
		return fmt.Errorf("driver %q: %w", m["min_linux_x86_64"], err)
	}
	db.drivers = append(db.drivers, DriverRelease{
		CUDA: v, Label: m["label"], MinLinux: m["min_linux_x86_64"],
		MinWindows: m["min_windows_x86_64"], FromNVIDIA: m["verified"] == "nvidia",
	})
	return nil
}

func (db *DB) addMinorCompat(m map[string]string) error {
	v, err := ParseVersion(m["cuda_major"])
	if err != nil {
		return err
	}
	db.minorCompat[v.Major] = m["min_linux_x86_64"]
	return nil
}

func (db *DB) addTensorFlow(m map[string]string) error {
	v, err := ParseVersion(m["tf_version"])
	if err != nil {
		return err
	}
	py, err := parseRange(m["python_versions"])
	if err != nil {
		return err
	}
	cudnn, err := ParseVersion(m["cudnn"])
	if err != nil {
		return err
	}
	cu, err := ParseVersion(m["cuda"])
	if err != nil {
		return err
	}
	db.tensorflow = append(db.tensorflow, TensorFlowRelease{
		Package: m["package"], Version: v, Python: py, CuDNN: cudnn, CUDA: cu,
	})
	return nil
}

func (db *DB) addTorchWheels(m map[string]string) error {
	ver, _, _ := strings.Cut(m["torch_version"], " ") // "1.8.2 (LTS)"
	v, err := ParseVersion(ver)
	if err != nil {
		return err
	}
	variants := strings.Fields(m["cuda_wheel_variants"])
	for _, w := range variants {
		if _, ok := ParseVariant(w); !ok {
			return fmt.Errorf("torch %s: bad variant %q", v, w)
		}
	}
	db.torchWheels[v.String()] = variants
	return nil
}

func (db *DB) addTorchMinor(m map[string]string) error {
	v, err := ParseVersion(m["torch_minor"])
	if err != nil {
		return err
	}
	lo, err := ParseVersion(m["python_min"])
	if err != nil {
		return err
	}
	hi, err := ParseVersion(m["python_max"])
	if err != nil {
		return err
	}
	hx, err := ParseVersion(m["python_max_experimental"])
	if err != nil {
		return err
	}
	t := torchMinor{python: Range{Min: lo, Max: hi}, pythonExperimental: Range{Min: lo, Max: hx}}
	if s := m["pypi_cuda_major"]; s != "" {
		p, err := ParseVersion(s)
		if err != nil {
			return err
		}
		t.pypiCUDAMajor = p.Major
	}
	db.torchMinor[v.MajorMinor().String()] = t
	return nil
}

func (db *DB) addDistroPython(m map[string]string) error {
	py, err := ParseVersion(m["python"])
	if err != nil {
		return err
	}
	db.distroPython = append(db.distroPython, distroPython{
		distro: m["distro"], version: m["version"], codename: m["codename"], python: py,
	})
	return nil
}

func (db *DB) addCuDNNTag(m map[string]string) error {
	img, err := ParseTag(m["tag"])
	if err != nil {
		return err
	}
	img.Repository = "nvidia/cuda"
	db.cudnnTags = append(db.cudnnTags, img)
	return nil
}
