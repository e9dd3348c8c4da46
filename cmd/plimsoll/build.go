package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/dustin/go-humanize"

	"github.com/plimsoll/plimsoll/pkg/analyze"
	"github.com/plimsoll/plimsoll/pkg/buildkit"
	"github.com/plimsoll/plimsoll/pkg/buildkit/buildflags"
	"github.com/plimsoll/plimsoll/pkg/report"
)

// optionalValue is a flag that may be given bare (--prune-after) or with a
// value (--prune-after=keep-storage=5GB).
type optionalValue struct {
	set   bool
	value string
}

func (v *optionalValue) String() string   { return v.value }
func (v *optionalValue) IsBoolFlag() bool { return true }
func (v *optionalValue) Set(s string) error {
	v.set, v.value = true, s
	if s == "false" {
		v.set = false
	}
	return nil
}

// runBuild is `plimsoll build [flags] [CONTEXT]`.
func runBuild(ctx context.Context, s stdio, args []string) error {
	fs := newFlagSet("build", s)
	var (
		variants, buildArgs, labels, platforms, secrets, sshs, contexts stringList
		addHosts, tags, outputs, cacheFrom, cacheTo                     stringList
		pruneAfter                                                      optionalValue
	)
	file := fs.String("file", "", "the Dockerfile of the default variant, relative to the current directory (default CONTEXT/Dockerfile)")
	fs.StringVar(file, "f", "", "shorthand for --file")
	fs.Var(&variants, "variant", "build a variant NAME=DOCKERFILE[:TARGET] (repeatable; built in order, sharing cache; a relative DOCKERFILE is looked for in CONTEXT, then in the current directory)")
	target := fs.String("target", "", "the stage to build (for variants that name none)")
	fs.Var(&buildArgs, "build-arg", "a build argument KEY=VALUE, or KEY to take it from the environment (repeatable)")
	fs.Var(&labels, "label", "an image label KEY=VALUE (repeatable)")
	fs.Var(&platforms, "platform", "a target platform, e.g. linux/amd64 (repeatable or comma-separated)")
	fs.Var(&secrets, "secret", "a build secret id=ID,src=FILE or id=ID,env=VAR (repeatable)")
	fs.Var(&sshs, "ssh", "an SSH agent to forward: default or ID=SOCKET|KEY (repeatable)")
	network := fs.String("network", "", "the network mode of RUN steps: default, none or host")
	noCache := fs.Bool("no-cache", false, "do not use the build cache")
	pull := fs.Bool("pull", false, "always look for newer base images")
	fs.Var(&contexts, "build-context", "a named context NAME=oci-layout://DIR|docker-image://REF|DIR (repeatable)")
	fs.Var(&addHosts, "add-host", "an extra /etc/hosts entry HOST:IP for RUN steps (repeatable)")
	shmSize := fs.String("shm-size", "", "the size of /dev/shm for RUN steps, e.g. 64m")
	fs.Var(&tags, "tag", "an image name for --push (repeatable; with several variants each tag gets -NAME)")
	fs.Var(&tags, "t", "shorthand for --tag")
	push := fs.Bool("push", false, "push the image to the registry of its --tag")
	insecure := fs.Bool("registry-insecure", false, "allow pushing to an http or self-signed registry")
	compression := fs.String("compression", "", "layer compression: gzip, zstd or uncompressed (default gzip when the image is pushed or written, zstd with --output none)")
	fs.Var(&outputs, "output", "where the image goes: none, oci-layout=DIR, oci-archive=FILE (repeatable)")
	fs.Var(&outputs, "o", "shorthand for --output")
	fs.Var(&cacheFrom, "cache-from", "import cache: type=registry,ref=REF | type=local,src=DIR | type=gha (repeatable)")
	fs.Var(&cacheTo, "cache-to", "export cache: type=registry,ref=REF[,mode=max] | type=local,dest=DIR | type=inline | type=gha (repeatable)")
	maxDisk := fs.String("max-disk", "", "the builder disk budget, e.g. 10GB: prune between variants, fail early when one variant alone cannot fit")
	fs.Var(&pruneAfter, "prune-after", "prune the builder's cache after the build: bare keeps only what this build used; or keep-duration=24h,keep-storage=5GB")
	builtin := fs.Bool("builtin-frontend", false, "ignore '# syntax=' lines and use BuildKit's built-in Dockerfile frontend")
	progress := fs.String("progress", "auto", "progress output: auto, plain, tty, quiet or rawjson")
	reportFile := fs.String("report", "", "write the JSON build report to FILE")
	analysisFile := fs.String("analysis", "", "analyze each variant's image from the builder's stream (nothing written to disk) and write the analysis report to FILE")
	timeout := fs.Duration("timeout", 0, "give up when the build takes longer than this, e.g. 30m (0: no limit)")
	builder := fs.String("builder", "", "the BuildKit address (unix://, tcp://, docker-container://); default $BUILDKIT_HOST, else a private buildkitd")
	tlsCA := fs.String("tlscacert", "", "CA certificate of a tcp:// builder")
	tlsCert := fs.String("tlscert", "", "client certificate for a tcp:// builder")
	tlsKey := fs.String("tlskey", "", "client key for a tcp:// builder")
	tlsName := fs.String("tlsservername", "", "server name to verify in a tcp:// builder's certificate")
	buildkitd := fs.String("buildkitd", "", "the buildkitd binary for a private builder (default: found on PATH or in plimsoll's cache)")
	daemonRoot := fs.String("buildkitd-root", "", "state directory of the private buildkitd, kept between runs (default: a temporary one)")
	// parseFlags prints this for -h only: a bad flag gets one line and a
	// hint (exit 2), not a page of help.
	fs.Usage = func() {
		fmt.Fprintln(s.err, "Usage: plimsoll build [flags] [CONTEXT]\n\nBuilds one or more variants of an image through BuildKit and reports their sizes.\n\nFlags:")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usageErrorf("want at most one build context, got %q", rest)
	}

	o := buildkit.BuildOptions{ContextDir: ".", Network: *network, NoCache: *noCache, Pull: *pull, Push: *push,
		RegistryInsecure: *insecure, Compression: *compression, BuiltinFrontend: *builtin, Progress: *progress, Timeout: *timeout,
		Tags: tags, Notices: s.err, GitHubGroups: os.Getenv("GITHUB_ACTIONS") == "true"}
	if len(rest) == 1 {
		o.ContextDir = rest[0]
	}
	if !buildkit.ValidProgress(*progress) {
		return usageErrorf("--progress %q: want one of %s", *progress, strings.Join(buildkit.ProgressModes, ", "))
	}
	if *progress != "quiet" {
		o.ProgressOut = s.err
	}
	if *timeout < 0 {
		return usageErrorf("--timeout %s: must not be negative", *timeout)
	}
	if err := parseBuildFlags(&o, buildFlagValues{
		file: *file, target: *target, variants: variants, buildArgs: buildArgs, labels: labels, platforms: platforms,
		secrets: secrets, ssh: sshs, contexts: contexts, addHosts: addHosts, outputs: outputs, cacheFrom: cacheFrom,
		cacheTo: cacheTo, shmSize: *shmSize, maxDisk: *maxDisk, pruneAfter: pruneAfter,
	}); err != nil {
		return usageError(err)
	}

	var analyses analysisCollector
	if *analysisFile != "" {
		o.Analyze = analyses.add
	}

	// Read and check the inputs before reaching for a builder: a missing
	// Dockerfile should not cost a buildkitd start.
	prep, err := buildkit.Prepare(o)
	if err != nil {
		return usageError(err)
	}

	// --timeout bounds reaching the builder too: an unreachable one fails
	// within it.
	connectTimeout := time.Duration(0)
	if *timeout > 0 && *timeout < buildkit.DefaultTimeout {
		connectTimeout = *timeout
	}
	b, err := buildkit.Open(ctx, buildkit.Options{
		Addr:    *builder,
		Timeout: connectTimeout,
		TLS:     buildkit.TLSOptions{CACert: *tlsCA, Cert: *tlsCert, Key: *tlsKey, ServerName: *tlsName},
		Daemon: buildkit.DaemonOptions{
			Binary: *buildkitd, Root: *daemonRoot,
		},
	})
	if err != nil {
		return err
	}
	defer b.Close()
	addr, root := b.Addr, ""
	if b.Daemonless {
		addr = "daemonless"
		if b.Daemon != nil {
			root = b.Daemon.Root()
		}
	}
	prep.SetBuilder(addr, root)

	rep, buildErr := prep.Run(ctx, b.Client)
	var inErr *buildkit.InputError
	if errors.As(buildErr, &inErr) {
		return usageError(buildErr)
	}
	if rep != nil {
		printBuildSummary(s.out, rep)
		if *reportFile != "" {
			if err := report.WriteFile(*reportFile, rep); err != nil {
				return errors.Join(buildErr, err)
			}
		}
		if *analysisFile != "" {
			if err := report.WriteFile(*analysisFile, analyze.NewReport(analyses.list(rep.Variants)...)); err != nil {
				return errors.Join(buildErr, err)
			}
		}
	}
	return buildErr
}

