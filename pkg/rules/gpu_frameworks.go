package rules

// Helpers shared by the image-choice and GPU rules (PL401-PL403, PL501,
// PL502, PL601-PL603): what a stage's base image is (nvidia/cuda tag,
// distribution, Python), and which ML frameworks a stage pins.

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/cuda"
	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// cudaImage returns what the stage's root base image tag says when it is an
// nvidia/cuda image with a tag that follows NVIDIA's scheme.
func cudaImage(s *dockerfile.Stage) (cuda.Image, bool) {
	b := s.Base
	if b.Unresolved || b.Scratch || b.Tag == "" || !cuda.IsCUDARepository(b.Name) {
		return cuda.Image{}, false
	}
	img, err := cuda.ParseTag(b.Tag)
	if err != nil {
		return cuda.Image{}, false
	}
	img.Repository = b.Name
	return img, true
}

// fromChain returns s and the stages it is built FROM, nearest first.
func fromChain(s *dockerfile.Stage) []*dockerfile.Stage {
	var out []*dockerfile.Stage
	seen := map[*dockerfile.Stage]bool{}
	for ; s != nil && !seen[s]; s = s.BaseStage {
		seen[s] = true
		out = append(out, s)
	}
	return out
}

// chainCommands calls fn for every RUN command of the stage and of the
// stages it is built FROM (whose filesystem it starts from).
func chainCommands(s *dockerfile.Stage, fn func(in *dockerfile.Instruction, cmd *dockerfile.Command)) {
	Runs(fromChain(s), fn)
}

// baseDistro returns the distribution and release a stage's root base image is
// built on, when the image says so: nvidia/cuda's OS part, or the official
// ubuntu and debian images.
func baseDistro(s *dockerfile.Stage) (name, version string, ok bool) {
	if img, ok := cudaImage(s); ok && img.OS != "" {
		return img.OS, img.OSVersion, true
	}
	b := s.Base
	switch b.Name {
	case "ubuntu", "debian":
		if b.Tag != "" && b.Tag != "latest" {
			return b.Name, b.Tag, true
		}
	}
	return "", "", false
}

// pythonVersion is the Python a stage runs pip with, and where that was
// learned ("python:3.11-slim", "apt-get install python3 on ubuntu 18.04").
type pythonVersion struct {
	Version cuda.Version
	From    string
}

// stagePython works out which Python a stage's pip installs into: an
// explicitly installed version (apt-get install python3.11, uv python
// install 3.12, conda create python=3.10, pyenv install 3.11.9) wins, then
// the python:X.Y image's own, then the distribution's python3 package when
// the stage installs it. ok is false when it cannot be told.
func stagePython(db *cuda.DB, s *dockerfile.Stage) (pythonVersion, bool) {
	var explicit pythonVersion
	distroPy := false
	chainCommands(s, func(_ *dockerfile.Instruction, cmd *dockerfile.Command) {
		if explicit.From != "" {
			return
		}
		if v, how, ok := explicitPython(cmd); ok {
			explicit = pythonVersion{Version: v, From: how}
			return
		}
		if isPkgInstall(cmd) {
			for _, p := range pkgInstallNames(cmd) {
				if p == "python3" || p == "python3-pip" || p == "python3-dev" || p == "python3-venv" || p == "python3-minimal" {
					distroPy = true
				}
			}
		}
	})
	if explicit.From != "" {
		return explicit, true
	}
	if b := s.Base; (b.Name == "python" || b.Name == "pypy") && b.Tag != "" {
		if v, ok := versionPrefix(b.Tag); ok && v.Parts >= 2 && b.Name == "python" {
			return pythonVersion{Version: v.MajorMinor(), From: b.Name + ":" + b.Tag}, true
		}
	}
	if distroPy {
		if name, ver, ok := baseDistro(s); ok {
			if v, ok := db.DistroPython(name, ver); ok {
				return pythonVersion{Version: v, From: "python3 from " + name + " " + ver}, true
			}
		}
	}
	return pythonVersion{}, false
}

