package image

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/plimsoll/plimsoll/pkg/report"
)

// openReport opens the images a plimsoll build report lists, from where
// each variant's image went (registry, OCI layout, OCI archive).
func openReport(ctx context.Context, file string, o Options) ([]Source, error) {
	var b report.Build
	if err := report.ReadFile(file, report.KindBuild, &b); err != nil {
		return nil, err
	}
	var out []Source
	matched := false
	for _, v := range b.Variants {
		if o.Variant != "" && v.Name != o.Variant {
			continue
		}
		matched = true
		if v.Status != report.StatusOK {
			if o.Variant != "" {
				return nil, fmt.Errorf("%s: variant %q failed to build: %s", file, v.Name, v.Error)
			}
			continue
		}
		srcs, err := openVariant(ctx, file, v, o)
		if err != nil {
			return nil, fmt.Errorf("%s: variant %q: %w", file, v.Name, err)
		}
		out = append(out, srcs...)
	}
	if o.Variant != "" && !matched {
		var names []string
		for _, v := range b.Variants {
			names = append(names, v.Name)
		}
		return nil, fmt.Errorf("%s: no variant %q (the report has %q)", file, o.Variant, names)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no successfully built variant to analyze", file)
	}
	return out, nil
}

// openVariant opens a variant's image from the first of its outputs that
// can be read (a layout on disk still works when the registry is down).
func openVariant(ctx context.Context, file string, v report.Variant, o Options) ([]Source, error) {
	var tried []string
	var errs []error
	for _, out := range v.Outputs {
		var ref string
		switch out.Type {
		case report.OutputRegistry:
			ref = out.Ref
		case report.OutputOCILayout:
			ref = SchemeOCILayout + reportPath(file, out.Path)
			if v.ImageDigest != "" {
				ref += "@" + v.ImageDigest
			}
		case report.OutputOCIArchive:
			ref = SchemeOCIArchive + reportPath(file, out.Path)
		default:
			tried = append(tried, out.Type)
			continue
		}
		srcs, err := Open(ctx, ref, Options{Platform: o.Platform, AllPlatforms: o.AllPlatforms, Insecure: o.Insecure, Keychain: o.Keychain})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for i := range srcs {
			srcs[i].Name = v.Name
		}
		return srcs, nil
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return nil, fmt.Errorf("no output plimsoll analyze can read (outputs: %q); build with --output type=oci-layout, oci-archive or registry, or analyze during the build", tried)
}

// reportPath resolves a relative output path: against the working
// directory when it exists there, else against the report's directory.
func reportPath(reportFile, p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return filepath.Join(filepath.Dir(reportFile), p)
}