// buildFlagValues are the raw strings parseBuildFlags checks.
type buildFlagValues struct {
	file, target                                                   string
	variants, buildArgs, labels, platforms, secrets, ssh, contexts []string
	addHosts, outputs, cacheFrom, cacheTo                          []string
	shmSize, maxDisk                                               string
	pruneAfter                                                     optionalValue
}

// parseBuildFlags turns flag strings into BuildOptions; any error is a
// usage error (exit 2, one line).
func parseBuildFlags(o *buildkit.BuildOptions, f buildFlagValues) error {
	if f.file != "" && len(f.variants) > 0 {
		return errors.New("--file and --variant do not mix: name the Dockerfile in each --variant")
	}
	if f.file != "" {
		// --file is relative to the working directory, as in docker build.
		abs, err := filepath.Abs(f.file)
		if err != nil {
			return fmt.Errorf("--file %q: %w", f.file, err)
		}
		o.Variants = append(o.Variants, buildflags.Variant{Name: "default", Dockerfile: abs, Target: f.target})
	}
	for _, s := range f.variants {
		v, err := buildflags.ParseVariant(s)
		if err != nil {
			return err
		}
		if v.Target == "" {
			v.Target = f.target
		}
		o.Variants = append(o.Variants, v)
	}
	if len(o.Variants) == 0 && f.target != "" {
		o.Variants = append(o.Variants, buildflags.Variant{Name: "default", Dockerfile: filepath.Join(o.ContextDir, "Dockerfile"), Target: f.target})
	}
	for _, s := range f.buildArgs {
		k, v, ok, err := buildflags.ParseBuildArg(s, os.LookupEnv)
		if err != nil {
			return err
		}
		if ok {
			if o.BuildArgs == nil {
				o.BuildArgs = map[string]string{}
			}
			o.BuildArgs[k] = v
		}
	}
	for _, s := range f.labels {
		k, v, err := buildflags.ParseLabel(s)
		if err != nil {
			return err
		}
		if o.Labels == nil {
			o.Labels = map[string]string{}
		}
		o.Labels[k] = v
	}
	var err error
	if o.Platforms, err = buildflags.ParsePlatforms(f.platforms); err != nil {
		return err
	}
	for _, s := range f.secrets {
		sec, err := buildflags.ParseSecret(s)
		if err != nil {
			return err
		}
		o.Secrets = append(o.Secrets, sec)
	}
	for _, s := range f.ssh {
		v, err := buildflags.ParseSSH(s)
		if err != nil {
			return err
		}
		o.SSH = append(o.SSH, v)
	}
	for _, s := range f.contexts {
		bc, err := buildflags.ParseBuildContext(s)
		if err != nil {
			return err
		}
		o.Contexts = append(o.Contexts, bc)
	}
	for _, s := range f.addHosts {
		h, err := buildflags.ParseAddHost(s)
		if err != nil {
			return err
		}
		o.AddHosts = append(o.AddHosts, h)
	}
	for _, s := range f.outputs {
		out, err := buildflags.ParseOutput(s)
		if err != nil {
			return err
		}
		o.Outputs = append(o.Outputs, out)
	}
	for _, s := range f.cacheFrom {
		c, err := buildflags.ParseCache("--cache-from", s)
		if err != nil {
			return err
		}
		o.CacheFrom = append(o.CacheFrom, c)
	}
	for _, s := range f.cacheTo {
		c, err := buildflags.ParseCache("--cache-to", s)
		if err != nil {
			return err
		}
		o.CacheTo = append(o.CacheTo, c)
	}
	if f.shmSize != "" {
		if o.ShmSize, err = buildflags.ParseSize("--shm-size", f.shmSize); err != nil {
			return err
		}
	}
	if f.maxDisk != "" {
		if o.MaxDisk, err = buildflags.ParseSize("--max-disk", f.maxDisk); err != nil {
			return err
		}
	}
	if f.pruneAfter.set {
		p, err := buildflags.ParsePrune(f.pruneAfter.value)
		if err != nil {
			return err
		}
		o.PruneAfter = &p
	}
	switch o.Network {
	case "", "default", "none", "host":
	default:
		return fmt.Errorf("--network %q: want default, none or host", o.Network)
	}
	return nil
}

