package buildkit

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	contentlocal "github.com/containerd/containerd/v2/plugins/content/local"
	"github.com/distribution/reference"
	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/client/ociindex"
	"github.com/moby/buildkit/exporter/containerimage/exptypes"
	ocispecs "github.com/opencontainers/image-spec/specs-go/v1"
	"github.com/sethvargo/go-githubactions"
	"github.com/tonistiigi/fsutil"

	"github.com/plimsoll/plimsoll/pkg/buildkit/buildflags"
	"github.com/plimsoll/plimsoll/pkg/report"
)

// BuildOptions say what `plimsoll build` builds and where the images go.
// The zero value of every optional field means "as docker buildx would".
type BuildOptions struct {
	// ContextDir is the build context ("." by default).
	ContextDir string
	// Variants are built one after another in this order, sharing one
	// context upload and the builder's cache: the next starts once the
	// previous one's build steps are done and its export has begun, so
	// shared steps are cache hits and the export overlaps the next build
	// (not with MaxDisk or an oci-layout output, where exports run one at
	// a time). Empty: one variant "default" from ContextDir/Dockerfile.
	Variants []buildflags.Variant

	BuildArgs map[string]string
	Labels    map[string]string
	Platforms []string
	Secrets   []buildflags.Secret
	SSH       []buildflags.SSH
	// Network is the RUN network mode: "", "default", "none" or "host".
	Network  string
	NoCache  bool
	Pull     bool
	Contexts []buildflags.BuildContext
	// AddHosts are HOST=IP entries.
	AddHosts []string
	ShmSize  int64

	// Tags name the image for Push; with several variants each tag gets
	// "-NAME" appended to its tag part.
	Tags []string
	Push bool
	// RegistryInsecure allows pushing to an http (or self-signed)
	// registry.
	RegistryInsecure bool
	// Compression of the layers: "gzip", "zstd" or "uncompressed". ""
	// means gzip when the image is pushed or written to a file (what
	// docker buildx does), and zstd when it only goes to the analysis
	// (--output none): several times faster to compress, and nobody
	// pulls that image.
	Compression string
	// Outputs are file outputs (oci-layout, oci-archive) or none. With
	// several variants, an oci-layout holds every variant (tagged by name)
	// and an oci-archive FILE becomes FILE-NAME per variant.
	Outputs []buildflags.Output

	CacheFrom []buildflags.Cache
	CacheTo   []buildflags.Cache

	// MaxDisk is the builder disk budget in bytes (0: none).
	MaxDisk int64
	// DiskPollInterval is how often the budget is checked during a
	// variant (0: every 2s).
	DiskPollInterval time.Duration
	// PruneAfter, when set, prunes the builder's cache after the build.
	PruneAfter *buildflags.Prune

	// BuiltinFrontend ignores `# syntax=` and builds with the Dockerfile
	// frontend built into BuildKit.
	BuiltinFrontend bool
	// Timeout bounds the whole build (0: none).
	Timeout time.Duration

	// Progress is the --progress mode and ProgressOut where it goes
	// (nil: no progress).
	Progress    string
	ProgressOut io.Writer
	// GitHubGroups wraps each variant's progress in a ::group:: (on
	// GitHub Actions).
	GitHubGroups bool
	// Notices receives one-line notices (the frontend fallback).
	Notices io.Writer
	// Analyze, when set, gets each variant's image as an OCI layout tar
	// stream (read it once, to the end; nothing is written to disk for
	// it). An error fails the variant.
	Analyze func(ctx context.Context, variant string, r io.Reader) error

	// BuilderAddr is recorded in the report and named in errors.
	BuilderAddr string
	// BuilderRoot is the state directory of a builder on this machine (a
	// private buildkitd), "" when unknown. With MaxDisk, the free space of
	// its filesystem is watched during each variant and the build stops
	// while MinFree is still left.
	BuilderRoot string
	// MinFree is the free space to keep on BuilderRoot's filesystem
	// (0: 512 MB).
	MinFree int64
	// DockerConfigDir holds config.json with registry credentials
	// ("" = $DOCKER_CONFIG or ~/.docker).
	DockerConfigDir string
	// Getenv reads the environment for gha cache settings (nil: os.Getenv).
	Getenv func(string) string
}

