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
// but fails to analyze is not one.)
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
// report) and analyzing it. When ref holds several images (a report of
// several variants) and no --variant or --platform picks one, the one
// named like NAME is taken.
func Load(ctx context.Context, name, ref string, o LoadOptions) (Input, error) {
	in := Input{Name: name, Ref: ref}
	if kind, ok := reportKind(ref); ok && kind == report.KindAnalysis {
		rep, err := analyze.ReadReport(ref)
		if err != nil {
			return in, &InputError{err}
		}
		a, err := pickAnalysis(ref, name, rep.Analyses, o.Image)
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
	if len(srcs) > 1 {
		var named []image.Source
		for _, s := range srcs {
			if s.Name == name {
				named = append(named, s)
			}
		}
		if len(named) == 1 {
			srcs = named
		}
	}
	if len(srcs) != 1 {
		var names []string
		for _, s := range srcs {
			names = append(names, strings.TrimSpace(s.Name+" "+s.Platform))
		}
		return in, &InputError{fmt.Errorf("%s holds %d images (%s): name it after one (VARIANT=%s), pick one with --platform or --variant, or pass the report alone to compare them all", ref, len(srcs), strings.Join(names, ", "), ref)}
	}
	in.Analysis, err = analyzeSource(ctx, srcs[0], o)
	return in, err
}

func analyzeSource(ctx context.Context, src image.Source, o LoadOptions) (*analyze.Analysis, error) {
	ao := o.Analyze
	ao.Name, ao.Platform, ao.StoredUncompressed = src.Name, src.Platform, src.StoredUncompressed
	a, err := analyze.Image(ctx, src.Image, ao)
	if err != nil {
		return nil, fmt.Errorf("analyzing %s: %w", src.Name, err)
	}
	return a, nil
}

// expand turns a bare report argument (no NAME=) into one input per image
// it holds: each variant of a build report, each analysis of an analysis
// report, named after it.
func expand(ctx context.Context, ref string, kind report.Kind, o LoadOptions) ([]Input, error) {
	var out []Input
	if kind == report.KindAnalysis {
		rep, err := analyze.ReadReport(ref)
		if err != nil {
			return nil, &InputError{err}
		}
		for _, a := range rep.Analyses {
			if (o.Image.Platform == "" || a.Platform == o.Image.Platform) && (o.Image.Variant == "" || a.Image == o.Image.Variant) {
				out = append(out, Input{Name: a.Image, Ref: ref, Analysis: a})
			}
		}
		return out, nil
	}
	srcs, err := image.Open(ctx, ref, o.Image)
	if err != nil {
		return nil, &InputError{fmt.Errorf("opening %s: %w", ref, err)}
	}
	for _, s := range srcs {
		a, err := analyzeSource(ctx, s, o)
		if err != nil {
			return nil, err
		}
		name := s.Name
		if s.Platform != "" && len(srcs) > 1 {
			name += " " + s.Platform
		}
		out = append(out, Input{Name: name, Ref: ref, Analysis: a})
	}
	return out, nil
}

// LoadAll loads the arguments in order, one at a time (each analysis
// already uses every core). An argument is NAME=IMAGE, or a build or
// analysis report alone, which stands for every image it holds. Every
// argument is checked before the first image is read.
func LoadAll(ctx context.Context, args []string, o LoadOptions) ([]Input, error) {
	if err := CheckArgs(args); err != nil {
		return nil, err
	}
	var out []Input
	for _, arg := range args {
		if isBareReport(arg) {
			k, _ := reportKind(arg)
			ins, err := expand(ctx, arg, k, o)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", arg, err)
			}
			out = append(out, ins...)
			continue
		}
		name, ref, _ := ParseArg(arg)
		in, err := Load(ctx, name, ref, o)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out = append(out, in)
	}
	return out, nil
}

// CheckArgs checks the arguments without reading any image: each is
// NAME=IMAGE with a name used once, or a report alone; and there are at
// least two, unless a report alone stands for several. Its errors are
// InputErrors.
func CheckArgs(args []string) error {
	seen := map[string]bool{}
	reports := 0
	for _, arg := range args {
		if isBareReport(arg) {
			reports++
			continue
		}
		name, _, err := ParseArg(arg)
		if err != nil {
			return &InputError{err}
		}
		if seen[name] {
			return &InputError{fmt.Errorf("name %q is used twice: give each image its own name", name)}
		}
		seen[name] = true
	}
	if reports == 0 && len(args) < 2 {
		return &InputError{errors.New("want at least two NAME=IMAGE arguments (or a build report alone), for example: plimsoll compare single=oci-layout://out/single multi=oci-layout://out/multi")}
	}
	return nil
}

// isBareReport: a build or analysis report file given without NAME=.
func isBareReport(arg string) bool {
	if strings.Contains(arg, "=") {
		return false
	}
	k, ok := reportKind(arg)
	return ok && (k == report.KindBuild || k == report.KindAnalysis)
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
// --platform and --variant, or else the one named like NAME, when the
// report holds several.
func pickAnalysis(ref, name string, as []*analyze.Analysis, o image.Options) (*analyze.Analysis, error) {
	var match, named []*analyze.Analysis
	for _, a := range as {
		if (o.Platform == "" || a.Platform == o.Platform) && (o.Variant == "" || a.Image == o.Variant) {
			match = append(match, a)
			if a.Image == name {
				named = append(named, a)
			}
		}
	}
	switch {
	case len(match) == 1:
		return match[0], nil
	case len(named) == 1:
		return named[0], nil
	case len(as) == 0:
		return nil, errors.New(ref + ": the analysis report holds no analysis")
	}
	var names []string
	for _, a := range as {
		names = append(names, strings.TrimSpace(a.Image+" "+a.Platform))
	}
	return nil, fmt.Errorf("%s holds %d analyses (%s) and %d match: name it after one, or pick one with --platform or --variant", ref, len(as), strings.Join(names, ", "), len(match))
}
