package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL103 is a base image without a tag, or with :latest: the build changes
// whenever the tag moves.
type PL103 struct{}

func (PL103) Meta() Meta {
	return Meta{ID: "PL103", Severity: finding.Warning, Aliases: []string{"DL3006", "DL3007"},
		Summary: "base image without a tag, or :latest"}
}

func (PL103) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.File.Stages {
		b := s.Base
		if s.BaseStage != nil || b.Scratch || b.Unresolved || b.Digest != "" {
			continue
		}
		if trusted(c.Settings.TrustedRegistries, b) {
			continue
		}
		switch {
		case b.Tag == "":
			out = append(out, c.Report("PL103", s.From, "base image %s has no tag: pin a version (%s:<version>) so rebuilds get the same image", b.Ref, b.Ref))
		case strings.EqualFold(b.Tag, "latest"):
			out = append(out, c.Report("PL103", s.From, "base image %s uses :latest: pin a version so rebuilds get the same image", b.Ref))
		}
	}
	return out
}
