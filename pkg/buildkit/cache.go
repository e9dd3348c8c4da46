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

// fillGHA fills what the gha cache needs from the GitHub runtime, with
// buildx's defaults: url from $ACTIONS_CACHE_URL (else
// $ACTIONS_RESULTS_URL), url_v2 from $ACTIONS_RESULTS_URL, token from
// $ACTIONS_RUNTIME_TOKEN, and version=2 when $ACTIONS_CACHE_SERVICE_V2 is
// true. Values the user gave are kept.
func fillGHA(attrs map[string]string, getenv func(string) string) {
	set := func(key string, envs ...string) {
		if _, ok := attrs[key]; ok {
			return
		}
		for _, env := range envs {
			if v := getenv(env); v != "" {
				attrs[key] = v
				return
			}
		}
	}
	if b, err := strconv.ParseBool(getenv("ACTIONS_CACHE_SERVICE_V2")); err == nil && b {
		if _, ok := attrs["version"]; !ok {
			attrs["version"] = "2"
		}
	}
	set("token", "ACTIONS_RUNTIME_TOKEN")
	set("url", "ACTIONS_CACHE_URL", "ACTIONS_RESULTS_URL")
	set("url_v2", "ACTIONS_RESULTS_URL")
}
