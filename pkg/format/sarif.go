package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// SARIF is SARIF 2.1.0 for GitHub code scanning (upload with
// github/codeql-action/upload-sarif): every rule with its description,
// help text and help URI, every result with a region and a
// partialFingerprints entry so that alerts survive unrelated edits.
type SARIF struct {
	// ToolVersion goes into the driver's version.
	ToolVersion string
}

// SARIFFingerprintKey names plimsoll's fingerprint in partialFingerprints.
const SARIFFingerprintKey = "plimsoll/v1"

const informationURI = "https://github.com/plimsoll/plimsoll"

func (s SARIF) Format(w io.Writer, r *Report) error {
	run := sarif.NewRunWithInformationURI("plimsoll", informationURI)
	if s.ToolVersion != "" {
		run.Tool.Driver.WithVersion(s.ToolVersion)
	}
	for _, ri := range ruleTable(r) {
		summary := ri.Summary
		if summary == "" {
			summary = ri.ID
		}
		help := summary
		if ri.HelpURI != "" {
			help += "\n\nSee " + ri.HelpURI
		}
		md := ri.Help
		if md == "" {
			md = "**" + ri.ID + "**: " + summary
			if len(ri.Aliases) > 0 {
				md += " (hadolint " + strings.Join(ri.Aliases, ", ") + ")"
			}
			if ri.HelpURI != "" {
				md += "\n\n[Rule documentation](" + ri.HelpURI + ")"
			}
		}
		props := sarif.NewPropertyBag().WithTags(tagsFor(ri))
		rule := run.AddRule(ri.ID).
			WithName(ruleName(ri.ID)).
			WithShortDescription(sarif.NewMultiformatMessageString().WithText(summary)).
			WithFullDescription(sarif.NewMultiformatMessageString().WithText(summary)).
			WithHelp(sarif.NewMultiformatMessageString().WithText(help).WithMarkdown(md)).
			WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(defaultOr(ri.Severity)))).
			WithProperties(props)
		if ri.HelpURI != "" {
			rule.WithHelpURI(ri.HelpURI)
		}
	}
	for _, f := range r.Findings {
		start := max(f.Line, 1)
		end := max(f.EndLine, start)
		loc := sarif.NewPhysicalLocation().
			WithArtifactLocation(artifactLocation(f.File)).
			WithRegion(sarif.NewRegion().WithStartLine(start).WithEndLine(end))
		res := run.CreateResultForRule(f.Rule).
			WithLevel(sarifLevel(f.Severity)).
			WithMessage(sarif.NewMessage().WithText(f.Message)).
			AddLocation(sarif.NewLocationWithPhysicalLocation(loc))
		if f.Fingerprint != "" {
			res.WithPartialFingerprints(map[string]string{SARIFFingerprintKey: f.Fingerprint})
		}
	}
	rep := sarif.NewReport()
	rep.AddRun(run)
	var buf bytes.Buffer
	if err := rep.PrettyWrite(&buf); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	// go-sarif writes every optional array as [] and every optional index
	// as -1 (the schema's defaults); drop them so the file says only what
	// plimsoll knows. "results" stays even when empty: GitHub requires it.
	var doc any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	doc = prune(doc, "")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	return nil
}

// artifactLocation is a finding's file as SARIF wants it: a relative
// URI reference (percent-encoded, "./" before a first segment holding a
// colon) against %SRCROOT%, or a file:// URI for an absolute path.
func artifactLocation(file string) *sarif.ArtifactLocation {
	if path.IsAbs(file) {
		u := url.URL{Scheme: "file", Path: file}
		return sarif.NewArtifactLocation().WithURI(u.String())
	}
	u := url.URL{Path: file}
	return sarif.NewArtifactLocation().WithURI(u.String()).WithURIBaseID("%SRCROOT%")
}

// sentinelKeys are integer properties whose -1 means "absent".
// ruleIndex is not among them: GitHub reads it.
var sentinelKeys = map[string]bool{"index": true, "id": true, "byteOffset": true, "charOffset": true, "rank": true}

// prune removes empty arrays and objects and -1 sentinels, keeping the
// properties SARIF or GitHub require.
func prune(v any, key string) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			pe := prune(e, k)
			if dropSARIF(k, pe) {
				delete(x, k)
				continue
			}
			x[k] = pe
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = prune(e, "")
		}
		return x
	}
	return v
}

func dropSARIF(k string, v any) bool {
	switch k {
	case "results", "version", "runs", "$schema":
		return false
	case "newlineSequences", "language", "kind":
		return true // the defaults
	}
	switch x := v.(type) {
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	case float64:
		return x == -1 && sentinelKeys[k]
	case string:
		return x == ""
	}
	return false
}

func defaultOr(s finding.Severity) finding.Severity {
	if s == finding.Off {
		return finding.Warning
	}
	return s
}

// sarifLevel maps severities to SARIF levels (error, warning, note).
func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	default:
		return "note"
	}
}

// ruleName is a readable name: "buildkit:StageNameCasing" -> "StageNameCasing".
func ruleName(id string) string {
	if i := strings.LastIndex(id, ":"); i >= 0 {
		return id[i+1:]
	}
	return id
}

func tagsFor(ri RuleInfo) []string {
	tags := []string{"dockerfile"}
	switch {
	case strings.HasPrefix(ri.ID, "buildkit:"):
		tags = append(tags, "buildkit")
	case strings.HasPrefix(ri.ID, "PL2"), strings.HasPrefix(ri.ID, "PL3"), strings.HasPrefix(ri.ID, "PL5"):
		tags = append(tags, "image-size")
	case strings.HasPrefix(ri.ID, "PL1"):
		tags = append(tags, "reproducibility")
	case strings.HasPrefix(ri.ID, "PL4"), strings.HasPrefix(ri.ID, "PL6"):
		tags = append(tags, "base-image")
	}
	return tags
}