// explicitPython recognizes commands that install one chosen Python.
func explicitPython(cmd *dockerfile.Command) (cuda.Version, string, bool) {
	switch {
	case cmd.Is("conda", "mamba", "micromamba"):
		sub := cmd.Subcommand()
		if sub != "create" && sub != "install" {
			return cuda.Version{}, "", false
		}
		for _, a := range cmd.Args {
			a = strings.Trim(a, `"'`)
			if rest, ok := strings.CutPrefix(a, "python="); ok {
				rest = strings.TrimPrefix(rest, "=")
				if v, ok := versionPrefix(rest); ok && v.Parts >= 2 {
					return v.MajorMinor(), cmd.Name + " " + sub + " " + a, true
				}
			}
		}
	case isPkgInstall(cmd):
		for _, p := range pkgInstallNames(cmd) {
			// python3.11, python3.11-venv, python3.11-dev (deadsnakes)
			rest, ok := strings.CutPrefix(p, "python")
			if !ok {
				continue
			}
			rest, _, _ = strings.Cut(rest, "-")
			if v, err := cuda.ParseVersion(rest); err == nil && v.Parts == 2 && v.Major == 3 {
				return v, cmd.Name + " install " + p, true
			}
		}
	case cmd.Is("uv"):
		// uv python install 3.12 / uv venv --python 3.12
		if len(cmd.Args) >= 3 && cmd.Args[0] == "python" && cmd.Args[1] == "install" {
			if v, ok := versionPrefix(cmd.Args[2]); ok && v.Parts >= 2 {
				return v.MajorMinor(), "uv python install " + cmd.Args[2], true
			}
		}
		for _, a := range cmd.FlagValues("--python", "-p") {
			if v, ok := versionPrefix(a); ok && v.Parts >= 2 {
				return v.MajorMinor(), "uv --python " + a, true
			}
		}
	case cmd.Is("pyenv"):
		if cmd.Subcommand() == "install" {
			for _, a := range cmd.Args {
				if v, ok := versionPrefix(a); ok && v.Parts >= 2 {
					return v.MajorMinor(), "pyenv install " + a, true
				}
			}
		}
	}
	return cuda.Version{}, "", false
}

// versionPrefix reads the dotted version at the start of s: "3.11-slim" ->
// 3.11, "3.11.9" -> 3.11.9, "3.12.*" -> 3.12.
func versionPrefix(s string) (cuda.Version, bool) {
	end := 0
	for end < len(s) && (s[end] == '.' || (s[end] >= '0' && s[end] <= '9')) {
		end++
	}
	v, err := cuda.ParseVersion(strings.TrimRight(s[:end], "."))
	return v, err == nil
}

// pkgManagers are the system (and conda) package managers whose install
// commands PL501 and the Python detection read.
var pkgManagers = []string{"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper", "conda", "mamba", "micromamba"}

// pkgValueFlags are the flags of the package managers that take a value
// (apt -o/-t/-c, apk --virtual/-t/-X, dnf --setopt, conda -c/-n/-p ...).
var pkgValueFlags = setOf("-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file",
	"--virtual", "--channel", "-n", "--name", "-p", "--prefix", "--repository", "-X", "--enablerepo",
	"--disablerepo", "--setopt", "--file", "--root", "--installroot", "--releasever")

// pkgWords returns the subcommand of a package manager command and the
// words after it, flags and their values skipped.
func pkgWords(cmd *dockerfile.Command) (string, []string) {
	if !cmd.Is(pkgManagers...) {
		return "", nil
	}
	pos := positionals(cmd.Args, pkgValueFlags)
	if len(pos) == 0 {
		return "", nil
	}
	return pos[0], pos[1:]
}

// isPkgInstall reports whether cmd installs system or conda packages.
func isPkgInstall(cmd *dockerfile.Command) bool {
	switch sub, _ := pkgWords(cmd); sub {
	case "install", "add", "in", "create":
		return true
	}
	return false
}

