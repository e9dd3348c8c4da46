package rules

import (
	"path"
	"strings"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL207 is another package manager's cache left in a shipping stage's
// layer: conda/mamba install without conda clean, apk add without
// --no-cache, yum/dnf install without yum/dnf clean, uv sync / uv pip
// install without --no-cache (UV_NO_CACHE), poetry install without
// --no-cache or removing $POETRY_CACHE_DIR, npm install without npm cache
// clean (and yarn without yarn cache clean). A cache mount over the cache
// folder, or removing the folder in the same RUN, also counts.
type PL207 struct{}

func (PL207) Meta() Meta {
	return Meta{ID: "PL207", Severity: finding.Warning, Shipping: true,
		Summary: "a package manager's cache (conda, apk, yum/dnf, uv, poetry, npm, yarn) left in the layer"}
}

// pmCache describes one package manager's install commands and how its
// cache is cleaned.
type pmCache struct {
	name    string
	install func(*dockerfile.Command) bool
	clean   func(*dockerfile.Command) bool
	dirs    []string // cache folders: removed or cache-mounted is fine
	// dirEnv names the variable that moves the cache folder, noCacheEnv
	// the one that turns the cache off ("" when there is none).
	dirEnv, noCacheEnv string
	fix                string
}

var pmCaches = []pmCache{
	{
		name: "conda",
		install: func(c *dockerfile.Command) bool {
			if !c.Is("conda", "mamba", "micromamba") {
				return false
			}
			pos := positionals(c.Args, condaValueFlags)
			if len(pos) == 0 {
				return false
			}
			return pos[0] == "install" || pos[0] == "create" || pos[0] == "update" ||
				(pos[0] == "env" && len(pos) > 1 && (pos[1] == "create" || pos[1] == "update"))
		},
		clean: func(c *dockerfile.Command) bool {
			return c.Is("conda", "mamba", "micromamba") && c.Subcommand() == "clean"
		},
		dirs:   []string{"/opt/conda/pkgs", "/root/.conda/pkgs", "/root/micromamba/pkgs", "/opt/conda/envs/.pkgs"},
		dirEnv: "CONDA_PKGS_DIRS",
		fix:    "add && conda clean -afy (or mount a cache at /opt/conda/pkgs)",
	},
	{
		name: "apk",
		install: func(c *dockerfile.Command) bool {
			return c.Is("apk") && c.Subcommand() == "add" && !c.HasFlag("--no-cache")
		},
		clean: func(c *dockerfile.Command) bool {
			return c.Is("apk") && c.Subcommand() == "cache" && c.HasFlag("clean", "purge")
		},
		dirs: []string{"/var/cache/apk"},
		fix:  "use apk add --no-cache",
	},
	{
		name: "yum/dnf",
		install: func(c *dockerfile.Command) bool {
			if !c.Is("yum", "dnf", "microdnf", "tdnf") {
				return false
			}
			switch c.Subcommand() {
			case "install", "update", "upgrade", "groupinstall", "reinstall":
				return true
			}
			return false
		},
		clean: func(c *dockerfile.Command) bool {
			return c.Is("yum", "dnf", "microdnf", "tdnf") && c.Subcommand() == "clean"
		},
		dirs: []string{"/var/cache/yum", "/var/cache/dnf"},
		fix:  "add && yum clean all (dnf clean all) && rm -rf /var/cache/yum /var/cache/dnf",
	},
	{
		name:    "uv",
		install: uvInstalls,
		clean: func(c *dockerfile.Command) bool {
			pos := positionals(c.Args, nil)
			return c.Is("uv") && len(pos) > 1 && pos[0] == "cache" && (pos[1] == "clean" || pos[1] == "prune")
		},
		dirs:       []string{"/root/.cache/uv"},
		dirEnv:     "UV_CACHE_DIR",
		noCacheEnv: "UV_NO_CACHE",
		fix:        "add --no-cache (or set UV_NO_CACHE=1, or mount a cache at /root/.cache/uv)",
	},
	{
		name:    "poetry",
		install: poetryInstalls,
		clean: func(c *dockerfile.Command) bool {
			pos := positionals(c.Args, nil)
			return c.Is("poetry") && len(pos) > 1 && pos[0] == "cache" && pos[1] == "clear"
		},
		dirs:   []string{"/root/.cache/pypoetry"},
		dirEnv: "POETRY_CACHE_DIR",
		fix:    "set POETRY_CACHE_DIR and add && rm -rf $POETRY_CACHE_DIR (or mount a cache at /root/.cache/pypoetry)",
	},
	{
		name: "npm",
		install: func(c *dockerfile.Command) bool {
			if !c.Is("npm") {
				return false
			}
			switch c.Subcommand() {
			case "install", "i", "ci", "add", "update":
				return true
			}
			return false
		},
		clean: func(c *dockerfile.Command) bool {
			pos := positionals(c.Args, nil)
			return c.Is("npm") && len(pos) > 1 && pos[0] == "cache" && pos[1] == "clean"
		},
		dirs:   []string{"/root/.npm"},
		dirEnv: "npm_config_cache",
		fix:    "add && npm cache clean --force (or mount a cache at /root/.npm)",
	},
	{
		name: "yarn",
		install: func(c *dockerfile.Command) bool {
			if !c.Is("yarn") {
				return false
			}
			sub := c.Subcommand()
			return sub == "" || sub == "install" || sub == "add"
		},
		clean: func(c *dockerfile.Command) bool {
			pos := positionals(c.Args, nil)
			return c.Is("yarn") && len(pos) > 1 && pos[0] == "cache" && pos[1] == "clean"
		},
		dirs: []string{"/usr/local/share/.cache/yarn", "/root/.cache/yarn", "/root/.yarn/berry/cache"},
		fix:  "add && yarn cache clean (or mount a cache at /usr/local/share/.cache/yarn)",
	},
}

// uvInstalls reports whether a uv command installs packages into the
// image (uv sync, uv pip install/sync, uv tool install, uv add).
func uvInstalls(c *dockerfile.Command) bool {
	if !c.Is("uv") || c.HasFlag("--no-cache", "-n") {
		return false
	}
	pos := positionals(c.Args, pipValueFlags)
	sub := func(i int) string {
		if i < len(pos) {
			return pos[i]
		}
		return ""
	}
	switch sub(0) {
	case "sync", "add":
		return true
	case "pip":
		return sub(1) == "install" || sub(1) == "sync"
	case "tool":
		return sub(1) == "install"
	}
	return false
}

// poetryInstalls reports whether a poetry command installs packages into
// the image (install, sync, add) with its cache on.
func poetryInstalls(c *dockerfile.Command) bool {
	if !c.Is("poetry") || c.HasFlag("--no-cache") {
		return false
	}
	pos := positionals(c.Args, poetryValueFlags)
	return len(pos) > 0 && (pos[0] == "install" || pos[0] == "sync" || pos[0] == "add")
}

var poetryValueFlags = setOf("--only", "--with", "--without", "-E", "--extras", "-C", "--directory", "-P", "--project", "--group", "-G")

var condaValueFlags = setOf("-n", "--name", "-p", "--prefix", "-c", "--channel", "-f", "--file", "--override-channels")

func (PL207) Check(c *Context) []finding.Finding {
	var out []finding.Finding
	for _, s := range c.ShippingStages() {
		for _, in := range s.Instructions {
			if in.Run == nil {
				continue
			}
			for _, pm := range pmCaches {
				var first *dockerfile.Command
				cleaned := false
				for _, cmd := range in.Run.Commands {
					if pm.install(cmd) && first == nil {
						first = cmd
					}
					if pm.clean(cmd) {
						cleaned = true
					}
				}
				if first == nil || cleaned || cacheGone(in, first, pm) {
					continue
				}
				out = append(out, c.ReportCommand("PL207", in, first, "%s leaves %s's package cache in this layer: %s", first.String(), pm.name, pm.fix))
			}
		}
	}
	return out
}

// cacheGone reports whether the RUN keeps pm's cache out of the layer: a
// cache mount over it, removing it, or the variables that disable or move
// it (the moved folder then mounted or removed, by path or as $VAR).
func cacheGone(in *dockerfile.Instruction, cmd *dockerfile.Command, pm pmCache) bool {
	if cacheMountAt(in, pm.dirs...) {
		return true
	}
	for _, d := range pm.dirs {
		if removes(in, d) {
			return true
		}
	}
	if pm.noCacheEnv != "" {
		if _, ok := envSet(in, cmd, pm.noCacheEnv); ok {
			return true
		}
	}
	if pm.dirEnv == "" {
		return false
	}
	if v, ok := envSet(in, cmd, pm.dirEnv); ok && path.IsAbs(v) && (cacheMountAt(in, v) || removes(in, v)) {
		return true
	}
	for _, d := range deletedVars(in) {
		if d == pm.dirEnv {
			return true
		}
	}
	return false
}

// deletedVars returns the variables whose folder a RUN deletes by name:
// "rm -rf $POETRY_CACHE_DIR" or "${X}/*" gives POETRY_CACHE_DIR, X.
func deletedVars(in *dockerfile.Instruction) []string {
	var out []string
	for _, cmd := range in.Run.Commands {
		if !cmd.Is("rm") {
			continue
		}
		for _, t := range positionals(cmd.Args, nil) {
			t = strings.TrimSuffix(strings.TrimSuffix(t, "*"), "/")
			if v, ok := strings.CutPrefix(t, "$"); ok {
				v = strings.TrimSuffix(strings.TrimPrefix(v, "{"), "}")
				out = append(out, v)
			}
		}
	}
	return out
}
