package rules

import (
	"path"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
	"github.com/plimsoll/plimsoll/pkg/finding"
)

// PL207 is another package manager's cache left in a shipping stage's
// layer: conda/mamba install without conda clean, apk add without
// --no-cache, yum/dnf install without yum/dnf clean, npm install without
// npm cache clean (and yarn without yarn cache clean). A cache mount over
// the cache folder, or removing the folder in the same RUN, also counts.
type PL207 struct{}

func (PL207) Meta() Meta {
	return Meta{ID: "PL207", Severity: finding.Warning, Shipping: true,
		Summary: "a package manager's cache (conda, apk, yum/dnf, npm, yarn) left in the layer"}
}

// pmCache describes one package manager's install commands and how its
// cache is cleaned.
type pmCache struct {
	name    string
	install func(*dockerfile.Command) bool
	clean   func(*dockerfile.Command) bool
	dirs    []string // cache folders: removed or cache-mounted is fine
	fix     string
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
		dirs: []string{"/opt/conda/pkgs", "/root/.conda/pkgs", "/root/micromamba/pkgs", "/opt/conda/envs/.pkgs"},
		fix:  "add && conda clean -afy (or mount a cache at /opt/conda/pkgs)",
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
		dirs: []string{"/root/.npm"},
		fix:  "add && npm cache clean --force (or mount a cache at /root/.npm)",
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
				if first == nil || cleaned || cacheMountAt(in, pm.dirs...) {
					continue
				}
				gone := false
				for _, d := range pm.dirs {
					if removes(in, d) {
						gone = true
					}
				}
				if pm.name == "conda" {
					if v, ok := envSet(in, first, "CONDA_PKGS_DIRS"); ok && (cacheMountAt(in, v) || removes(in, v)) {
						gone = true
					}
				}
				if pm.name == "npm" {
					if v, ok := envSet(in, first, "npm_config_cache"); ok && path.IsAbs(v) && (cacheMountAt(in, v) || removes(in, v)) {
						gone = true
					}
				}
				if gone {
					continue
				}
				out = append(out, c.Report("PL207", in, "%s leaves %s's package cache in this layer: %s", first.String(), pm.name, pm.fix))
			}
		}
	}
	return out
}