// pkgInstallNames returns the package names an install command names,
// flags and their values skipped and versions stripped ("gcc=4:12.2.0-3" ->
// "gcc"; conda specs such as "python=3.10" are kept as written).
func pkgInstallNames(cmd *dockerfile.Command) []string {
	_, words := pkgWords(cmd)
	out := make([]string, 0, len(words))
	for _, w := range words {
		if !cmd.Is("conda", "mamba", "micromamba") {
			w, _, _ = strings.Cut(w, "=")
		}
		out = append(out, strings.Trim(w, `"'`))
	}
	return out
}

// pipSpec is one PEP 508 requirement as pip reads it on a command line
// or in a requirements file: torch==2.3.1+cu121, tensorflow[and-cuda]~=2.15.
type pipSpec struct {
	Name    string // normalized: lower case, "_" and "." as "-"
	Extras  []string
	Op      string // "==", ">=", "" when unpinned
	Version string // as written, local part included ("2.3.1+cu121")
}

// parsePipSpec reads a requirement specifier with dockerfile.ParseRequirement;
// ok is false for paths, URLs and anything that is not a plain name.
func parsePipSpec(s string) (pipSpec, bool) {
	r, ok := dockerfile.ParseRequirement(strings.Trim(s, `"'`))
	if !ok || r.URL != "" {
		return pipSpec{}, false
	}
	return specOf(r), true
}

// specOf turns a parsed requirement into a pipSpec.
func specOf(r dockerfile.Requirement) pipSpec {
	p := pipSpec{Name: r.Key}
	for _, e := range r.Extras {
		p.Extras = append(p.Extras, dockerfile.NormalizeName(e))
	}
	first, _, _ := strings.Cut(r.Specifier, ",") // only the first clause matters here
	first = strings.TrimSpace(first)
	for _, op := range []string{"===", "==", "~=", ">=", "<=", "!=", ">", "<"} {
		if v, ok := strings.CutPrefix(first, op); ok {
			p.Op, p.Version = op, strings.TrimSpace(v)
			break
		}
	}
	return p
}

// exactVersion returns the pinned version of an exact pin (== or ===),
// without its local part, and the local part ("cu121").
func (r pipSpec) exactVersion() (v cuda.Version, local string, ok bool) {
	if r.Op != "==" && r.Op != "===" {
		return cuda.Version{}, "", false
	}
	pub, local := cuda.SplitLocalVersion(r.Version)
	v, err := cuda.ParseVersion(strings.TrimSuffix(pub, ".*"))
	if err != nil {
		return cuda.Version{}, "", false
	}
	return v, strings.ToLower(local), true
}

func (r pipSpec) hasExtra(prefixes ...string) bool {
	for _, e := range r.Extras {
		for _, p := range prefixes {
			if strings.HasPrefix(e, p) {
				return true
			}
		}
	}
	return false
}

// frameworkPin is one ML framework installed by a RUN instruction.
type frameworkPin struct {
	Stage *dockerfile.Stage
	In    *dockerfile.Instruction
	Req   pipSpec
	// Version is the exact pinned version (zero when not pinned exactly),
	// Local its local part ("cu121").
	Version cuda.Version
	Local   string
	// IndexVariant is the CUDA variant of a download.pytorch.org index the
	// command (or the requirements file) uses ("cu121"), "" when none.
	IndexVariant string
	// ReqFile and ReqLine locate a pin read from a requirements file
	// (ReqFile relative to the build context).
	ReqFile string
	ReqLine int
	// Conda is set for a conda/mamba install (pytorch with pytorch-cuda or
	// cudatoolkit); Raw is then what the command says.
	Conda bool
	Raw   string
}

// frameworks are the packages the GPU rules know.
var mlFrameworks = map[string]bool{
	"torch": true, "tensorflow": true, "tensorflow-gpu": true, "tensorflow-cpu": true, "jax": true,
}