// TimeoutError says the build ran past BuildOptions.Timeout.
type TimeoutError struct{ Timeout time.Duration }

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("the build did not finish within --timeout %s", e.Timeout)
}

// Build checks o (Prepare), builds every variant through c and returns the
// build report. The report is returned (with the failed variant) even when
// the build fails.
func Build(ctx context.Context, c *client.Client, o BuildOptions) (*report.Build, error) {
	p, err := Prepare(o)
	if err != nil {
		return nil, err
	}
	return p.Run(ctx, c)
}

// Prepared is a build whose options have been checked and whose inputs
// (Dockerfiles, named contexts, secrets) have been read, ready to run on a
// builder. Prepare it before connecting, so that bad input fails at once.
type Prepared struct{ p *buildPlan }

// Prepare checks o and reads the build's inputs. Its errors are
// *InputError.
func Prepare(o BuildOptions) (*Prepared, error) {
	p, err := plan(&o)
	if err != nil {
		return nil, err
	}
	return &Prepared{p: p}, nil
}

// Run builds every variant through c. BuilderAddr may be set after
// Prepare, once the builder is known.
func (pr *Prepared) Run(ctx context.Context, c *client.Client) (*report.Build, error) {
	p := pr.p
	o := *p.o
	start := time.Now()
	rep := &report.Build{Header: report.NewHeader(report.KindBuild), Builder: o.BuilderAddr, Context: p.contextDir, Variants: []report.Variant{}}
	rep.Disk.Limit = o.MaxDisk

	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, o.Timeout, &TimeoutError{Timeout: o.Timeout})
		defer cancel()
	}

	dw := &diskWatch{c: c, limit: o.MaxDisk, interval: o.DiskPollInterval, root: o.BuilderRoot, reserve: o.MinFree}
	if dw.reserve <= 0 {
		dw.reserve = 512_000_000
	}
	if dw.interval <= 0 {
		dw.interval = 2 * time.Second
	}
	before, err := DiskUsage(ctx, c)
	if err != nil {
		return nil, wrapCtx(ctx, o.BuilderAddr, err)
	}
	rep.Disk.Before = before
	dw.observe(before)

	// Variants run one after another: the next starts once the previous
	// one's build steps are all done (its export has begun), so that the
	// steps they share are cache hits. The previous export then overlaps
	// with the next variant's steps instead of delaying them. A failed
	// variant cancels the ones after it, never the ones before.
	type outcome struct {
		rv  report.Variant
		err error
	}
	var waits []chan outcome
	var buildErr error
	vctx := ctx
	for i, v := range p.variants {
		if o.MaxDisk > 0 {
			// Between variants: prune when the cache has grown past the
			// budget, so that the next variant starts within it.
			if _, _, err := dw.check(ctx); err != nil {
				buildErr = wrapCtx(ctx, o.BuilderAddr, err)
				break
			}
		}
		ictx, cancelV := context.WithCancelCause(vctx)
		defer cancelV(nil)
		vctx = ictx
		stepsDone := make(chan struct{})
		signalSteps := sync.OnceFunc(func() { close(stepsDone) })
		out := make(chan outcome, 1)
		// With a disk budget, a variant's export must not overlap the
		// next one's steps: the budget is for one variant at a time. Two
		// exports into one OCI layout must not overlap either (they would
		// write the shared base layers' blobs at once).
		pipeline := i < len(p.variants)-1 && o.MaxDisk <= 0 && !p.hasLayoutOutput()
		go func() {
			rv, err := p.buildVariant(ictx, c, v, dw, signalSteps, pipeline)
			if err != nil {
				cancelV(fmt.Errorf("canceled: variant %q failed", v.Name))
			}
			signalSteps()
			out <- outcome{rv, err}
		}()
		waits = append(waits, out)
		if pipeline {
			<-stepsDone
		} else {
			oc := <-out
			out <- oc
		}
		if ictx.Err() != nil {
			break // this variant failed (or the build was stopped): start no more
		}
	}
	for _, w := range waits {
		oc := <-w
		rep.Variants = append(rep.Variants, oc.rv)
		if oc.err != nil && buildErr == nil {
			buildErr = oc.err
		}
	}
	if used, err := DiskUsage(ctx, c); err == nil {
		dw.observe(used)
	}

	// Measure and prune with a context of their own: a timed-out or
	// failed build still leaves a builder whose disk should be accounted.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if o.PruneAfter != nil && ctx.Err() == nil && !isConnectionLoss(buildErr) {
		keep := o.PruneAfter.KeepDuration
		if o.PruneAfter.SinceBuild {
			keep = time.Since(start) + time.Second
		}
		freed, err := Prune(fctx, c, keep, o.PruneAfter.KeepStorage, false)
		dw.addPruned(freed)
		if err != nil && buildErr == nil {
			buildErr = err
		}
	}
	if !isConnectionLoss(buildErr) {
		if after, err := DiskUsage(fctx, c); err == nil {
			rep.Disk.After = after
			dw.observe(after)
		}
	}
	rep.Disk.Peak = dw.peak
	rep.Disk.Pruned = dw.pruned
	rep.Seconds = time.Since(start).Seconds()
	return rep, buildErr
}

