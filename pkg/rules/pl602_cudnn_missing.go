package rules

import (
	"fmt"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/cuda"
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL602 is a GPU framework that loads cuDNN from the system on an
// nvidia/cuda image without cuDNN. Which frameworks need it:
//
//   - tensorflow (2.x; tensorflow-gpu up to 2.11) dlopens libcudnn.so.N from
//     the system; tensorflow[and-cuda] (2.14+) installs nvidia-cudnn-cu1x
//     from pip instead and does not.
//   - jax[cuda12_local] (and the older cudaNN_cudnnNN extras) use the local
//     CUDA and cuDNN; jax[cuda12] installs them from pip and does not.
//   - torch never: its wheels carry cuDNN (bundled in the wheel, or the
//     nvidia-cudnn-cu1x dependency of the PyPI wheels).
type PL602 struct{}

func (PL602) Meta() Meta {
	return Meta{ID: "PL602", Severity: finding.Error,
		Summary: "GPU framework that needs the system cuDNN on an nvidia/cuda image without cuDNN"}
}

func (PL602) Check(c *Context) []finding.Finding {
	db := cuda.Default()
	var out []finding.Finding
	for _, p := range frameworkPins(c) {
		why, needs := needsSystemCuDNN(db, p)
		if !needs {
			continue
		}
		rel, knownTF := db.TensorFlow(p.Version)
		knownTF = knownTF && !p.Version.IsZero() && p.Req.Name != "jax"
		for _, t := range consumerImages(c.File, p.Stage) {
			img, ok := cudaImage(t)
			if !ok || img.CuDNN || installsCuDNN(t) || installsCuDNN(p.Stage) {
				continue
			}
			fix := "use " + img.WithCuDNN().Reference() + cudnnAlternative(p)
			if knownTF {
				fix = tensorFlowFix(db, p, rel, img)
			}
			out = append(out, c.Report("PL602", p.In,
				"%s %s, but stage %s runs on %s, which has no cuDNN: it fails at the first convolution (or falls back to CPU); %s",
				p.Spec(), why, stageID(t), t.Base.Ref, fix))
		}
	}
	return uniqueFindings(out)
}

// needsSystemCuDNN says whether a pinned framework loads cuDNN from the
// system libraries, and why.
func needsSystemCuDNN(db *cuda.DB, p frameworkPin) (string, bool) {
	switch p.Req.Name {
	case "tensorflow", "tensorflow-gpu":
		if p.Req.hasExtra("and-cuda") {
			return "", false
		}
		if !p.Version.IsZero() {
			rel, ok := db.TensorFlow(p.Version)
			if ok && p.Req.Name == "tensorflow" && rel.Package != "tensorflow" {
				return "", false // tensorflow 1.x is CPU-only
			}
			if ok {
				return fmt.Sprintf("loads the system cuDNN %d (libcudnn.so.%d)", rel.CuDNN.Major, rel.CuDNN.Major), true
			}
		}
		return "loads the system cuDNN (libcudnn.so)", true
	case "jax":
		for _, e := range p.Req.Extras {
			if strings.HasPrefix(e, "cuda") && (strings.HasSuffix(e, "-local") || strings.Contains(e, "cudnn")) {
				return "uses the locally installed CUDA and cuDNN (extra " + e + ")", true
			}
		}
	}
	return "", false
}

// installsCuDNN reports whether a stage (or one it is built FROM) installs
// cuDNN itself: apt/yum libcudnn*, conda cudnn, pip nvidia-cudnn-cu*.
func installsCuDNN(s *dockerfile.Stage) bool {
	found := false
	chainCommands(s, func(_ *dockerfile.Instruction, cmd *dockerfile.Command) {
		if isPkgInstall(cmd) {
			for _, p := range pkgInstallNames(cmd) {
				if strings.HasPrefix(p, "libcudnn") || strings.HasPrefix(p, "cudnn") || strings.Contains(p, "::cudnn") {
					found = true
				}
			}
		}
		if args, ok := pipInstallWords(cmd); ok {
			for _, r := range pipSpecs(args) {
				if strings.HasPrefix(r.Name, "nvidia-cudnn") {
					found = true
				}
			}
		}
	})
	return found
}

func cudnnAlternative(p frameworkPin) string {
	switch p.Req.Name {
	case "tensorflow", "tensorflow-gpu":
		return ", or install tensorflow[and-cuda], which brings cuDNN from pip"
	case "jax":
		return ", or install jax[cuda12], which brings cuDNN from pip"
	}
	return ""
}