// pipInstallWords returns the words after the subcommand of a pip (or uv
// pip) command that resolves packages: install, and wheel and download,
// which fetch the same wheels for a later install (flags included). ok is
// false for any other command.
func pipInstallWords(cmd *dockerfile.Command) ([]string, bool) {
	in, ok := parsePip(cmd) // what counts as a pip install is decided there
	if !ok {
		return nil, false
	}
	args := cmd.Args
	if in.UV {
		args = args[1:]
	}
	return args[slices.Index(args, in.Sub)+1:], true
}

// pipSpecs returns the requirement specifiers a pip install command names
// on its command line (files given with -r are read by frameworkPins).
func pipSpecs(args []string) []pipSpec {
	var out []pipSpec
	for _, a := range positionals(args, pipValueFlags) {
		if r, ok := parsePipSpec(a); ok {
			out = append(out, r)
		}
	}
	return out
}

// indexVariant returns the PyTorch CUDA variant of the index URLs a pip
// command uses, "" when none.
func indexVariant(cmd *dockerfile.Command, args []string) string {
	c := &dockerfile.Command{Name: cmd.Name, Args: args}
	for _, u := range c.FlagValues("--index-url", "-i", "--extra-index-url", "-f", "--find-links", "--index", "--default-index") {
		if v, ok := cuda.VariantFromIndexURL(u); ok {
			return v
		}
	}
	for _, key := range []string{"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_INDEX"} {
		if u, ok := cmd.EnvValue(key); ok {
			for _, f := range strings.Fields(u) {
				if v, ok := cuda.VariantFromIndexURL(f); ok {
					return v
				}
			}
		}
	}
	return ""
}

// frameworkPins returns the ML frameworks that pip installs in the RUN
// instructions of the Dockerfile: named on the command line, or in a
// requirements file (-r, includes followed) found in the build context.
func frameworkPins(c *Context) []frameworkPin {
	var out []frameworkPin
	for _, s := range c.File.Stages {
		Runs([]*dockerfile.Stage{s}, func(in *dockerfile.Instruction, cmd *dockerfile.Command) {
			if p, ok := condaTorch(s, in, cmd); ok {
				out = append(out, p)
				return
			}
			args, ok := pipInstallWords(cmd)
			if !ok {
				return
			}
			env := s.Env(in)
			for _, kv := range in.Run.Exports {
				env[kv.Key] = kv.Value
			}
			for _, kv := range cmd.Env {
				env[kv.Key] = kv.Value
			}
			args = expandWords(args, env)
			variant := indexVariant(cmd, args)
			if variant == "" {
				for _, key := range []string{"PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL"} {
					for _, f := range strings.Fields(env[key]) {
						if v, ok := cuda.VariantFromIndexURL(f); ok && variant == "" {
							variant = v
						}
					}
				}
			}
			add := func(r pipSpec, file string, line int, fileVariant string) {
				if !mlFrameworks[r.Name] {
					return
				}
				p := frameworkPin{Stage: s, In: in, Req: r, IndexVariant: variant, ReqFile: file, ReqLine: line}
				if p.IndexVariant == "" {
					p.IndexVariant = fileVariant
				}
				if v, local, ok := r.exactVersion(); ok {
					p.Version, p.Local = v, local
				}
				out = append(out, p)
			}
			for _, r := range pipSpecs(args) {
				add(r, "", 0, "")
			}
			if c.BuildContext == nil {
				return
			}
			sub := &dockerfile.Command{Name: cmd.Name, Args: args}
			for _, rf := range sub.FlagValues("-r", "--requirement") {
				local, ok := contextFile(c, in, rf)
				if !ok {
					continue
				}
				rs, err := c.ReadRequirements(local)
				if err != nil {
					continue
				}
				fileVariant := requirementsIndexVariant(rs.Files)
				for _, r := range rs.Requirements {
					if r.URL != "" {
						continue
					}
					rel := r.File
					if x, err := filepath.Rel(c.BuildContext.Dir, r.File); err == nil {
						rel = filepath.ToSlash(x)
					}
					add(specOf(r), rel, r.Line, fileVariant)
				}
			}
		})
	}
	return out
}