// wrapCtx turns an error of a builder call into what the user should read.
func wrapCtx(ctx context.Context, addr string, err error) error {
	if ctx.Err() != nil {
		if cause := context.Cause(ctx); cause != nil {
			return cause
		}
	}
	if isConnectionLoss(err) {
		return &ConnectionError{Addr: addr, Err: err}
	}
	return err
}

// buildPlan is BuildOptions checked and resolved once for all variants.
type buildPlan struct {
	o          *BuildOptions
	contextDir string
	contextFS  fsutil.FS
	sharedKey  string
	variants   []variantPlan
	attrs      map[string]string
	session    []sessionAttachable
	contexts   *namedContexts
	cacheFrom  []client.CacheOptionsEntry
	cacheTo    []client.CacheOptionsEntry
	entitle    []string

	mu       sync.Mutex
	builtin  bool // fall back to the built-in frontend from now on
	notified bool
}

type variantPlan struct {
	buildflags.Variant
	dockerfileDir string
	filename      string
	data          []byte
	syntaxRef     string
	syntaxLine    int
}

func plan(o *BuildOptions) (*buildPlan, error) {
	if o.ContextDir == "" {
		o.ContextDir = "."
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	abs, err := filepath.Abs(o.ContextDir)
	if err != nil {
		return nil, inputErrorf("build context %s: %w", o.ContextDir, err)
	}
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		return nil, inputErrorf("build context %s is not a directory", o.ContextDir)
	}
	cfs, err := fsutil.NewFS(abs)
	if err != nil {
		return nil, inputErrorf("build context %s: %w", o.ContextDir, err)
	}
	sum := sha256.Sum256([]byte("plimsoll:" + abs))
	p := &buildPlan{o: o, contextDir: o.ContextDir, contextFS: cfs, sharedKey: hex.EncodeToString(sum[:16]), builtin: o.BuiltinFrontend}

	variants := o.Variants
	if len(variants) == 0 {
		variants = []buildflags.Variant{{Name: "default", Dockerfile: filepath.Join(o.ContextDir, "Dockerfile")}}
	}
	seen := map[string]bool{}
	for _, v := range variants {
		if seen[v.Name] {
			return nil, inputErrorf("--variant %s given twice", v.Name)
		}
		seen[v.Name] = true
		// A relative Dockerfile is looked for in the build context first
		// (--variant multi=Dockerfile means CONTEXT/Dockerfile), then in
		// the working directory.
		path := v.Dockerfile
		if !filepath.IsAbs(path) {
			if _, err := os.Stat(filepath.Join(o.ContextDir, path)); err == nil {
				path = filepath.Join(o.ContextDir, path)
			}
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, inputErrorf("variant %q: reading Dockerfile: %w", v.Name, err)
		}
		vp := variantPlan{Variant: v, dockerfileDir: filepath.Dir(path), filename: filepath.Base(path), data: data}
		vp.Dockerfile = path
		vp.syntaxRef, vp.syntaxLine = syntaxLine(data)
		p.variants = append(p.variants, vp)
	}

	if o.Push && len(o.Tags) == 0 {
		return nil, inputErrorf("--push needs at least one --tag")
	}
	for _, t := range o.Tags {
		if _, err := reference.ParseNormalizedNamed(t); err != nil {
			return nil, inputErrorf("--tag %q: %v", t, err)
		}
	}
	kinds := map[buildflags.OutputType]bool{}
	for _, out := range o.Outputs {
		if out.Type == buildflags.OutputRegistry {
			o.Push = true
			continue
		}
		if kinds[out.Type] {
			return nil, inputErrorf("--output %s given twice", out.Type)
		}
		kinds[out.Type] = true
	}
	if kinds[buildflags.OutputNone] && (len(kinds) > 1 || o.Push) {
		return nil, inputErrorf("--output none cannot be combined with other outputs or --push")
	}

	switch o.Compression {
	case "":
		o.Compression = "zstd"
		if o.Push || kinds[buildflags.OutputOCILayout] || kinds[buildflags.OutputOCIArchive] {
			o.Compression = "gzip"
		}
	case "gzip", "zstd", "uncompressed":
	default:
		return nil, inputErrorf("--compression %q: want gzip, zstd or uncompressed", o.Compression)
	}

	p.attrs = map[string]string{}
	for k, v := range o.BuildArgs {
		p.attrs["build-arg:"+k] = v
	}
	for k, v := range o.Labels {
		p.attrs["label:"+k] = v
	}
	if len(o.Platforms) > 0 {
		p.attrs["platform"] = strings.Join(o.Platforms, ",")
	}
	if o.NoCache {
		p.attrs["no-cache"] = ""
	}
	if o.Pull {
		p.attrs["image-resolve-mode"] = "pull"
	}
	switch o.Network {
	case "", "default":
	case "none":
		p.attrs["force-network-mode"] = "none"
	case "host":
		p.attrs["force-network-mode"] = "host"
		p.entitle = append(p.entitle, "network.host")
	default:
		return nil, inputErrorf("--network %q: want default, none or host", o.Network)
	}
	if len(o.AddHosts) > 0 {
		p.attrs["add-hosts"] = strings.Join(o.AddHosts, ",")
	}
	if o.ShmSize > 0 {
		p.attrs["shm-size"] = strconv.FormatInt(o.ShmSize, 10)
	}

	if p.contexts, err = resolveContexts(o.Contexts); err != nil {
		return nil, err
	}
	maps.Copy(p.attrs, p.contexts.attrs)
	if p.session, err = attachables(o); err != nil {
		return nil, err
	}
	p.cacheFrom = cacheEntries(o.CacheFrom, false, o.Getenv)
	p.cacheTo = cacheEntries(o.CacheTo, true, o.Getenv)
	return p, nil
}

