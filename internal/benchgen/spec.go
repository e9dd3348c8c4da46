package benchgen

import (
	"archive/tar"
	"fmt"
	"math/rand/v2"
	"strconv"
)

// Config says what to generate. The zero value is not useful: start from
// Default or Small.
type Config struct {
	// Seed makes every byte, name and size deterministic.
	Seed uint64 `json:"seed"`
	// Packages drives the file count: the base layer holds about 30
	// entries per package (1000 packages: ~30k entries).
	Packages int `json:"packages"`
	// ByteScale multiplies every file size except the model's (1: ~1.2 GB).
	ByteScale float64 `json:"byte_scale"`
	// ModelBytes is the size of the model file that is added and then
	// re-added identically in the last layer.
	ModelBytes int64 `json:"model_bytes"`
	// Whiteouts lists the whiteout counts of the whiteout series: one image
	// per count, each the base layer plus one layer deleting that many base
	// files.
	Whiteouts []int `json:"whiteouts"`
}

// Default is the benchmark image of issue 5: about 1.2 GB in 5 layers,
// ~30k files in the base, and whiteout series of 1, 500 and 2,000.
func Default() Config {
	return Config{Seed: 1, Packages: 1000, ByteScale: 1, ModelBytes: 70 << 20, Whiteouts: []int{1, 500, 2000}}
}

// Small is the same shape at about 1/150 of the bytes and 1/25 of the
// files (~8 MB, ~1.3k base entries): for tests and go test -bench.
func Small() Config {
	return Config{Seed: 1, Packages: 40, ByteScale: 0.01, ModelBytes: 1 << 20, Whiteouts: []int{1, 50, 200}}
}

func (c Config) validate() error {
	if c.Packages < 10 {
		return fmt.Errorf("benchgen: Packages = %d, want at least 10", c.Packages)
	}
	if c.ByteScale <= 0 {
		return fmt.Errorf("benchgen: ByteScale = %v, want > 0", c.ByteScale)
	}
	if c.ModelBytes < 0 {
		return fmt.Errorf("benchgen: ModelBytes = %d, want >= 0", c.ModelBytes)
	}
	for _, n := range c.Whiteouts {
		if n < 1 {
			return fmt.Errorf("benchgen: whiteout count %d, want >= 1", n)
		}
	}
	return nil
}

// entry is one tar entry a layer emits. Paths are relative, without a
// leading or trailing slash. Parent directories are added by the writer.
type entry struct {
	typ     byte // tar.TypeReg, TypeDir, TypeSymlink, TypeLink
	path    string
	size    int64
	kind    kind
	version int // content version: a new version means new bytes
	mode    int64
	link    string
}

// layerSpec describes one layer as a deterministic sequence of entries.
type layerSpec struct {
	name      string
	createdBy string
	emit      func(c Config, yield func(entry) error) error
}

// gen is the helper the layer specs use: a structural PRNG (sizes, picks)
// separate from the content PRNG (bytes), and shorthands for entries.
type gen struct {
	c     Config
	r     *rand.Rand
	yield func(entry) error
	err   error
}

func newGen(c Config, salt uint64, yield func(entry) error) *gen {
	return &gen{c: c, r: rand.New(rand.NewPCG(c.Seed, salt)), yield: yield} //nolint:gosec // G404: reproducible test data, not secrets
}

// size draws a size uniformly in [lo, hi] bytes, scaled by ByteScale.
func (g *gen) size(lo, hi int64) int64 {
	v := lo + g.r.Int64N(hi-lo+1)
	return int64(float64(v) * g.c.ByteScale)
}

func (g *gen) put(e entry) {
	if g.err != nil {
		return
	}
	g.err = g.yield(e)
}

func (g *gen) file(path string, lo, hi int64, k kind, version int, mode int64) {
	g.put(entry{typ: tar.TypeReg, path: path, size: g.size(lo, hi), kind: k, version: version, mode: mode})
}

func (g *gen) fileN(path string, n int64, k kind, version int, mode int64) {
	g.put(entry{typ: tar.TypeReg, path: path, size: n, kind: k, version: version, mode: mode})
}

func (g *gen) symlink(path, target string) {
	g.put(entry{typ: tar.TypeSymlink, path: path, link: target, mode: 0o777})
}

func (g *gen) hardlink(path, target string) {
	g.put(entry{typ: tar.TypeLink, path: path, link: target, mode: 0o755})
}

