package cuda

import (
	"strings"
	"testing"
)

// FuzzParseTag checks that ParseTag never panics and that what it accepts
// is self-consistent. Seeds: testdata/fuzz/FuzzParseTag.
func FuzzParseTag(f *testing.F) {
	f.Add("12.4.1-cudnn-runtime-ubuntu22.04")
	f.Fuzz(func(t *testing.T, tag string) {
		img, err := ParseTag(tag)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatalf("ParseTag(%q): empty error", tag)
			}
			return
		}
		if img.Tag != tag {
			t.Fatalf("ParseTag(%q).Tag = %q", tag, img.Tag)
		}
		if img.CUDA.Parts < 2 {
			t.Fatalf("ParseTag(%q) accepted CUDA version %q", tag, img.CUDA)
		}
		switch img.Flavor {
		case FlavorUnknown, FlavorBase, FlavorRuntime, FlavorDevel:
		default:
			t.Fatalf("ParseTag(%q) flavor %q", tag, img.Flavor)
		}
		if img.CuDNN && img.Flavor == FlavorBase {
			t.Fatalf("ParseTag(%q): cuDNN base image", tag)
		}
		if !img.CuDNN && img.CuDNNMajor != 0 {
			t.Fatalf("ParseTag(%q): cuDNN major without cuDNN", tag)
		}
		if (img.OS == "") != (img.OSVersion == "") {
			t.Fatalf("ParseTag(%q): OS %q version %q", tag, img.OS, img.OSVersion)
		}
		if img.OS != "" && img.Flavor == FlavorUnknown {
			t.Fatalf("ParseTag(%q): OS without flavor", tag)
		}
		// The CUDA version is the tag's first part.
		first, _, _ := strings.Cut(strings.ToLower(tag), "-")
		if v, err := ParseVersion(first); err != nil || v != img.CUDA {
			t.Fatalf("ParseTag(%q): CUDA %s, but the first part %q reads as %v (%v)", tag, img.CUDA, first, v, err)
		}
		// Written back in NVIDIA's spelling, it parses to the same image.
		again, err := ParseTag(img.TagString())
		if err != nil {
			t.Fatalf("ParseTag(%q) = %+v, but its TagString %q does not parse: %v", tag, img, img.TagString(), err)
		}
		again.Tag = img.Tag
		if again != img {
			t.Fatalf("ParseTag(%q) = %+v; TagString %q parses to %+v", tag, img, img.TagString(), again)
		}
		// A reference built from it parses to the same image.
		img2, ok, err := ParseImageReference("nvidia/cuda:" + tag)
		if !ok || err != nil || img2.CUDA != img.CUDA || img2.Flavor != img.Flavor || img2.CuDNNMajor != img.CuDNNMajor {
			if !strings.ContainsAny(tag, ":@/") {
				t.Fatalf("ParseImageReference(nvidia/cuda:%s) = %+v %v %v, ParseTag gave %+v", tag, img2, ok, err, img)
			}
		}
	})
}

// FuzzParseVersion checks ParseVersion round-trips what it accepts.
func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{"12.4.1", "3.10", "v2", "1.2.3.4", "", "0.0.0", "12.04"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		w, err := ParseVersion(v.String())
		if err != nil || w != v {
			t.Fatalf("ParseVersion(%q) = %+v, its String %q parses to %+v, %v", s, v, v.String(), w, err)
		}
	})
}
