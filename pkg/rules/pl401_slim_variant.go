package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL401 is an official image's full variant where a slim one exists: the
// full python, node, ruby ... images are built on buildpack-deps, with
// compilers, headers and VCS tools the application does not run with.
type PL401 struct{}

func (PL401) Meta() Meta {
	return Meta{ID: "PL401", Severity: finding.Warning, Shipping: true,
		Summary: "official image's full variant where a slim one exists (python:3.11 -> python:3.11-slim)"}
}

// slimImages are the Docker Hub official images that publish -slim
// variants, and where the word goes: after the version ("3.11-slim",
// "3.11-slim-bookworm") or after the Debian release ("20-bookworm-slim",
// "bookworm-slim").
var slimImages = map[string]slimStyle{
	"python": slimAfterVersion, "ruby": slimAfterVersion, "rust": slimAfterVersion, "perl": slimAfterVersion,
	"pypy": slimAfterVersion, "openjdk": slimAfterVersion, "erlang": slimAfterVersion, "haskell": slimAfterVersion,
	"node":   slimAfterRelease,
	"debian": slimAfterRelease,
}

type slimStyle int

const (
	slimAfterVersion slimStyle = iota
	slimAfterRelease
)

// debianReleases are the codenames official images put in their tags.
var debianReleases = map[string]bool{"stretch": true, "buster": true, "bullseye": true, "bookworm": true, "trixie": true, "forky": true}

func (PL401) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.ShippingStages() {
		b := s.Base
		if s.BaseStage != nil || b.Unresolved || b.Scratch || !b.Official() {
			continue
		}
		name := strings.TrimPrefix(b.FullName, "docker.io/library/")
		style, ok := slimImages[name]
		if !ok {
			continue
		}
		slim, ok := slimTag(name, b.Tag, style)
		if !ok {
			continue
		}
		tag := b.Tag
		if tag == "" {
			tag = "latest"
		}
		out = append(out, c.Report("PL401", s.From,
			"%s:%s is the full image (buildpack-deps: compilers, headers, VCS tools; hundreds of MB more) and stage %s ships: use %s:%s, and install what the app needs on top",
			name, tag, stageID(s), name, slim))
	}
	return out
}

// slimTag returns the slim sibling of a full-variant tag, or ok false when
// the tag is already slim, Alpine, Windows, or not one this rule knows.
func slimTag(name, tag string, style slimStyle) (string, bool) {
	t := strings.ToLower(tag)
	for _, w := range []string{"slim", "alpine", "windowsservercore", "nanoserver", "onbuild", "sid"} {
		if strings.Contains(t, w) {
			return "", false
		}
	}
	if t == "" || t == "latest" {
		if name == "debian" {
			return "stable-slim", true
		}
		return "slim", true
	}
	parts := strings.Split(t, "-")
	// Accepted shapes: <version>, <version>-<release>, <release>
	// (debian), <codename> (node's lts names such as "iron" are left alone).
	switch len(parts) {
	case 1:
		if name == "debian" {
			if debianReleases[parts[0]] || isNumeric(parts[0]) || parts[0] == "stable" || parts[0] == "oldstable" {
				return parts[0] + "-slim", true
			}
			return "", false
		}
		if !isReleaseTag(parts[0]) {
			return "", false
		}
		return parts[0] + "-slim", true
	case 2:
		if name == "debian" || !debianReleases[parts[1]] || !isReleaseTag(parts[0]) {
			return "", false
		}
		if style == slimAfterRelease {
			return parts[0] + "-" + parts[1] + "-slim", true
		}
		return parts[0] + "-slim-" + parts[1], true
	}
	return "", false
}

// isReleaseTag reports whether s names a release of an official image:
// a version ("3.11") or a moving name ("lts", "current").
func isReleaseTag(s string) bool { return isNumeric(s) || s == "lts" || s == "current" }

// isNumeric reports whether s is a dotted version ("3", "3.11", "3.11.9").
func isNumeric(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for _, c := range s {
		if (c < '0' || c > '9') && c != '.' {
			return false
		}
	}
	return true
}