// variantTag is tag for variant name when several variants are built:
// repo:1.0 -> repo:1.0-name, repo -> repo:name.
func variantTag(tag, name string, several bool) string {
	if !several {
		return tag
	}
	named, err := reference.ParseNormalizedNamed(tag)
	if err != nil {
		return tag
	}
	if t, ok := named.(reference.Tagged); ok {
		return reference.TrimNamed(named).String() + ":" + t.Tag() + "-" + name
	}
	return reference.TrimNamed(named).String() + ":" + name
}

// outputArchivePath is FILE, or FILE-NAME.ext with several variants.
func outputArchivePath(path, name string, several bool) string {
	if !several {
		return path
	}
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-" + name + ext
}

func (p *buildPlan) hasLayoutOutput() bool {
	for _, out := range p.o.Outputs {
		if out.Type == buildflags.OutputOCILayout {
			return true
		}
	}
	return false
}

// SetBuilder records the builder's address (for the report and errors)
// and, for a builder on this machine, its state directory.
func (pr *Prepared) SetBuilder(addr, root string) {
	pr.p.o.BuilderAddr, pr.p.o.BuilderRoot = addr, root
}

// buildVariant runs one variant's solve (twice when the `# syntax=`
// frontend cannot be fetched) and fills its report entry.
//
// stepsDone is called when the variant's build steps are all done and its
// export has begun. With detach (more variants follow), its progress display
// ends there too, so that the next variant's progress does not mix with
// this one's export.
func (p *buildPlan) buildVariant(ctx context.Context, c *client.Client, v variantPlan, dw *diskWatch, stepsDone func(), detach bool) (rv report.Variant, _ error) {
	o := p.o
	rv = report.Variant{Name: v.Name, Dockerfile: v.Dockerfile, Target: v.Target, Platforms: o.Platforms, Status: report.StatusFailed, Compression: o.Compression}
	start := time.Now()
	defer func() { rv.Seconds = time.Since(start).Seconds() }()

	endGroup := func() {}
	if o.GitHubGroups && o.ProgressOut != nil {
		gh := githubactions.New(githubactions.WithWriter(o.ProgressOut))
		gh.Group("plimsoll build: variant " + v.Name)
		endGroup = sync.OnceFunc(gh.EndGroup)
		defer endGroup()
	}
	hooks := progressHooks{stepsDone: stepsDone, detach: detach, detached: endGroup}

	p.mu.Lock()
	builtin := p.builtin
	if builtin && v.syntaxRef != "" && !p.notified && o.BuiltinFrontend {
		p.notice("--builtin-frontend: ignoring `# syntax=%s`; building with BuildKit's built-in Dockerfile frontend", v.syntaxRef)
	}
	p.mu.Unlock()

	res, err := p.solve(ctx, c, v, builtin, dw, hooks)
	if err != nil && !builtin && frontendFetchFailed(err.cause, v.syntaxLine) {
		p.mu.Lock()
		p.builtin = true
		p.notice("the frontend image %s of `# syntax=` in %s cannot be fetched; building with BuildKit's built-in Dockerfile frontend instead", v.syntaxRef, v.Dockerfile)
		p.mu.Unlock()
		res, err = p.solve(ctx, c, v, true, dw, hooks)
	}
	if err != nil {
		rv.Error = err.err.Error()
		rv.Steps, rv.CacheHits = err.steps, err.hits
		return rv, err.err
	}
	rv.Status = report.StatusOK
	rv.Steps, rv.CacheHits = res.steps, res.hits
	rv.ImageDigest = res.stats.Digest
	rv.ConfigDigest = res.stats.ConfigDigest
	rv.Layers = res.stats.Layers
	rv.SizeBytes = res.stats.Size
	rv.CompressedBytes = res.stats.Compressed
	rv.Outputs = res.outputs
	return rv, nil
}