func (g *gen) dir(path string) {
	g.put(entry{typ: tar.TypeDir, path: path, mode: 0o755})
}

// whiteout deletes path (a file or a whole directory) from lower layers.
func (g *gen) whiteout(path string) {
	dir, base := splitPath(path)
	g.put(entry{typ: tar.TypeReg, path: joinPath(dir, ".wh."+base), mode: 0o644})
}

// opaque hides everything lower layers put in dir.
func (g *gen) opaque(dir string) {
	g.put(entry{typ: tar.TypeReg, path: dir + "/.wh..wh..opq", mode: 0o644})
}

func splitPath(p string) (dir, base string) {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			return p[:i], p[i+1:]
		}
	}
	return "", p
}

func joinPath(dir, base string) string {
	if dir == "" {
		return base
	}
	return dir + "/" + base
}

const (
	kib = 1 << 10
	mib = 1 << 20
)

var syllables = []string{"ar", "bo", "cor", "den", "el", "fi", "gar", "ho", "ix", "jun", "ka", "lo", "mer",
	"no", "ov", "pra", "qu", "ri", "sol", "ta", "ur", "vex", "wy", "xen", "yo", "zel"}

// pkgName is the deterministic name of package i, unique per i.
func (c Config) pkgName(i int) string {
	x := splitmix(c.Seed ^ uint64(i)*0x2545f4914f6cdd1d)
	a := syllables[x%uint64(len(syllables))]
	b := syllables[(x>>8)%uint64(len(syllables))]
	return a + b + strconv.Itoa(i)
}

// libPath is package i's shared library; the same path in every layer, so
// the upgrade layer overwrites it. libLink is its soname symlink.
func (c Config) libPath(i int) string {
	x := splitmix(c.Seed + uint64(i))
	return fmt.Sprintf("%s/lib%s.so.%d.%d.%d", libDir, c.pkgName(i), 1+x%5, (x>>8)%20, (x>>16)%10)
}

func (c Config) libLink(i int) string {
	x := splitmix(c.Seed + uint64(i))
	return fmt.Sprintf("%s/lib%s.so.%d", libDir, c.pkgName(i), 1+x%5)
}

var locales = []string{"de", "fr", "es", "ja", "pt_BR"}

const libDir = "usr/lib/x86_64-linux-gnu"

// The five layers of the big image.
func bigLayers() []layerSpec {
	return []layerSpec{
		{"base", "/bin/sh -c #(nop) ADD file:5d6b639e8b6bcc01 in / ", emitBase},
		{"upgrade", "RUN /bin/sh -c apt-get update && apt-get upgrade -y && apt-get install -y build-essential # buildkit", emitUpgrade},
		{"cleanup", "RUN /bin/sh -c rm -rf /usr/share/doc /var/lib/apt/lists/* && apt-get clean && rm -f /usr/bin/... # buildkit", emitCleanup},
		{"app", "RUN /bin/sh -c pip install -r requirements.txt && cp -r src /app # buildkit", emitApp},
		{"model", "COPY model.bin /opt/models/model.bin # buildkit", emitModel},
	}
}

