package rules

import (
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
)

// trusted reports whether img comes from one of the trusted registries
// (a host, "registry.internal", or a host/path prefix, "ghcr.io/acme").
func trusted(registries []string, img dockerfile.Image) bool {
	for _, r := range registries {
		r = strings.TrimSuffix(strings.ToLower(r), "/")
		if r == "" {
			continue
		}
		if img.Registry == r || strings.HasPrefix(img.FullName, r+"/") {
			return true
		}
	}
	return false
}

// positionals returns a command's positional words (the subcommand first),
// skipping flags and the values of flags in valueFlags ("-r file",
// "--index-url URL"); flags written "--flag=value" or "-rfile" carry their
// value. Everything after "--" is positional.
func positionals(args []string, valueFlags map[string]bool) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			out = append(out, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			if valueFlags[a] && i+1 < len(args) {
				i++
			}
			continue
		}
		out = append(out, a)
	}
	return out
}

var pipValueFlags = setOf("-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-t", "--target",
	"--platform", "--python-version", "--implementation", "--abi", "--root", "--prefix", "--src",
	"--upgrade-strategy", "-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--no-binary",
	"--only-binary", "--progress-bar", "--log", "--cache-dir", "--proxy", "--timeout", "--retries",
	"--trusted-host", "--cert", "--client-cert", "--exists-action", "--global-option", "--install-option",
	"-C", "--config-settings", "--report", "--python", "--keyring-provider", "--root-user-action",
	"--use-feature", "--use-deprecated", "--group", "--log-file", "--local-log")

var aptValueFlags = setOf("-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file")

func setOf(xs ...string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

// isPip reports whether cmd runs pip (pip, pip3, pip3.11, python -m pip).
func isPip(cmd *dockerfile.Command) bool {
	n := cmd.Name
	if !strings.HasPrefix(n, "pip") {
		return false
	}
	for _, r := range n[3:] {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

// pipInstall describes a pip command that resolves packages: pip (or uv
// pip) install, wheel or download.
type pipInstall struct {
	// Sub is the subcommand: "install", "wheel" or "download".
	Sub string
	// UV is true for `uv pip ...` (uv's own cache flags, not pip's).
	UV bool
	// Packages are the positional requirement words ("torch==2.1", ".").
	Packages []string
	// Requirements are -r files, Constraints -c files, as written.
	Requirements, Constraints []string
}

// parsePip returns what a pip install/wheel/download command resolves; ok
// is false for any other command.
func parsePip(cmd *dockerfile.Command) (pipInstall, bool) {
	var in pipInstall
	args := cmd.Args
	switch {
	case isPip(cmd):
	case cmd.Is("uv") && len(args) > 0 && args[0] == "pip":
		in.UV, args = true, args[1:]
	default:
		return pipInstall{}, false
	}
	pos := positionals(args, pipValueFlags)
	if len(pos) == 0 || pos[0] != "install" && pos[0] != "wheel" && pos[0] != "download" {
		return pipInstall{}, false
	}
	in.Sub, in.Packages = pos[0], pos[1:]
	in.Requirements = cmd.FlagValues("-r", "--requirement")
	in.Constraints = cmd.FlagValues("-c", "--constraint")
	return in, true
}

// parsePipInstall is parsePip for `pip install` and `uv pip install` only.
func parsePipInstall(cmd *dockerfile.Command) (pipInstall, bool) {
	in, ok := parsePip(cmd)
	if !ok || in.Sub != "install" {
		return pipInstall{}, false
	}
	return in, true
}

// isApt reports whether cmd is apt-get or apt.
func isApt(cmd *dockerfile.Command) bool { return cmd.Is("apt-get", "apt") }

// aptSub returns apt-get's subcommand and the words after it.
func aptSub(cmd *dockerfile.Command) (string, []string) {
	if !isApt(cmd) {
		return "", nil
	}
	pos := positionals(cmd.Args, aptValueFlags)
	if len(pos) == 0 {
		return "", nil
	}
	return pos[0], pos[1:]
}

// envSet reports whether a variable is set (non-empty) for cmd in RUN in:
// by ENV/ARG in the stage, by export in the RUN, or before the command.
func envSet(in *dockerfile.Instruction, cmd *dockerfile.Command, key string) (string, bool) {
	if cmd != nil {
		if v, ok := cmd.EnvValue(key); ok {
			return v, v != ""
		}
	}
	if in.Run != nil {
		if v, ok := in.Run.Export(key); ok {
			return v, v != ""
		}
	}
	if in.Stage != nil {
		if v, ok := in.Stage.Env(in)[key]; ok {
			return v, v != ""
		}
	}
	return "", false
}

// cacheMountAt returns the RUN's cache mount covering p (or one of its
// sub-folders, for a cache mount targeting a folder inside p), or nil.
func cacheMountAt(in *dockerfile.Instruction, paths ...string) bool {
	if in.Run == nil {
		return false
	}
	for _, m := range in.Run.Mounts {
		if m.Type != "cache" && m.Type != "tmpfs" {
			continue
		}
		t := cleanPath(m.Target)
		for _, p := range paths {
			p = cleanPath(p)
			if t == p || strings.HasPrefix(p, t+"/") || strings.HasPrefix(t, p+"/") {
				return true
			}
		}
	}
	return false
}

// cacheMountNamed reports whether the RUN has a cache mount whose target
// ends with one of suffixes ("/.cache/pip" for any user's home).
func cacheMountNamed(in *dockerfile.Instruction, suffixes ...string) bool {
	if in.Run == nil {
		return false
	}
	for _, m := range in.Run.Mounts {
		if m.Type != "cache" {
			continue
		}
		t := cleanPath(m.Target)
		for _, s := range suffixes {
			if strings.HasSuffix(t, s) {
				return true
			}
		}
	}
	return false
}

func cleanPath(p string) string {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "/"
	}
	return p
}

// hasCommand reports whether the RUN has a command matching fn.
func hasCommand(in *dockerfile.Instruction, fn func(*dockerfile.Command) bool) bool {
	if in.Run == nil {
		return false
	}
	for _, c := range in.Run.Commands {
		if fn(c) {
			return true
		}
	}
	return false
}

// removes reports whether the RUN deletes prefix, a path under it, or a
// folder above it (rm, or find PATH -delete).
func removes(in *dockerfile.Instruction, prefix string) bool {
	if in.Run == nil {
		return false
	}
	prefix = cleanPath(prefix)
	for _, d := range deletedPaths(in) {
		t := cleanPath(strings.TrimRight(d, "*"))
		if t == prefix || strings.HasPrefix(t, prefix+"/") || t != "/" && strings.HasPrefix(prefix, t+"/") {
			return true
		}
	}
	return false
}

// deletedPaths returns the image paths (maybe globs) that a RUN deletes
// with rm or find PATH -delete; paths with variables are left out.
func deletedPaths(in *dockerfile.Instruction) []string {
	var out []string
	for _, cmd := range in.Run.Commands {
		var targets []string
		switch {
		case cmd.Is("rm"):
			targets = positionals(cmd.Args, nil)
		case cmd.Is("find") && cmd.HasFlag("-delete"):
			if ps := positionals(cmd.Args, nil); len(ps) > 0 {
				targets = ps[:1]
			}
		}
		for _, t := range targets {
			if t != "" && !strings.Contains(t, "$") {
				out = append(out, imagePath(in, t))
			}
		}
	}
	return out
}