func (p *buildPlan) notice(format string, args ...any) {
	if p.notified {
		return
	}
	p.notified = true
	if p.o.Notices != nil {
		fmt.Fprintf(p.o.Notices, "plimsoll build: "+format+"\n", args...)
	}
}

type solveResult struct {
	steps, hits int
	stats       ImageStats
	outputs     []report.Output
}

type solveFailure struct {
	err         error // what the user reads
	cause       error // what Solve returned
	steps, hits int
}

// statsSink receives the image figures from whichever output computes them,
// and hands the same stream to BuildOptions.Analyze when it is set.
type statsSink struct {
	ctx     context.Context
	variant string
	analyze func(ctx context.Context, variant string, r io.Reader) error

	mu      sync.Mutex
	started bool
	pws     []*io.PipeWriter
	ch      chan statsResult
	hookErr chan error
}

type statsResult struct {
	st  ImageStats
	err error
}

func newStatsSink(ctx context.Context, variant string, analyze func(context.Context, string, io.Reader) error) *statsSink {
	return &statsSink{ctx: ctx, variant: variant, analyze: analyze, ch: make(chan statsResult, 1), hookErr: make(chan error, 1)}
}

// writer returns the pipe an exporter writes the OCI tar stream into; a
// goroutine reads it once and computes the figures, and another runs the
// analysis hook on the same bytes. Nothing is written to disk.
func (s *statsSink) writer() io.WriteCloser {
	pr, pw := io.Pipe()
	s.mu.Lock()
	s.started = true
	s.pws = append(s.pws, pw)
	s.mu.Unlock()
	go func() {
		st, err := StatsFromOCIStream(pr)
		// Drain whatever follows (tar padding, or the rest after a
		// failure) so that a file output being written through the same
		// tee never stalls on the figures.
		_, _ = io.Copy(io.Discard, pr)
		s.ch <- statsResult{st, err}
	}()
	if s.analyze == nil {
		return pw
	}
	hr, hw := io.Pipe()
	s.mu.Lock()
	s.pws = append(s.pws, hw)
	s.mu.Unlock()
	go func() {
		err := s.analyze(s.ctx, s.variant, hr)
		_, _ = io.Copy(io.Discard, hr)
		s.hookErr <- err
	}()
	return &multiPipe{pws: []*io.PipeWriter{pw, hw}, w: io.MultiWriter(pw, hw)}
}