// printBuildSummary writes one line per variant.
func printBuildSummary(w io.Writer, rep *report.Build) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIANT\tSTATUS\tSIZE\tCOMPRESSED\tLAYERS\tCACHED\tTIME\tDIGEST")
	for _, v := range rep.Variants {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d/%d\t%s\t%s\n", v.Name, v.Status, humanize.Bytes(uint64(max(v.SizeBytes, 0))),
			humanize.Bytes(uint64(max(v.CompressedBytes, 0))), v.Layers, v.CacheHits, v.Steps,
			(time.Duration(v.Seconds * float64(time.Second))).Round(100*time.Millisecond), shortDigest(v.ImageDigest))
	}
	tw.Flush()
	fmt.Fprintf(w, "builder disk: %s before, %s after, %s peak", humanize.Bytes(uint64(max(rep.Disk.Before, 0))),
		humanize.Bytes(uint64(max(rep.Disk.After, 0))), humanize.Bytes(uint64(max(rep.Disk.Peak, 0))))
	if rep.Disk.Pruned > 0 {
		fmt.Fprintf(w, ", %s pruned", humanize.Bytes(uint64(rep.Disk.Pruned)))
	}
	fmt.Fprintln(w)
}

func shortDigest(d string) string {
	if len(d) > 19 {
		return d[:19]
	}
	return d
}

// analysisCollector analyzes each variant's image stream with pkg/analyze.
// Variants may finish out of order (the next one starts while the previous
// one exports), so analyses are kept by variant name.
type analysisCollector struct {
	mu sync.Mutex
	as map[string]*analyze.Analysis
}

func (c *analysisCollector) add(ctx context.Context, variant string, r io.Reader) error {
	a, err := analyze.FromOCIStream(ctx, r, analyze.Options{Name: variant})
	if err != nil {
		return err
	}
	c.mu.Lock()
	if c.as == nil {
		c.as = map[string]*analyze.Analysis{}
	}
	c.as[variant] = a
	c.mu.Unlock()
	return nil
}

// list returns the analyses in the build report's variant order.
func (c *analysisCollector) list(variants []report.Variant) []*analyze.Analysis {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*analyze.Analysis
	for _, v := range variants {
		if a, ok := c.as[v.Name]; ok {
			out = append(out, a)
		}
	}
	return out
}
