package rules

import (
	"slices"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL501 is a compiler or another build-only package installed in a shipping
// stage: it is needed to build wheels or binaries, not to run them, and it
// ships in the image. Build in a builder stage and copy the result.
type PL501 struct{}

func (PL501) Meta() Meta {
	return Meta{ID: "PL501", Severity: finding.Warning, Shipping: true,
		Summary: "compilers or build-only packages (build-essential, gcc, cmake, *-dev, git, ...) installed in a shipping stage"}
}

// buildOnlyExact are package names that only building needs, across apt,
// apk, yum/dnf and conda.
var buildOnlyExact = map[string]bool{
	"build-essential": true, "build-base": true, "alpine-sdk": true, "gcc": true, "g++": true, "gcc-c++": true,
	"gxx": true, "cc": true, "clang": true, "llvm": true, "make": true, "cmake": true, "ninja-build": true, "ninja": true,
	"autoconf": true, "automake": true, "libtool": true, "pkg-config": true, "pkgconf": true, "pkgconfig": true,
	"git": true, "gfortran": true, "gcc-gfortran": true, "bison": true, "flex": true, "swig": true,
	"linux-headers": true, "kernel-headers": true, "musl-dev": true, "compilers": true, "cxx-compiler": true,
	"c-compiler": true, "fortran-compiler": true, "gcc_linux-64": true, "gxx_linux-64": true, "cuda-nvcc": true,
	"cuda-toolkit": true,
}

// buildOnlyPrefix are name prefixes of build-only packages ("gcc-12",
// "cuda-nvcc-12-4", "cuda-toolkit-12-4").
var buildOnlyPrefix = []string{"gcc-", "g++-", "clang-", "cpp-", "cuda-nvcc-", "cuda-toolkit-", "cuda-libraries-dev-", "cuda-cudart-dev-"}

// isBuildOnly reports whether a package is a compiler, build tool, VCS or
// development (header) package.
func isBuildOnly(pkg string) bool {
	p := strings.ToLower(pkg)
	if i := strings.IndexAny(p, "=<>"); i > 0 { // conda specs: gcc=12
		p = p[:i]
	}
	if i := strings.LastIndex(p, "::"); i >= 0 { // conda channel::name
		p = p[i+2:]
	}
	if strings.HasSuffix(p, ":amd64") || strings.HasSuffix(p, ":arm64") {
		p = p[:strings.LastIndex(p, ":")]
	}
	if buildOnlyExact[p] {
		return true
	}
	for _, pre := range buildOnlyPrefix {
		if !strings.HasPrefix(p, pre) {
			continue
		}
		switch pre {
		case "gcc-", "g++-", "clang-", "cpp-":
			// gcc-12, g++-12, clang-17; not gcc-12-base (a runtime library)
			if isNumeric(strings.TrimPrefix(p, pre)) {
				return true
			}
		default:
			return true
		}
	}
	// Debian/Ubuntu and Alpine development packages: libpq-dev, python3-dev,
	// libcudnn9-dev-cuda-12; RPM: openssl-devel.
	return strings.HasSuffix(p, "-dev") || strings.HasSuffix(p, "-devel") || strings.Contains(p, "-dev-")
}

func (PL501) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.ShippingStages() {
		for _, in := range s.Instructions {
			if in.Run == nil {
				continue
			}
			var found []string
			var first *dockerfile.Command // the command that installs the first of them
			removed := removedInRun(in.Run)
			for _, cmd := range in.Run.Commands {
				if !isPkgInstall(cmd) {
					continue
				}
				if cmd.Is("apk") && virtualGroupRemoved(cmd, removed) {
					continue // apk add --virtual .build-deps ... && apk del .build-deps
				}
				for _, p := range pkgInstallNames(cmd) {
					if isBuildOnly(p) && !removed[p] && !slices.Contains(found, p) {
						found = append(found, p)
						if first == nil {
							first = cmd
						}
					}
				}
			}
			if len(found) == 0 {
				continue
			}
			out = append(out, c.ReportCommand("PL501", in, first,
				"stage %s ships and this RUN installs build-only packages (%s): they stay in the image (often 100-300 MB); build in a separate stage and COPY --from only the result, or remove them in the same RUN",
				stageID(s), strings.Join(found, ", ")))
		}
	}
	return out
}

// virtualGroupRemoved reports whether an apk add --virtual NAME installs
// into a group that the same RUN deletes (apk del NAME).
func virtualGroupRemoved(cmd *dockerfile.Command, removed map[string]bool) bool {
	groups := cmd.FlagValues("--virtual", "-t")
	for _, g := range groups {
		if !removed[strings.ToLower(g)] {
			return false
		}
	}
	return len(groups) > 0
}

// removedInRun returns the packages (and apk virtual groups) that a RUN
// removes again: apt-get purge/remove, apk del, yum/dnf remove, conda remove.
func removedInRun(r *dockerfile.Run) map[string]bool {
	removed := map[string]bool{}
	for _, cmd := range r.Commands {
		sub, words := pkgWords(cmd)
		switch sub {
		case "purge", "remove", "del", "erase", "autoremove", "uninstall":
			for _, w := range words {
				removed[strings.ToLower(w)] = true
			}
		}
	}
	return removed
}