// requirementsIndexVariant returns the PyTorch CUDA variant of an
// --index-url / --extra-index-url / --find-links line in requirements files.
func requirementsIndexVariant(files []string) string {
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n") {
			fields := strings.Fields(strings.ReplaceAll(line, "=", " "))
			for i := 0; i+1 < len(fields); i++ {
				switch fields[i] {
				case "--index-url", "-i", "--extra-index-url", "--find-links", "-f":
					if v, ok := cuda.VariantFromIndexURL(fields[i+1]); ok {
						return v
					}
				}
			}
		}
	}
	return ""
}

// Variant returns the PyTorch wheel variant the pin installs: the +cuXXX
// local version, else the index URL's variant; "" when neither says.
func (p frameworkPin) Variant() string {
	if _, ok := cuda.ParseVariant(p.Local); ok {
		return p.Local
	}
	if p.Local == "" {
		return p.IndexVariant
	}
	return "" // +cpu, +rocm6.2
}

// Spec writes the pin as the user wrote it ("torch==2.3.1+cu121"), with
// the requirements file line it comes from.
func (p frameworkPin) Spec() string {
	if p.Raw != "" {
		return p.Raw
	}
	s := p.Req.Name
	if len(p.Req.Extras) > 0 {
		s += "[" + strings.Join(p.Req.Extras, ",") + "]"
	}
	s += p.Req.Op + p.Req.Version
	if p.ReqFile != "" {
		s += fmt.Sprintf(" (%s:%d)", p.ReqFile, p.ReqLine)
	}
	return s
}

// consumerImages returns the nvidia/cuda images a framework installed in
// stage s runs on: s's own, and that of every shipping stage that copies
// files from s (COPY --from), since a virtualenv built in a builder runs in
// the final image.
func consumerImages(f *dockerfile.File, s *dockerfile.Stage) []*dockerfile.Stage {
	out := []*dockerfile.Stage{s}
	for _, t := range f.Stages {
		if t == s || !t.Shipping {
			continue
		}
		for _, in := range t.Instructions {
			if in.Copy != nil && in.Copy.FromStage == s {
				out = append(out, t)
				break
			}
		}
	}
	return out
}

// stageID names a stage in messages after the word "stage": its AS name,
// or its index.
func stageID(s *dockerfile.Stage) string {
	if s.Name != "" {
		return s.Name
	}
	return strconv.Itoa(s.Index)
}

// uniqueFindings drops repeated findings (same line and message): a pin
// checked against several stages' images can say the same thing twice.
func uniqueFindings(fs []finding.Finding) []finding.Finding {
	seen := map[string]bool{}
	out := fs[:0]
	for _, f := range fs {
		key := fmt.Sprint(f.Line, "\x00", f.Message)
		if !seen[key] {
			seen[key] = true
			out = append(out, f)
		}
	}
	return out
}

// expandWords substitutes $VAR, ${VAR} and ${VAR:-default} in words from
// env (ARG defaults, ENV, exports), so that "torch==${TORCH}" with ARG
// TORCH=2.3.1 reads as a pin. Unknown variables stay as written.
func expandWords(words []string, env map[string]string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		if !strings.Contains(w, "$") {
			out[i] = w
			continue
		}
		out[i] = os.Expand(w, func(name string) string {
			key, def, hasDef := strings.Cut(name, ":-")
			if v, ok := env[key]; ok && (v != "" || !hasDef) {
				return v
			}
			if hasDef {
				return def
			}
			if strings.ContainsAny(name, ":-") {
				return "${" + name + "}"
			}
			return "$" + name
		})
	}
	return out
}

