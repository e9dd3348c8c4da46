package rules

import (
	"fmt"

	"github.com/plimsoll/plimsoll/pkg/cuda"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL603 is a pinned framework whose wheels do not support the Python the
// stage installs it with: Ubuntu 18.04's python3 is 3.6 and PyTorch 2.x
// needs 3.8 or later, so pip answers "No matching distribution found".
type PL603 struct{}

func (PL603) Meta() Meta {
	return Meta{ID: "PL603", Severity: finding.Error,
		Summary: "base image's Python is outside the pinned framework's supported range"}
}

func (PL603) Check(c *Context) []finding.Finding {
	db := cuda.Default()
	var out []finding.Finding
	for _, p := range frameworkPins(c) {
		if p.Version.IsZero() || p.Conda {
			continue // conda picks its own Python for the environment
		}
		var supported cuda.Range
		var framework string
		switch p.Req.Name {
		case "torch":
			rel, ok := db.Torch(p.Version)
			if !ok || rel.PythonExperimental.Min.IsZero() {
				continue
			}
			supported, framework = rel.PythonExperimental, "PyTorch"
		case "tensorflow", "tensorflow-gpu", "tensorflow-cpu":
			rel, ok := db.TensorFlow(p.Version)
			if !ok {
				continue
			}
			supported, framework = rel.Python, "TensorFlow"
		default:
			continue
		}
		py, ok := stagePython(db, p.Stage)
		if !ok || supported.Contains(py.Version) {
			continue
		}
		fix := fmt.Sprintf("no %s release in plimsoll's tables supports Python %s", framework, py.Version)
		if framework == "PyTorch" {
			if v, ok := db.NewestTorchFor(py.Version); ok {
				fix = fmt.Sprintf("PyTorch %s is the newest with Python %s wheels", v, py.Version)
			}
		} else if r, ok := db.NewestTensorFlowFor(py.Version); ok {
			fix = fmt.Sprintf("TensorFlow %s is the newest with Python %s wheels", r.Version.MajorMinor(), py.Version)
		}
		out = append(out, c.Report("PL603", p.In,
			"%s: %s %s publishes wheels for Python %s, but stage %s installs it with Python %s (%s), so pip finds no matching distribution: use a base whose Python is in range (%s)",
			p.Spec(), framework, p.Version.MajorMinor(), supported, stageID(p.Stage), py.Version, py.From, fix))
	}
	return uniqueFindings(out)
}
