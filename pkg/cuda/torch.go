package cuda

import (
	"net/url"
	"strconv"
	"strings"
)

// TorchRelease is what the tables know about one PyTorch release.
type TorchRelease struct {
	Version Version
	// Variants are the CUDA wheel variants published on
	// download.pytorch.org/whl/<variant> ("cu118", "cu121"); empty when the
	// release is not in the table.
	Variants []string
	// Python is the supported range; PythonExperimental extends Max to the
	// version with experimental wheels. Both zero when unknown.
	Python, PythonExperimental Range
	// PyPICUDAMajor is the CUDA major of the plain PyPI wheel (no +cu
	// suffix), 0 when not established.
	PyPICUDAMajor int
}

// Torch returns what the tables know about a PyTorch release. Variants match
// the exact version (2.3.1), Python ranges its major.minor. ok is false when
// neither is known.
func (db *DB) Torch(v Version) (TorchRelease, bool) {
	r := TorchRelease{Version: v}
	key := v.String()
	if v.Parts == 2 {
		key += ".0"
	}
	vars, okW := db.torchWheels[key]
	r.Variants = vars
	m, okM := db.torchMinor[v.MajorMinor().String()]
	if okM {
		r.Python, r.PythonExperimental, r.PyPICUDAMajor = m.python, m.pythonExperimental, m.pypiCUDAMajor
	}
	return r, okW || okM
}

// HasVariant reports whether the release publishes the given wheel variant.
func (r TorchRelease) HasVariant(variant string) bool {
	for _, v := range r.Variants {
		if v == variant {
			return true
		}
	}
	return false
}

// ParseVariant reads a PyTorch CUDA wheel variant: "cu121" -> 12.1, "cu92" ->
// 9.2, "cu100" -> 10.0, "cu80" -> 8.0. "cpu", "rocm6.2" and the like are not
// CUDA variants (ok false).
func ParseVariant(s string) (Version, bool) {
	d, ok := strings.CutPrefix(strings.ToLower(s), "cu")
	if !ok || len(d) < 2 || len(d) > 4 || !isDigits(d) {
		return Version{}, false
	}
	major, err := strconv.Atoi(d[:len(d)-1])
	if err != nil || major == 0 {
		return Version{}, false
	}
	return Version{Major: major, Minor: int(d[len(d)-1] - '0'), Parts: 2}, true
}

// SplitLocalVersion splits a PEP 440 version with a local part: "2.3.1+cu121"
// -> ("2.3.1", "cu121").
func SplitLocalVersion(s string) (public, local string) {
	public, local, _ = strings.Cut(s, "+")
	return public, local
}

// VariantFromIndexURL returns the wheel variant an index URL serves:
// https://download.pytorch.org/whl/cu121 -> "cu121" (also .../whl/nightly/cu128,
// .../whl/test/cu126 and a trailing "/torch/"). ok is false for any other URL.
func VariantFromIndexURL(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || !strings.EqualFold(u.Host, "download.pytorch.org") {
		return "", false
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	if len(segs) < 2 || segs[0] != "whl" {
		return "", false
	}
	for _, s := range segs[1:] {
		if _, ok := ParseVariant(s); ok {
			return strings.ToLower(s), true
		}
	}
	return "", false
}

// NewestTorchFor returns the newest PyTorch minor release whose wheels
// support Python py, experimental versions included (3.6 -> 1.10). ok is
// false when the table knows none.
func (db *DB) NewestTorchFor(py Version) (Version, bool) {
	var best Version
	found := false
	for k, m := range db.torchMinor {
		v, err := ParseVersion(k)
		if err != nil || !m.pythonExperimental.Contains(py) {
			continue
		}
		if !found || v.Compare(best) > 0 {
			best, found = v, true
		}
	}
	return best, found
}
