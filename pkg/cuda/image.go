package cuda

import (
	"fmt"
	"strconv"
	"strings"
)

// Flavor is the kind of nvidia/cuda image: base (CUDA runtime only), runtime
// (plus the CUDA math libraries and NCCL) or devel (plus headers, nvcc and
// static libraries).
type Flavor string

// The three flavors of nvidia/cuda images. FlavorUnknown is an old-scheme tag
// that names no flavor.
const (
	FlavorUnknown Flavor = ""
	FlavorBase    Flavor = "base"
	FlavorRuntime Flavor = "runtime"
	FlavorDevel   Flavor = "devel"
)

// Image is what an nvidia/cuda tag says about the image.
type Image struct {
	// Repository is the image name as written, without tag or digest
	// ("nvidia/cuda", "nvcr.io/nvidia/cuda").
	Repository string
	// Tag is the tag as written ("12.4.1-cudnn-runtime-ubuntu22.04").
	Tag string
	// CUDA is the toolkit version: "12.4.1" in the current scheme, "10.2" in
	// the old one.
	CUDA Version
	// Flavor is base, runtime or devel.
	Flavor Flavor
	// CuDNN reports whether cuDNN is in the image; CuDNNMajor is its major
	// version (7, 8, 9), 0 when the tag does not say and it cannot be told.
	CuDNN      bool
	CuDNNMajor int
	// OS and OSVersion name the base distribution ("ubuntu", "22.04"); empty
	// for old short tags such as "10.2-devel".
	OS, OSVersion string
	// Suffix is anything after the OS part, kept as written.
	Suffix string
}

// cudaRepositories are the names under which NVIDIA publishes the CUDA
// images (Docker Hub and NGC).
var cudaRepositories = []string{
	"nvidia/cuda",
	"docker.io/nvidia/cuda",
	"index.docker.io/nvidia/cuda",
	"registry-1.docker.io/nvidia/cuda",
	"nvcr.io/nvidia/cuda",
}

// IsCUDARepository reports whether name (no tag) is NVIDIA's CUDA image.
func IsCUDARepository(name string) bool {
	n := strings.ToLower(name)
	for _, r := range cudaRepositories {
		if n == r {
			return true
		}
	}
	return false
}

// SplitReference splits an image reference into its name, tag and digest:
// "nvidia/cuda:12.4.1-runtime-ubuntu22.04@sha256:..." ->
// ("nvidia/cuda", "12.4.1-runtime-ubuntu22.04", "sha256:..."). A port in the
// registry host is not taken for a tag.
func SplitReference(ref string) (name, tag, digest string) {
	name = strings.TrimSpace(ref)
	if i := strings.Index(name, "@"); i >= 0 {
		name, digest = name[:i], name[i+1:]
	}
	slash := strings.LastIndex(name, "/")
	if i := strings.LastIndex(name, ":"); i > slash {
		name, tag = name[:i], name[i+1:]
	}
	return name, tag, digest
}

// ParseImageReference reads a full reference. ok is false when the reference
// is not an nvidia/cuda image; err is set when it is one but its tag does not
// follow NVIDIA's scheme (or is missing).
func ParseImageReference(ref string) (img Image, ok bool, err error) {
	name, tag, _ := SplitReference(ref)
	if !IsCUDARepository(name) {
		return Image{}, false, nil
	}
	if tag == "" {
		return Image{}, true, fmt.Errorf("image %q has no tag: nvidia/cuda publishes no latest tag; name one such as 12.4.1-runtime-ubuntu22.04", ref)
	}
	img, err = ParseTag(tag)
	if err != nil {
		return Image{}, true, err
	}
	img.Repository = name
	return img, true, nil
}

// ParseTag reads an nvidia/cuda tag:
//
//	<cuda>[-cudnn[N]][-<base|runtime|devel>][-<os><version>][-<suffix>]
//
// such as 12.4.1-cudnn-runtime-ubuntu22.04, 11.8.0-cudnn8-devel-ubuntu22.04,
// 12.2.2-base-ubuntu22.04, 10.0-cudnn7-runtime-ubuntu18.04 or 9.2-devel. A
// bare "cudnn" (from CUDA 12.4) means cuDNN 9; 12.3.2 spelled it cudnn9 and
// earlier tags cudnn7/cudnn8.
func ParseTag(tag string) (Image, error) {
	img := Image{Tag: tag}
	if tag == "" {
		return img, fmt.Errorf("empty nvidia/cuda tag")
	}
	parts := strings.Split(strings.ToLower(tag), "-")
	v, err := ParseVersion(parts[0])
	if err != nil || v.Parts < 2 {
		return img, fmt.Errorf("nvidia/cuda tag %q does not start with a CUDA version such as 12.4.1", tag)
	}
	img.CUDA = v
	rest := parts[1:]
	if len(rest) > 0 && strings.HasPrefix(rest[0], "cudnn") {
		n := strings.TrimPrefix(rest[0], "cudnn")
		img.CuDNN = true
		switch {
		case n == "":
			img.CuDNNMajor = impliedCuDNNMajor(v)
		case len(n) <= 2 && isDigits(n) && n[0] != '0':
			img.CuDNNMajor = atoiSmall(n)
		default:
			return img, fmt.Errorf("nvidia/cuda tag %q: unknown cuDNN part %q", tag, rest[0])
		}
		rest = rest[1:]
	}
	if len(rest) > 0 {
		switch f := Flavor(rest[0]); f {
		case FlavorBase, FlavorRuntime, FlavorDevel:
			img.Flavor = f
			rest = rest[1:]
		}
	}
	if img.CuDNN && img.Flavor == FlavorBase {
		return img, fmt.Errorf("nvidia/cuda tag %q: cuDNN images are runtime or devel, not base", tag)
	}
	if len(rest) > 0 {
		os, osv, ok := splitOS(rest[0])
		if !ok {
			return img, fmt.Errorf("nvidia/cuda tag %q: expected base, runtime or devel and then an OS such as ubuntu22.04, found %q", tag, rest[0])
		}
		img.OS, img.OSVersion = os, osv
		rest = rest[1:]
	}
	if img.Flavor == FlavorUnknown && img.OS != "" {
		return img, fmt.Errorf("nvidia/cuda tag %q names an OS but no flavor (base, runtime or devel)", tag)
	}
	img.Suffix = strings.Join(rest, "-")
	return img, nil
}

