package analyze

import (
	"path"
	"sort"
	"strings"
)

// Waste categories. Dead versions (what a squash drops) are sorted by why
// they died; files still in the final filesystem by what they are. Every
// file is in at most one category, so the bytes add up.
const (
	CatDeleted     = "deleted-later"
	CatOverwritten = "overwritten"
	CatDuplicate   = "duplicates"
	CatPipCache    = "pip-cache"
	CatCondaCache  = "conda-cache"
	CatAptCache    = "apt-cache"
	CatAptLists    = "apt-lists"
	CatApkCache    = "apk-cache"
	CatPyCache     = "pycache"
	CatBuildTools  = "build-tools"
)

var categoryDescriptions = map[string]string{
	CatDeleted:     "files added in one layer and deleted (or hidden by an opaque directory) in a later one",
	CatOverwritten: "file versions replaced by a later layer",
	CatDuplicate:   "identical contents stored twice: re-added unchanged in a later layer, or at several paths",
	CatPipCache:    "pip's download/wheel cache (use --no-cache-dir or a cache mount)",
	CatCondaCache:  "conda package cache (conda clean -afy)",
	CatAptCache:    "apt's downloaded .deb files and package caches",
	CatAptLists:    "apt package lists (rm -rf /var/lib/apt/lists/* in the same RUN)",
	CatApkCache:    "apk cache (apk add --no-cache)",
	CatPyCache:     "Python bytecode caches (__pycache__, .pyc)",
	CatBuildTools:  "compilers and C headers left in the final image (use a multi-stage build)",
}

// categoryOrder is the order categories are reported in when bytes tie.
var categoryOrder = []string{CatDeleted, CatOverwritten, CatDuplicate, CatPipCache, CatCondaCache, CatAptCache, CatAptLists, CatApkCache, CatPyCache, CatBuildTools}

var compilerNames = map[string]bool{
	"gcc": true, "g++": true, "cc": true, "c++": true, "cpp": true, "cc1": true, "cc1plus": true,
	"clang": true, "clang++": true, "gfortran": true, "rustc": true, "as": true, "ld": true,
	"ld.bfd": true, "ld.gold": true, "collect2": true, "lto1": true, "nvcc": true,
}

// pathCategory classifies a live file by its path ("" when it is not waste).
func pathCategory(p string) string {
	p = strings.TrimPrefix(p, "/")
	switch {
	case strings.Contains(p, "/.cache/pip/") || strings.HasPrefix(p, ".cache/pip/") || strings.HasPrefix(p, "tmp/pip-"):
		return CatPipCache
	case strings.Contains(p, "conda/pkgs/") && !strings.HasSuffix(p, "/urls.txt") && !strings.HasSuffix(p, "/urls"):
		return CatCondaCache
	case strings.HasPrefix(p, "var/cache/apt/") && (strings.HasSuffix(p, ".deb") || strings.HasSuffix(p, ".bin")):
		return CatAptCache
	case strings.HasPrefix(p, "var/lib/apt/lists/") && !strings.HasSuffix(p, "/lock"):
		return CatAptLists
	case strings.HasPrefix(p, "var/cache/apk/") || strings.HasPrefix(p, "etc/apk/cache/"):
		return CatApkCache
	case strings.Contains(p, "/__pycache__/") || strings.HasPrefix(p, "__pycache__/") || strings.HasSuffix(p, ".pyc"):
		return CatPyCache
	}
	if strings.HasPrefix(p, "usr/include/") || strings.HasPrefix(p, "usr/local/include/") ||
		strings.HasPrefix(p, "usr/lib/gcc/") || strings.HasPrefix(p, "usr/libexec/gcc/") {
		return CatBuildTools
	}
	if dir, base := path.Split(p); dir == "usr/bin/" || dir == "usr/local/bin/" {
		name := base
		// gcc-12, x86_64-linux-gnu-gcc-12
		if i := strings.LastIndexByte(name, '-'); i > 0 && isVersion(name[i+1:]) {
			name = name[:i]
		}
		if i := strings.LastIndex(name, "-linux-gnu-"); i >= 0 {
			name = name[i+len("-linux-gnu-"):]
		}
		if compilerNames[name] {
			return CatBuildTools
		}
	}
	return ""
}

func isVersion(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}

type wasteItem struct {
	path  string
	bytes int64
	layer int
	dead  bool
}

// classify sorts dead versions and wasteful live files into categories.
func classify(dead []deadFile, live []liveFile, metas []layerMeta, top int) []WasteCategory {
	items := make(map[string][]wasteItem)
	for _, d := range dead {
		cat := CatOverwritten
		switch d.reason {
		case reasonDeleted:
			cat = CatDeleted
		case reasonReadded:
			cat = CatDuplicate
		}
		items[cat] = append(items[cat], wasteItem{d.path, d.size, d.layer, true})
	}
	// Live files: path categories first; then identical contents at
	// several paths (all copies but the first by path are waste).
	type key struct {
		size int64
		hash uint64
	}
	seen := make(map[key]bool)
	for _, f := range live {
		if f.size == 0 {
			continue
		}
		if cat := pathCategory(f.path); cat != "" {
			items[cat] = append(items[cat], wasteItem{f.path, f.size, f.layer, false})
			continue
		}
		k := key{f.size, f.hash}
		if seen[k] {
			items[CatDuplicate] = append(items[CatDuplicate], wasteItem{f.path, f.size, f.layer, false})
			continue
		}
		seen[k] = true
	}
	out := []WasteCategory{}
	for _, cat := range categoryOrder {
		list := items[cat]
		if len(list) == 0 {
			continue
		}
		c := WasteCategory{Category: cat, Description: categoryDescriptions[cat], Files: len(list)}
		byLayer := make(map[int]*WasteLayer)
		for _, it := range list {
			c.Bytes += it.bytes
			if it.dead {
				c.ReclaimableBytes += it.bytes
			}
			wl := byLayer[it.layer]
			if wl == nil {
				wl = &WasteLayer{Layer: it.layer, CreatedBy: metas[it.layer].createdBy}
				byLayer[it.layer] = wl
			}
			wl.Bytes += it.bytes
			wl.Files++
		}
		sort.SliceStable(list, func(i, j int) bool {
			if list[i].bytes != list[j].bytes {
				return list[i].bytes > list[j].bytes
			}
			return list[i].path < list[j].path
		})
		for i, it := range list {
			if i >= top {
				break
			}
			c.Top = append(c.Top, WastePath{Path: it.path, Bytes: it.bytes, Layer: it.layer, CreatedBy: metas[it.layer].createdBy})
		}
		for _, wl := range byLayer {
			c.Layers = append(c.Layers, *wl)
		}
		sort.Slice(c.Layers, func(i, j int) bool { return c.Layers[i].Layer < c.Layers[j].Layer })
		out = append(out, c)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Bytes > out[j].Bytes })
	return out
}