// emitBase is a Debian-like base with packages: libraries, binaries, docs,
// data, dpkg metadata, locales, headers, Python modules, apt lists and a
// package cache. 1000 packages give ~30k entries and ~530 MB.
func emitBase(c Config, yield func(entry) error) error {
	g := newGen(c, 1, yield)
	g.file("etc/os-release", 200, 400, text, 1, 0o644)
	g.file("etc/passwd", 900, 1200, text, 1, 0o644)
	g.file("usr/bin/perl", 2*mib, 2*mib, binaryKind, 1, 0o755)
	g.hardlink("usr/bin/perl5.36.0", "usr/bin/perl")
	g.symlink("bin", "usr/bin")
	g.symlink("lib", "usr/lib")
	for i := 0; i < c.Packages; i++ {
		name := c.pkgName(i)
		lib := c.libPath(i)
		g.file(lib, 40*kib, 300*kib, binaryKind, 1, 0o644)
		_, libBase := splitPath(lib)
		g.symlink(c.libLink(i), libBase)
		if i%2 == 0 {
			g.file("usr/bin/"+name, 8*kib, 100*kib, binaryKind, 1, 0o755)
		}
		g.file("usr/share/doc/"+name+"/copyright", 1*kib, 6*kib, text, 1, 0o644)
		g.file("usr/share/doc/"+name+"/changelog.Debian.gz", 1*kib, 12*kib, random, 1, 0o644)
		for k := 0; k < 6; k++ {
			kd := text
			if k%2 == 1 {
				kd = binaryKind
			}
			g.file(fmt.Sprintf("usr/share/%s/data%d.dat", name, k), 1*kib, 24*kib, kd, 1, 0o644)
		}
		g.file("var/lib/dpkg/info/"+name+".list", 512, 4*kib, text, 1, 0o644)
		g.file("var/lib/dpkg/info/"+name+".md5sums", 512, 4*kib, text, 1, 0o644)
		if i%3 == 0 {
			for _, l := range locales {
				g.file("usr/share/locale/"+l+"/LC_MESSAGES/"+name+".mo", 2*kib, 20*kib, binaryKind, 1, 0o644)
			}
		}
		if i%4 == 0 {
			for k := 0; k < 8; k++ {
				g.file(fmt.Sprintf("usr/include/%s/%s%d.h", name, name, k), 1*kib, 30*kib, text, 1, 0o644)
			}
		}
		if i%2 == 1 {
			base := "usr/lib/python3/dist-packages/" + name
			g.file(base+"/__init__.py", 64, 2*kib, text, 1, 0o644)
			for k := 0; k < 10; k++ {
				g.file(fmt.Sprintf("%s/mod%d.py", base, k), 1*kib, 16*kib, text, 1, 0o644)
				g.file(fmt.Sprintf("%s/__pycache__/mod%d.cpython-311.pyc", base, k), 1*kib, 10*kib, binaryKind, 1, 0o644)
			}
		}
		if i%5 == 0 {
			g.file("etc/"+name+".conf", 100, 2*kib, text, 1, 0o644)
		}
	}
	for k := 0; k < 12; k++ {
		g.file(fmt.Sprintf("var/lib/apt/lists/mirror.example_debian_dists_bookworm_main_binary-amd64_Packages.%d", k), 2*mib, 8*mib, text, 1, 0o644)
	}
	g.dir("var/cache/apt/archives/partial")
	for k := 0; k < 60; k++ {
		g.file(fmt.Sprintf("var/cache/apt/archives/%s_1.%d_amd64.deb", c.pkgName(k), k), 200*kib, 2*mib, random, 1, 0o644)
	}
	return g.err
}

// emitUpgrade overwrites a quarter of the libraries with new versions,
// refreshes half the apt lists, installs a compiler with headers, grows the
// package cache and adds the model file (first copy).
func emitUpgrade(c Config, yield func(entry) error) error {
	g := newGen(c, 2, yield)
	for i := 0; i < c.Packages; i += 4 {
		g.file(c.libPath(i), 40*kib, 300*kib, binaryKind, 2, 0o644)
	}
	for k := 0; k < 6; k++ {
		g.file(fmt.Sprintf("var/lib/apt/lists/mirror.example_debian_dists_bookworm_main_binary-amd64_Packages.%d", k), 2*mib, 8*mib, text, 2, 0o644)
	}
	gcc := "usr/lib/gcc/x86_64-linux-gnu/12/"
	g.file(gcc+"cc1", 30*mib, 30*mib, binaryKind, 1, 0o755)
	g.file(gcc+"cc1plus", 35*mib, 35*mib, binaryKind, 1, 0o755)
	g.file(gcc+"lto1", 28*mib, 28*mib, binaryKind, 1, 0o755)
	for _, b := range []string{"gcc", "g++", "cpp"} {
		g.file("usr/bin/"+b+"-12", 1*mib, 1*mib, binaryKind, 1, 0o755)
		g.symlink("usr/bin/"+b, b+"-12")
	}
	nHeaders := c.Packages * 8 / 10
	for k := 0; k < nHeaders; k++ {
		sub := []string{"", "bits/", "ext/", "debug/"}[k%4]
		g.file(fmt.Sprintf("usr/include/c++/12/%sheader%d", sub, k), 1*kib, 40*kib, text, 1, 0o644)
	}
	for k := 0; k < 30; k++ {
		g.file(fmt.Sprintf("var/cache/apt/archives/%s_2.%d_amd64.deb", c.pkgName(c.Packages-1-k), k), 200*kib, 5*mib/2, random, 1, 0o644)
	}
	g.fileN("opt/models/model.bin", c.ModelBytes, random, 1, 0o644)
	return g.err
}