// impliedCuDNNMajor is the cuDNN major of a tag that says just "cudnn": NVIDIA
// dropped the number when cuDNN 9 images arrived with CUDA 12.4.
func impliedCuDNNMajor(v Version) int {
	if v.Compare(cuda124) >= 0 {
		return 9
	}
	return 0
}

// splitOS splits "ubuntu22.04" into ("ubuntu", "22.04"), "ubi8" into ("ubi",
// "8"), "rockylinux9" into ("rockylinux", "9").
func splitOS(s string) (name, version string, ok bool) {
	i := 0
	for i < len(s) && s[i] >= 'a' && s[i] <= 'z' {
		i++
	}
	name, version = s[:i], s[i:]
	if name == "" || version == "" {
		return "", "", false
	}
	for _, c := range version {
		if (c < '0' || c > '9') && c != '.' {
			return "", "", false
		}
	}
	if version[0] == '.' || version[len(version)-1] == '.' {
		return "", "", false
	}
	return name, version, true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func atoiSmall(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// CUDAPart returns the "cu121"-style name of a CUDA version, as PyTorch names
// its wheel variants.
func CUDAPart(v Version) string { return fmt.Sprintf("cu%d%d", v.Major, v.Minor) }

// TagString writes the image's tag in NVIDIA's spelling: the cuDNN part is
// a bare "cudnn" for cuDNN 9 from CUDA 12.4, "cudnnN" otherwise.
func (img Image) TagString() string {
	parts := []string{img.CUDA.String()}
	if img.CuDNN {
		p := "cudnn"
		bare := img.CuDNNMajor == 9 && img.CUDA.Compare(cuda124) >= 0 // spelled "cudnn" from 12.4
		if img.CuDNNMajor > 0 && !bare {
			p += strconv.Itoa(img.CuDNNMajor)
		}
		parts = append(parts, p)
	}
	if img.Flavor != FlavorUnknown {
		parts = append(parts, string(img.Flavor))
	}
	if img.OS != "" {
		parts = append(parts, img.OS+img.OSVersion)
	}
	if img.Suffix != "" {
		parts = append(parts, img.Suffix)
	}
	return strings.Join(parts, "-")
}

// Reference writes repository:tag ("nvidia/cuda:12.4.1-runtime-ubuntu22.04").
func (img Image) Reference() string {
	repo := img.Repository
	if repo == "" {
		repo = "nvidia/cuda"
	}
	return repo + ":" + img.TagString()
}

// WithFlavor returns the sibling image of another flavor (devel ->
// runtime). A base image has no cuDNN variant, so asking for base drops it.
func (img Image) WithFlavor(f Flavor) Image {
	img.Flavor = f
	if f == FlavorBase {
		img.CuDNN, img.CuDNNMajor = false, 0
	}
	img.Tag = img.TagString()
	return img
}

// WithCuDNN returns the cuDNN sibling of an image as NVIDIA publishes it:
// cuDNN 9 from CUDA 12.3, 8 for 11.x-12.2, 7 before; cuDNN images come as
// runtime or devel, so a base image becomes runtime.
func (img Image) WithCuDNN() Image {
	if img.CuDNN {
		return img
	}
	img.CuDNN = true
	switch {
	case img.CUDA.Compare(Version{Major: 12, Minor: 3, Parts: 2}) >= 0:
		img.CuDNNMajor = 9
	case img.CUDA.Major >= 11:
		img.CuDNNMajor = 8
	default:
		img.CuDNNMajor = 7
	}
	if img.Flavor == FlavorBase || img.Flavor == FlavorUnknown {
		img.Flavor = FlavorRuntime
	}
	img.Tag = img.TagString()
	return img
}

var cuda124 = Version{Major: 12, Minor: 4, Parts: 2}

// CuDNNImage returns the newest published nvidia/cuda cuDNN image of a CUDA
// minor (12.2) with a cuDNN major (8), on the given OS when one is
// published for it (ubuntu 22.04), else on any. The table holds devel tags;
// use WithFlavor for the runtime sibling, which NVIDIA publishes alongside.
// ok is false when no such image is published.
func (db *DB) CuDNNImage(cudaMinor Version, cudnnMajor int, os, osVersion string) (Image, bool) {
	var best Image
	found, bestOS := false, false
	for _, img := range db.cudnnTags {
		if !img.CUDA.SameMinor(cudaMinor) || img.CuDNNMajor != cudnnMajor {
			continue
		}
		sameOS := img.OS == os && img.OSVersion == osVersion
		switch {
		case !found, sameOS && !bestOS, sameOS == bestOS && newerImage(img, best):
			best, found, bestOS = img, true, sameOS
		}
	}
	return best, found
}

// newerImage orders published images: newer CUDA first, then newer OS.
func newerImage(a, b Image) bool {
	if c := a.CUDA.Compare(b.CUDA); c != 0 {
		return c > 0
	}
	return a.OS == b.OS && a.OSVersion > b.OSVersion
}