// multiPipe writes to several pipes and closes them all.
type multiPipe struct {
	pws []*io.PipeWriter
	w   io.Writer
}

func (m *multiPipe) Write(b []byte) (int, error) { return m.w.Write(b) }

func (m *multiPipe) Close() error {
	for _, pw := range m.pws {
		pw.Close()
	}
	return nil
}

// abort unblocks the readers when the solve ended without closing the
// stream (a failed export).
func (s *statsSink) abort(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, pw := range s.pws {
		pw.CloseWithError(err)
	}
}

// result waits for the readers; ok is false when no exporter wrote.
func (s *statsSink) result() (statsResult, bool) {
	s.mu.Lock()
	started := s.started
	s.mu.Unlock()
	if !started {
		return statsResult{}, false
	}
	r := <-s.ch
	if s.analyze != nil {
		if err := <-s.hookErr; err != nil && r.err == nil {
			r.err = fmt.Errorf("analyzing the image: %w", err)
		}
	}
	return r, true
}

// teeWriter writes an archive file and the stats pipe at once.
type teeWriter struct {
	f    *os.File
	pipe io.WriteCloser
	w    io.Writer
}

func (t *teeWriter) Write(b []byte) (int, error) { return t.w.Write(b) }

func (t *teeWriter) Close() error {
	perr := t.pipe.Close()
	if err := t.f.Close(); err != nil {
		return err
	}
	return perr
}