// condaTorch reads `conda install pytorch=2.1.0 pytorch-cuda=12.1 -c pytorch
// -c nvidia` (also cudatoolkit=11.3, mamba, micromamba) as a PyTorch pin
// with the CUDA variant of that build.
func condaTorch(s *dockerfile.Stage, in *dockerfile.Instruction, cmd *dockerfile.Command) (frameworkPin, bool) {
	if !cmd.Is("conda", "mamba", "micromamba") || !isPkgInstall(cmd) {
		return frameworkPin{}, false
	}
	var torch, cudaSpec string
	var version cuda.Version
	var variant string
	for _, p := range pkgInstallNames(cmd) {
		name, ver := splitCondaSpec(p)
		switch name {
		case "pytorch":
			torch = p
			if v, ok := versionPrefix(ver); ok && ver != "" {
				version = v
			}
		case "pytorch-cuda", "cudatoolkit", "cuda-version":
			if v, ok := versionPrefix(ver); ok && v.Parts >= 2 {
				cudaSpec, variant = p, cuda.CUDAPart(v)
			}
		}
	}
	if torch == "" || variant == "" {
		return frameworkPin{}, false
	}
	return frameworkPin{
		Stage: s, In: in, Req: pipSpec{Name: "torch"}, Version: version, Local: variant,
		Conda: true, Raw: cmd.Name + " install " + torch + " " + cudaSpec,
	}, true
}

// splitCondaSpec splits "pytorch==2.1.0", "pytorch=2.1", "conda-forge::pytorch"
// into name and version.
func splitCondaSpec(p string) (name, version string) {
	p = strings.Trim(p, `"'`)
	if i := strings.LastIndex(p, "::"); i >= 0 {
		p = p[i+2:]
	}
	i := strings.IndexAny(p, "=<>!~ ")
	if i < 0 {
		return strings.ToLower(p), ""
	}
	return strings.ToLower(p[:i]), strings.TrimLeft(p[i:], "=<>!~ ")
}

// tensorFlowImage names the nvidia/cuda image to suggest for a TensorFlow
// release that loads CUDA and cuDNN from the system: the cuDNN sibling of
// img when it has TensorFlow's CUDA major (at least the tested minor) and
// cuDNN major, else the newest published image of the tested CUDA minor and
// cuDNN major (on img's OS where one exists), in img's flavor (runtime for
// base). ok is false when NVIDIA publishes no such image (TensorFlow 2.16:
// CUDA 12.3 came only with cuDNN 9).
func tensorFlowImage(db *cuda.DB, rel cuda.TensorFlowRelease, img cuda.Image) (string, bool) {
	flavor := img.Flavor
	if flavor != cuda.FlavorDevel {
		flavor = cuda.FlavorRuntime
	}
	if sib := img.WithCuDNN(); sib.CUDA.Major == rel.CUDA.Major && sib.CUDA.MajorMinor().Compare(rel.CUDA.MajorMinor()) >= 0 && sib.CuDNNMajor == rel.CuDNN.Major {
		return sib.WithFlavor(flavor).Reference(), true
	}
	if pub, ok := db.CuDNNImage(rel.CUDA, rel.CuDNN.Major, img.OS, img.OSVersion); ok {
		pub.Repository = img.Repository
		return pub.WithFlavor(flavor).Reference(), true
	}
	return "", false
}

// tensorFlowFix says what to do about a TensorFlow release on img: use the
// image tensorFlowImage finds, or else the [and-cuda] extra.
func tensorFlowFix(db *cuda.DB, p frameworkPin, rel cuda.TensorFlowRelease, img cuda.Image) string {
	if ref, ok := tensorFlowImage(db, rel, img); ok {
		return "use " + ref + ", or install tensorflow[and-cuda], which brings CUDA and cuDNN from pip"
	}
	return fmt.Sprintf("NVIDIA publishes no nvidia/cuda image with CUDA %s and cuDNN %d, so install tensorflow[and-cuda]==%s, which brings them from pip",
		rel.CUDA, rel.CuDNN.Major, p.Req.Version)
}
