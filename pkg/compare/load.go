package compare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/image"
	"github.com/plimsoll/plimsoll/pkg/report"
)

// LoadOptions say how to turn an IMAGE argument into an analysis.
type LoadOptions struct {
	// Image picks among what a reference holds (--platform, --variant,
	// --insecure), as for plimsoll analyze.
	Image image.Options
	// Analyze tunes the analysis of images that are not reports yet.
	Analyze analyze.Options
}

// InputError is an IMAGE that could not be read: a bad NAME=IMAGE, an
// unreadable report, an image that cannot be opened. (An image that opens
// but fails to analyse is not one.)
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// ParseArg splits a NAME=IMAGE argument.
func ParseArg(arg string) (name, ref string, err error) {
	name, ref, ok := strings.Cut(arg, "=")
	if !ok || name == "" || ref == "" {
		return "", "", fmt.Errorf("%q: want NAME=IMAGE, for example base=oci-layout://out/base", arg)
	}
	if strings.ContainsAny(name, "/:@ \t") {
		return "", "", fmt.Errorf("%q: the name %q may not hold '/', ':', '@' or spaces: write NAME=IMAGE", arg, name)
	}
	return name, ref, nil
}

// Load returns the analysis of ref: read from an analysis report when ref
// is one (a JSON file whose kind is "analysis"), otherwise computed by
// opening ref as plimsoll analyze does (any image reference, or a build
// report) and analysing it.
func Load(ctx context.Context, name, ref string, o LoadOptions) (Input, error) {
	in := Input{Name: name, Ref: ref}
	if kind, ok := reportKind(ref); ok && kind == report.KindAnalysis {
		rep, err := analyze.ReadReport(ref)
		if err != nil {
			return in, &InputError{err}
		}
		a, err := pickAnalysis(ref, rep.Analyses, o.Image)
		if err != nil {
			return in, &InputError{err}
		}
		in.Analysis = a
		return in, nil
	}
	srcs, err := image.Open(ctx, ref, o.Image)
	if err != nil {
		return in, &InputError{fmt.Errorf("opening %s: %w", ref, err)}
	}
	if len(srcs) != 1 {
		var names []string
		for _, s := range srcs {
			names = append(names, strings.TrimSpace(s.Name+" "+s.Platform))
		}
		return in, &InputError{fmt.Errorf("%s holds %d images (%s): compare one per NAME, picked with --platform or --variant", ref, len(srcs), strings.Join(names, ", "))}
	}
	src := srcs[0]
	ao := o.Analyze
	ao.Name, ao.Platform, ao.StoredUncompressed = src.Name, src.Platform, src.StoredUncompressed
	a, err := analyze.Image(ctx, src.Image, ao)
	if err != nil {
		return in, fmt.Errorf("analysing %s: %w", ref, err)
	}
	in.Analysis = a
	return in, nil
}

// LoadAll loads NAME=IMAGE arguments in order, one at a time (each
// analysis already uses every core).
// Every argument is checked before the first image is read.
func LoadAll(ctx context.Context, args []string, o LoadOptions) ([]Input, error) {
	seen := map[string]bool{}
	for _, arg := range args {
		name, _, err := ParseArg(arg)
		if err != nil {
			return nil, &InputError{err}
		}
		if seen[name] {
			return nil, &InputError{fmt.Errorf("name %q is used twice: give each image its own name", name)}
		}
		seen[name] = true
	}
	var out []Input
	for _, arg := range args {
		name, ref, _ := ParseArg(arg)
		in, err := Load(ctx, name, ref, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, in)
	}
	return out, nil
}

// reportKind reads the kind of a plimsoll report file; ok is false when
// path is not a readable JSON file with a report header.
func reportKind(path string) (report.Kind, bool) {
	if !strings.HasSuffix(path, ".json") {
		return "", false
	}
	f, err := os.Open(path)
	if err != nil {
		return "", false
	}
	defer f.Close()
	var h report.Header
	if err := json.NewDecoder(f).Decode(&h); err != nil || h.Schema == "" {
		return "", false
	}
	return h.Kind, true
}

// pickAnalysis chooses the one analysis of a report, or the one matching
// --platform or --variant when the report holds several.
func pickAnalysis(ref string, as []*analyze.Analysis, o image.Options) (*analyze.Analysis, error) {
	var match []*analyze.Analysis
	for _, a := range as {
		if (o.Platform == "" || a.Platform == o.Platform) && (o.Variant == "" || a.Image == o.Variant) {
			match = append(match, a)
		}
	}
	switch {
	case len(match) == 1:
		return match[0], nil
	case len(as) == 0:
		return nil, errors.New(ref + ": the analysis report holds no analysis")
	}
	var names []string
	for _, a := range as {
		names = append(names, strings.TrimSpace(a.Image+" "+a.Platform))
	}
	return nil, fmt.Errorf("%s holds %d analyses (%s) and %d match: pick one with --platform or --variant", ref, len(as), strings.Join(names, ", "), len(match))
}