func (p *buildPlan) solve(ctx context.Context, c *client.Client, v variantPlan, builtin bool, dw *diskWatch, hooks progressHooks) (*solveResult, *solveFailure) {
	o := p.o
	several := len(p.variants) > 1
	attrs := maps.Clone(p.attrs)
	attrs["filename"] = v.filename
	if v.Target != "" {
		attrs["target"] = v.Target
	}
	if builtin && v.syntaxRef != "" {
		// The dockerfile.v0 frontend forwards to the `# syntax=` image
		// unless cmdline is set; an empty one keeps the built-in parser.
		attrs["cmdline"] = ""
	}
	dfFS, err := fsutil.NewFS(v.dockerfileDir)
	if err != nil {
		return nil, &solveFailure{err: inputErrorf("variant %q: %w", v.Name, err)}
	}
	locals := map[string]fsutil.FS{"context": p.contextFS, "dockerfile": dfFS}
	maps.Copy(locals, p.contexts.locals)

	sink := newStatsSink(ctx, v.Name, o.Analyze)
	var outputs []report.Output
	var exports []client.ExportEntry
	var layoutDir, archivePath string
	var tags []string
	if o.Push {
		for _, t := range o.Tags {
			tags = append(tags, variantTag(t, v.Name, several))
		}
		// The same media types as the oci exporters below, so that every
		// exporter of this solve produces the same manifest digest.
		attrs := exportAttrs(o.Compression, "name", strings.Join(tags, ","), "push", "true")
		if o.RegistryInsecure {
			attrs["registry.insecure"] = "true"
		}
		exports = append(exports, client.ExportEntry{Type: client.ExporterImage, Attrs: attrs})
	}
	for _, out := range o.Outputs {
		switch out.Type {
		case buildflags.OutputOCILayout:
			if err := os.MkdirAll(out.Path, 0o755); err != nil {
				return nil, &solveFailure{err: inputErrorf("--output oci-layout=%s: %w", out.Path, err)}
			}
			store, err := contentlocal.NewStore(out.Path)
			if err != nil {
				return nil, &solveFailure{err: inputErrorf("--output oci-layout=%s: %w", out.Path, err)}
			}
			layoutDir = out.Path
			exports = append(exports, client.ExportEntry{Type: client.ExporterOCI, Attrs: exportAttrs(o.Compression, "tar", "false"), OutputStore: store})
			outputs = append(outputs, report.Output{Type: report.OutputOCILayout, Path: out.Path, Ref: v.Name})
		case buildflags.OutputOCIArchive:
			archivePath = outputArchivePath(out.Path, v.Name, several)
			path := archivePath
			exports = append(exports, client.ExportEntry{Type: client.ExporterOCI, Attrs: exportAttrs(o.Compression), Output: func(map[string]string) (io.WriteCloser, error) {
				if dir := filepath.Dir(path); dir != "" {
					if err := os.MkdirAll(dir, 0o755); err != nil {
						return nil, err
					}
				}
				f, err := os.Create(path)
				if err != nil {
					return nil, err
				}
				pipe := sink.writer()
				return &teeWriter{f: f, pipe: pipe, w: io.MultiWriter(f, pipe)}, nil
			}})
			outputs = append(outputs, report.Output{Type: report.OutputOCIArchive, Path: archivePath})
		}
	}
	if archivePath == "" && (layoutDir == "" || o.Analyze != nil) {
		// --output none or --push only (or an analysis besides an OCI
		// layout): the image is read straight from the exporter's stream,
		// never written to disk.
		exports = append(exports, client.ExportEntry{Type: client.ExporterOCI, Attrs: exportAttrs(o.Compression), Output: func(map[string]string) (io.WriteCloser, error) {
			return sink.writer(), nil
		}})
		if !o.Push && layoutDir == "" {
			outputs = append(outputs, report.Output{Type: report.OutputNone})
		}
	}

	stores := maps.Clone(p.contexts.stores)
	so := client.SolveOpt{
		Exports:             exports,
		LocalMounts:         locals,
		OCIStores:           stores,
		SharedKey:           p.sharedKey,
		Frontend:            "dockerfile.v0",
		FrontendAttrs:       attrs,
		CacheImports:        p.cacheFrom,
		CacheExports:        p.cacheTo,
		Session:             p.sessionAttachables(),
		AllowedEntitlements: slices.Clone(p.entitle),
	}

	sctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	if dw.limit > 0 {
		wctx, stopWatch := context.WithCancel(sctx)
		defer stopWatch()
		go dw.watch(wctx, v.Name, cancel)
	}

	tr := newTracker()
	ch := make(chan *client.SolveStatus)
	prog := &progress{mode: o.Progress, out: o.ProgressOut, tracker: tr, hooks: hooks}
	progDone := make(chan struct{})
	go func() {
		defer close(progDone)
		// A display error (the progress writer went away) only affects
		// what is shown: the solve's own result and the report are
		// complete, so it does not fail a build that succeeded.
		_ = prog.run(sctx, ch)
	}()

	resp, serr := c.Solve(sctx, nil, so, ch) // closes ch
	<-progDone
	steps, hits := tr.counts()
	if serr != nil {
		sink.abort(serr)
		_, _ = sink.result() // wait for the reader to finish
		return nil, &solveFailure{err: solveError(sctx, v.Name, o.BuilderAddr, serr, tr), cause: serr, steps: steps, hits: hits}
	}

	res := &solveResult{steps: steps, hits: hits, outputs: outputs}
	var st ImageStats
	var statErr error
	r, streamed := sink.result()
	st, statErr = r.st, r.err
	if layoutDir != "" {
		lst, err := p.finishLayout(layoutDir, v.Name, resp)
		if !streamed {
			st = lst
		}
		statErr = errors.Join(statErr, err)
	} else if !streamed {
		statErr = errors.New("the builder sent no image")
	}
	if statErr != nil {
		return nil, &solveFailure{err: fmt.Errorf("variant %q: reading the built image: %w", v.Name, statErr), cause: statErr, steps: steps, hits: hits}
	}
	if d := resp.ExporterResponse[exptypes.ExporterImageDigestKey]; d != "" {
		st.Digest = d
	}
	if d := resp.ExporterResponse[exptypes.ExporterImageConfigDigestKey]; d != "" && st.ConfigDigest == "" {
		st.ConfigDigest = d
	}
	res.stats = st
	for _, t := range tags {
		named, _ := reference.ParseNormalizedNamed(t)
		res.outputs = append(res.outputs, report.Output{Type: report.OutputRegistry, Ref: reference.TrimNamed(named).String() + "@" + st.Digest})
	}
	return res, nil
}