// emitCleanup deletes: the whole /usr/share/doc directory, every apt list
// (some overwritten once), the package cache through an opaque directory,
// and hundreds of single files (binaries and translations).
func emitCleanup(c Config, yield func(entry) error) error {
	g := newGen(c, 3, yield)
	g.whiteout("usr/share/doc")
	for k := 0; k < 12; k++ {
		g.whiteout(fmt.Sprintf("var/lib/apt/lists/mirror.example_debian_dists_bookworm_main_binary-amd64_Packages.%d", k))
	}
	g.opaque("var/cache/apt/archives")
	g.dir("var/cache/apt/archives/partial")
	g.fileN("var/cache/apt/archives/lock", 0, text, 1, 0o640)
	for i := 0; i < c.Packages*3/10; i += 2 {
		g.whiteout("usr/bin/" + c.pkgName(i))
	}
	for i := 0; i < c.Packages*375/1000; i += 3 {
		for _, l := range locales[:2] {
			g.whiteout("usr/share/locale/" + l + "/LC_MESSAGES/" + c.pkgName(i) + ".mo")
		}
	}
	g.file("etc/apt/apt.conf.d/docker-clean", 200, 400, text, 1, 0o644)
	return g.err
}

// emitApp is a Python application: a virtualenv with pure-Python packages,
// a few native extensions, one very large native library, a pip cache left
// behind, and the application's sources.
func emitApp(c Config, yield func(entry) error) error {
	g := newGen(c, 4, yield)
	site := "app/.venv/lib/python3.11/site-packages/"
	nPkgs := max(c.Packages*15/100, 3)
	for p := 0; p < nPkgs; p++ {
		name := "py" + c.pkgName(p+c.Packages)
		for k := 0; k < 12; k++ {
			g.file(fmt.Sprintf("%s%s/m%d.py", site, name, k), 1*kib, 30*kib, text, 1, 0o644)
			g.file(fmt.Sprintf("%s%s/__pycache__/m%d.cpython-311.pyc", site, name, k), 1*kib, 16*kib, binaryKind, 1, 0o644)
		}
		if p < max(c.Packages/50, 1) {
			g.file(fmt.Sprintf("%s%s/_native.cpython-311-x86_64-linux-gnu.so", site, name), 1*mib, 8*mib, binaryKind, 1, 0o755)
		}
	}
	g.file(site+"torch/lib/libtorch_cpu.so", 100*mib, 100*mib, binaryKind, 1, 0o755)
	for k := 0; k < max(c.Packages/5, 1); k++ {
		g.file(fmt.Sprintf("root/.cache/pip/http-v2/%x/%x/%x", k%16, (k/16)%16, splitmix(uint64(k))), 10*kib, 500*kib, random, 1, 0o644)
	}
	for k := 0; k < max(c.Packages/10, 1); k++ {
		g.file(fmt.Sprintf("app/src/service/module%d.py", k), 1*kib, 20*kib, text, 1, 0o644)
	}
	g.file("app/requirements.txt", 500, 2*kib, text, 1, 0o644)
	return g.err
}

// emitModel re-adds the model file with identical bytes (same version).
func emitModel(c Config, yield func(entry) error) error {
	g := newGen(c, 5, yield)
	g.fileN("opt/models/model.bin", c.ModelBytes, random, 1, 0o644)
	g.file("app/config.yaml", 1*kib, 2*kib, text, 1, 0o644)
	return g.err
}

// whiteoutLayer deletes n regular files of the base layer, spread evenly
// over it. It fails when the base has fewer than n files.
func whiteoutLayer(c Config, n int) (layerSpec, error) {
	var files []string
	err := emitBase(c, func(e entry) error {
		if e.typ == tar.TypeReg {
			files = append(files, e.path)
		}
		return nil
	})
	if err != nil {
		return layerSpec{}, err
	}
	if n > len(files) {
		return layerSpec{}, fmt.Errorf("benchgen: %d whiteouts asked, but the base layer has only %d files: raise Packages", n, len(files))
	}
	picked := make([]string, n)
	for k := range picked {
		picked[k] = files[k*len(files)/n]
	}
	return layerSpec{
		name:      "whiteouts-" + strconv.Itoa(n),
		createdBy: fmt.Sprintf("RUN /bin/sh -c rm -f ... (%d files) # buildkit", n),
		emit: func(c Config, yield func(entry) error) error {
			g := newGen(c, 6, yield)
			for _, p := range picked {
				g.whiteout(p)
			}
			return g.err
		},
	}, nil
}
