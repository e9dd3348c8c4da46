package buildkit

import (
	"maps"
	"strconv"

	"github.com/moby/buildkit/client"

	"github.com/plimsoll/plimsoll/pkg/buildkit/buildflags"
)

// cacheEntries turns --cache-from/--cache-to into BuildKit's entries. For
// gha, the GitHub runtime variables fill url, url_v2 and token the way
// buildx does, and exports default to ignore-error=true so that a cache
// outage never fails a good build.
func cacheEntries(cs []buildflags.Cache, export bool, getenv func(string) string) []client.CacheOptionsEntry {
	out := make([]client.CacheOptionsEntry, 0, len(cs))
	for _, c := range cs {
		attrs := maps.Clone(c.Attrs)
		if attrs == nil {
			attrs = map[string]string{}
		}
		if c.Type == "gha" {
			fillGHA(attrs, getenv)
			if _, ok := attrs["ignore-error"]; !ok && export {
				attrs["ignore-error"] = "true"
			}
		}
		out = append(out, client.CacheOptionsEntry{Type: c.Type, Attrs: attrs})
	}
	return out
}

func fillGHA(attrs map[string]string, getenv func(string) string) {
	version := attrs["version"]
	if version == "" {
		if b, err := strconv.ParseBool(getenv("ACTIONS_CACHE_SERVICE_V2")); err == nil && b {
			version = "2"
		}
	}
	set := func(key, env string) {
		if _, ok := attrs[key]; ok {
			return
		}
		if v := getenv(env); v != "" {
			attrs[key] = v
		}
	}
	set("token", "ACTIONS_RUNTIME_TOKEN")
	if version == "2" {
		set("url_v2", "ACTIONS_RESULTS_URL")
	}
	set("url", "ACTIONS_CACHE_URL")
}