// exportAttrs are the attributes every exporter of a solve shares (OCI
// media types and one compression, so that they all produce the same
// manifest digest), plus the key/value pairs given.
func exportAttrs(compression string, kv ...string) map[string]string {
	attrs := map[string]string{"oci-mediatypes": "true", "compression": compression}
	if compression != "gzip" {
		// Layers cached as gzip are recompressed rather than reused.
		attrs["force-compression"] = "true"
	}
	for i := 0; i+1 < len(kv); i += 2 {
		attrs[kv[i]] = kv[i+1]
	}
	return attrs
}

// finishLayout tags the variant's image in an OCI layout's index.json
// (org.opencontainers.image.ref.name = variant name) and reads its figures.
func (p *buildPlan) finishLayout(dir, name string, resp *client.SolveResponse) (ImageStats, error) {
	raw := resp.ExporterResponse[exptypes.ExporterImageDescriptorKey]
	if raw == "" {
		return ImageStats{}, errors.New("the builder returned no image descriptor")
	}
	dt, err := base64.StdEncoding.DecodeString(raw)
	if err != nil {
		return ImageStats{}, fmt.Errorf("decoding the image descriptor: %w", err)
	}
	var desc ocispecs.Descriptor
	if err := json.Unmarshal(dt, &desc); err != nil {
		return ImageStats{}, fmt.Errorf("decoding the image descriptor: %w", err)
	}
	if err := ociindex.NewStoreIndex(dir).Put(desc, ociindex.Tag(name)); err != nil {
		return ImageStats{}, fmt.Errorf("writing %s/index.json: %w", dir, err)
	}
	return StatsFromLayout(dir, desc.Digest.String())
}
