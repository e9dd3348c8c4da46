package rules

import (
	"fmt"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/cuda"
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL601 is a pinned GPU framework that does not fit the CUDA of the
// nvidia/cuda image it runs on: a PyTorch wheel variant (+cu121, or the
// download.pytorch.org/whl/cu121 index) for another CUDA major, a variant
// the release does not publish, or a TensorFlow release tested with another
// CUDA/cuDNN than the image has. Facts come from pkg/cuda's tables.
type PL601 struct{}

func (PL601) Meta() Meta {
	return Meta{ID: "PL601", Severity: finding.Error,
		Summary: "pinned TensorFlow/PyTorch does not fit the nvidia/cuda image's CUDA/cuDNN"}
}

func (PL601) Check(c *Context) []finding.Finding {
	db := cuda.Default()
	var out []finding.Finding
	add := func(in *dockerfile.Instruction, format string, args ...any) {
		out = append(out, c.Report("PL601", in, format, args...))
	}
	for _, p := range frameworkPins(c) {
		if p.Req.Name == "torch" {
			checkTorchVariant(db, p, add)
		}
		for _, t := range consumerImages(c.File, p.Stage) {
			img, ok := cudaImage(t)
			if !ok {
				continue
			}
			switch p.Req.Name {
			case "torch":
				checkTorchCUDA(db, p, t, img, add)
			case "tensorflow", "tensorflow-gpu":
				checkTensorFlowCUDA(db, p, t, img, add)
			}
		}
	}
	return uniqueFindings(out)
}

type reportFunc func(in *dockerfile.Instruction, format string, args ...any)

// checkTorchVariant reports a +cuXXX local version the pinned release does
// not publish: pip finds no such wheel. (A variant that comes only from an
// --extra-index-url is not reported: pip falls back to PyPI there.)
func checkTorchVariant(db *cuda.DB, p frameworkPin, add reportFunc) {
	v := p.Local
	if _, ok := cuda.ParseVariant(v); !ok || p.Version.IsZero() || p.Conda {
		return // conda builds have their own variant list
	}
	rel, ok := db.Torch(p.Version)
	if !ok || len(rel.Variants) == 0 || rel.HasVariant(v) {
		return
	}
	add(p.In, "%s: PyTorch %s publishes CUDA wheels %s, not %s, so pip finds no matching distribution: pick one of those variants",
		p.Spec(), p.Version, strings.Join(rel.Variants, ", "), v)
}

// checkTorchCUDA reports a wheel built for another CUDA major than the image.
func checkTorchCUDA(db *cuda.DB, p frameworkPin, t *dockerfile.Stage, img cuda.Image, add reportFunc) {
	var wheel cuda.Version
	var what string
	rel, known := db.Torch(p.Version)
	switch v := p.Variant(); {
	case v != "":
		wheel, _ = cuda.ParseVariant(v)
		what = "the " + v + " wheel"
		if p.Conda {
			what = "the CUDA " + wheel.String() + " conda build"
		} else if p.Local == "" {
			what += " (from the download.pytorch.org/whl/" + v + " index)"
		}
	case p.Local == "" && !p.Version.IsZero() && known && rel.PyPICUDAMajor != 0:
		wheel = cuda.Version{Major: rel.PyPICUDAMajor, Parts: 1}
		what = "the PyPI wheel"
	default:
		return
	}
	if wheel.Major == img.CUDA.Major {
		return // CUDA minor version compatibility covers the rest
	}
	var why strings.Builder
	fmt.Fprintf(&why, "the wheel brings its own CUDA %d libraries, so the image's CUDA %d libraries are dead weight", wheel.Major, img.CUDA.Major)
	if img.Flavor == cuda.FlavorDevel {
		fmt.Fprintf(&why, ", and CUDA extensions built with its nvcc fail (torch.utils.cpp_extension rejects a CUDA major mismatch)")
	}
	if wheel.Major > img.CUDA.Major {
		if d, ok := db.MinorCompatDriver(wheel.Major); ok {
			fmt.Fprintf(&why, "; the image also admits hosts whose driver only covers CUDA %d, while CUDA %d needs driver >= %s", img.CUDA.Major, wheel.Major, d)
		}
	}
	fix := fmt.Sprintf("use an nvidia/cuda:%d.x image", wheel.Major)
	if known {
		var same []string
		for _, w := range rel.Variants {
			if wv, ok := cuda.ParseVariant(w); ok && wv.Major == img.CUDA.Major {
				same = append(same, w)
			}
		}
		if len(same) > 0 {
			fix += fmt.Sprintf(", or the %s wheel of PyTorch %s", strings.Join(same, "/"), p.Version)
		}
	}
	add(p.In, "%s installs %s, built for CUDA %s, but stage %s runs on %s (CUDA %s): %s; %s",
		p.Spec(), what, wheel, stageID(t), t.Base.Ref, img.CUDA, why.String(), fix)
}

// checkTensorFlowCUDA compares a TensorFlow release's tested CUDA/cuDNN with
// the image. With the [and-cuda] extra TensorFlow brings its own CUDA
// libraries from pip, so only the CUDA major (the driver it admits) matters.
func checkTensorFlowCUDA(db *cuda.DB, p frameworkPin, t *dockerfile.Stage, img cuda.Image, add reportFunc) {
	if p.Version.IsZero() {
		return
	}
	rel, ok := db.TensorFlow(p.Version)
	if !ok || (p.Req.Name == "tensorflow" && rel.Package != "tensorflow") {
		return // tensorflow 1.x from PyPI is CPU-only
	}
	andCUDA := p.Req.hasExtra("and-cuda")
	tested := fmt.Sprintf("TensorFlow %s is built and tested with CUDA %s and cuDNN %s", rel.Version.MajorMinor(), rel.CUDA, rel.CuDNN)
	switch {
	case andCUDA && rel.CUDA.Major != img.CUDA.Major:
		driver := ""
		if d, ok := db.MinorCompatDriver(rel.CUDA.Major); ok && rel.CUDA.Major > img.CUDA.Major {
			driver = fmt.Sprintf(", and it admits hosts whose driver only covers CUDA %d while CUDA %d needs driver >= %s", img.CUDA.Major, rel.CUDA.Major, d)
		}
		add(p.In, "%s: %s and the [and-cuda] extra installs those libraries from pip, but stage %s runs on %s (CUDA %s): the image's CUDA %d libraries are dead weight%s; use an nvidia/cuda:%d.x base (or a plain OS image)",
			p.Spec(), tested, stageID(t), t.Base.Ref, img.CUDA, img.CUDA.Major, driver, rel.CUDA.Major)
	case rel.CUDA.Major != img.CUDA.Major:
		add(p.In, "%s: %s, but stage %s runs on %s (CUDA %s): it loads libcudart.so.%d, which this image does not have; %s",
			p.Spec(), tested, stageID(t), t.Base.Ref, img.CUDA, rel.CUDA.Major, tensorFlowFix(db, p, rel, img))
	case andCUDA:
		return
	case img.CUDA.MajorMinor().Compare(rel.CUDA.MajorMinor()) < 0:
		add(p.In, "%s: %s, but stage %s runs on %s (CUDA %s, older than tested); %s",
			p.Spec(), tested, stageID(t), t.Base.Ref, img.CUDA, tensorFlowFix(db, p, rel, img))
	case img.CuDNN && !rel.CuDNNFits(img.CuDNNMajor):
		add(p.In, "%s: %s, but stage %s runs on %s (cuDNN %d): TensorFlow needs the cuDNN major it was built with; %s",
			p.Spec(), tested, stageID(t), t.Base.Ref, img.CuDNNMajor, tensorFlowFix(db, p, rel, img))
	}
}
