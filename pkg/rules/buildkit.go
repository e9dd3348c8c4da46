package rules

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"

	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	digest "github.com/opencontainers/go-digest"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/plimsoll/plimsoll/pkg/finding"
)

// BuildKitPrefix starts the id of every finding from BuildKit's own build
// checks: "buildkit:StageNameCasing".
const BuildKitPrefix = "buildkit:"

// BuildKitOptions configure BuildKit's checks.
type BuildKitOptions struct {
	// Target is the stage being built ("" = every stage, as `docker build
	// --check` does).
	Target string
	// BuildArgs are --build-arg values.
	BuildArgs map[string]string
}

// BuildKitChecks runs BuildKit's own build checks (what `docker build
// --check` reports) in-process and offline: dockerfile2llb's lint pass with
// an image resolver that answers from nothing, so no daemon and no network
// are needed. The Dockerfile's `# check=skip=...` directive is honored by
// BuildKit itself; `# check=error=true` raises the findings to errors.
//
// A conversion error (for example a FROM whose ARG expands to nothing) is
// returned as a PL001 finding, since a build would fail on it.
func BuildKitChecks(ctx context.Context, name string, dt []byte, opt BuildKitOptions) (_ []finding.Finding, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("running BuildKit checks: BuildKit failed on this Dockerfile: %v", p)
		}
	}()
	sev := finding.Warning
	if checkErrorDirective(dt) {
		sev = finding.Error
	}
	res, err := dockerfile2llb.DockerfileLint(ctx, dt, dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{Target: opt.Target, BuildArgs: opt.BuildArgs},
		SourceMap:    sourceMap(name, dt),
		MetaResolver: offlineResolver{},
	})
	if err != nil {
		return nil, fmt.Errorf("running BuildKit checks: %w", err)
	}
	var out []finding.Finding
	for _, w := range res.Warnings {
		f := finding.Finding{Rule: BuildKitPrefix + w.RuleName, Severity: sev, Message: w.Detail}
		if f.Message == "" {
			f.Message = w.Description
		}
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			r := w.Location.Ranges[0]
			f.Line, f.EndLine = int(r.Start.Line), int(r.End.Line)
		}
		out = append(out, f)
	}
	if res.Error != nil {
		f := finding.Finding{Rule: "PL001", Severity: finding.Error, Message: res.Error.Message}
		if rs := res.Error.Location.Ranges; len(rs) > 0 {
			f.Line, f.EndLine = int(rs[0].Start.Line), int(rs[0].End.Line)
		}
		out = append(out, f)
	}
	return out, nil
}

// sourceMap is the source map DockerfileLint records its warnings against;
// it needs a Definition, which an empty one satisfies.
func sourceMap(name string, dt []byte) *llb.SourceMap {
	sm := llb.NewSourceMap(nil, name, "Dockerfile", dt)
	sm.Definition = &llb.Definition{}
	return sm
}

// checkErrorDirective reports whether `# check=error=true` is set.
func checkErrorDirective(dt []byte) bool {
	v, _, _, _ := parser.ParseDirective("check", dt)
	cfg, err := linter.ParseLintOptions(v)
	return err == nil && cfg.ReturnAsError
}

// offlineResolver answers every base image with an empty image config for
// the requested platform, so the checks never reach a registry. The config
// has one layer so that BuildKit does not treat the image as scratch.
type offlineResolver struct{}

func (offlineResolver) ResolveImageConfig(_ context.Context, ref string, opt sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	p := ocispecs.Platform{OS: "linux", Architecture: "amd64"}
	if opt.ImageOpt != nil && opt.ImageOpt.Platform != nil {
		p = *opt.ImageOpt.Platform
	}
	cfg := map[string]any{
		"architecture": p.Architecture,
		"os":           p.OS,
		"variant":      p.Variant,
		"config":       map[string]any{},
		"rootfs": map[string]any{
			"type":     "layers",
			"diff_ids": []string{digest.FromString("plimsoll offline layer " + ref).String()},
		},
	}
	dt, err := json.Marshal(cfg)
	if err != nil {
		return "", "", nil, err
	}
	return ref, digest.NewDigestFromBytes(digest.SHA256, sha256Sum(dt)), dt, nil
}

func sha256Sum(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

// BuildKitRules lists BuildKit's build checks (experimental ones marked in
// the summary), for --list-rules and the docs.
func BuildKitRules() []Meta {
	var out []Meta
	for _, r := range []bkRule{
		bk(&linter.RuleStageNameCasing),
		bk(&linter.RuleFromAsCasing),
		bk(&linter.RuleNoEmptyContinuation),
		bk(&linter.RuleConsistentInstructionCasing),
		bk(&linter.RuleDuplicateStageName),
		bk(&linter.RuleReservedStageName),
		bk(&linter.RuleJSONArgsRecommended),
		bk(&linter.RuleMaintainerDeprecated),
		bk(&linter.RuleUndefinedArgInFrom),
		bk(&linter.RuleWorkdirRelativePath),
		bk(&linter.RuleUndefinedVar),
		bk(&linter.RuleMultipleInstructionsDisallowed),
		bk(&linter.RuleLegacyKeyValueFormat),
		bk(&linter.RuleInvalidBaseImagePlatform),
		bk(&linter.RuleRedundantTargetPlatform),
		bk(&linter.RuleSecretsUsedInArgOrEnv),
		bk(&linter.RuleInvalidDefaultArgInFrom),
		bk(&linter.RuleFromPlatformFlagConstDisallowed),
		bk(&linter.RuleCopyIgnoredFile),
		bk(&linter.RuleInvalidDefinitionDescription),
		bk(&linter.RuleExposeProtoCasing),
		bk(&linter.RuleExposeInvalidFormat),
	} {
		if r.deprecated {
			continue
		}
		m := Meta{ID: BuildKitPrefix + r.name, Severity: finding.Warning, Summary: r.desc, Doc: r.url}
		if r.experimental {
			m.Summary += " (experimental: enable with # check=experimental=" + r.name + ")"
		}
		out = append(out, m)
	}
	return out
}

type bkRule struct {
	name, desc, url          string
	experimental, deprecated bool
}

func bk[F any](r *linter.LinterRule[F]) bkRule {
	return bkRule{name: r.Name, desc: r.Description, url: r.URL, experimental: r.Experimental, deprecated: r.Deprecated}
}
