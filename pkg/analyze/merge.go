package analyze

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"
)

// This file is the true (OCI) layer merge: what the image's filesystem is
// after every layer is applied, and every file version that a squash would
// drop. It is linear in the number of entries: whiteouts and opaque markers
// detach a subtree once, and each dropped version is recorded once.

// Why a file version is not in the final filesystem.
const (
	reasonDeleted     = "deleted"     // removed by a whiteout or an opaque directory
	reasonOverwritten = "overwritten" // replaced by different contents or a different type
	reasonReadded     = "readded"     // replaced by identical contents (same size and hash)
)

type fnode struct {
	name     string
	parent   *fnode
	children map[string]*fnode
	kind     EntryKind
	size     int64
	hash     uint64
	link     string
	layer    int // layer that added this version; -1 for an implicit directory
	gone     bool
	// owner is, for a hardlink, the regular file whose contents it
	// shares; links are, for a regular file, the hardlinks to it.
	owner *fnode
	links []*fnode
}

func (n *fnode) isDir() bool { return n.kind == KindDir }

func (n *fnode) fullPath() string {
	var parts []string
	for cur := n; cur.parent != nil; cur = cur.parent {
		parts = append(parts, cur.name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return "/" + strings.Join(parts, "/")
}

// deadFile is one file version a squash would drop.
type deadFile struct {
	path     string
	size     int64
	layer    int // layer that added it
	killedBy int // layer that removed or replaced it
	reason   string
}

type fsTree struct {
	root  *fnode
	dead  []deadFile
	total int64 // bytes of every regular file version in every layer
}

func newFSTree() *fsTree {
	return &fsTree{root: &fnode{kind: KindDir, layer: -1}}
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" || p == "." {
		return nil
	}
	return strings.Split(p, "/")
}

func (t *fsTree) lookup(p string) *fnode {
	n := t.root
	for _, c := range splitPath(p) {
		if n.children == nil {
			return nil
		}
		n = n.children[c]
		if n == nil {
			return nil
		}
	}
	return n
}

// kill records every regular file under n (n included) as dead and detaches
// n from its parent. A file whose contents a surviving hardlink still
// shares is not dead: that hardlink becomes the file.
func (t *fsTree) kill(n *fnode, layer int, reason string) {
	type victim struct {
		n *fnode
		p string
	}
	var files []victim
	var walk func(n *fnode, p string)
	walk = func(n *fnode, p string) {
		n.gone = true
		if n.kind == KindFile && n.size > 0 {
			files = append(files, victim{n, p})
		}
		for name, c := range n.children {
			walk(c, p+"/"+name)
		}
	}
	walk(n, n.fullPath())
	if n.parent != nil {
		delete(n.parent.children, n.name)
	}
	for _, v := range files {
		if v.n.heir() != nil {
			continue
		}
		t.dead = append(t.dead, deadFile{path: v.p, size: v.n.size, layer: v.n.layer, killedBy: layer, reason: reason})
	}
}

// heir hands a dying file's contents to one of its surviving hardlinks
// and returns it (nil when none survives).
func (n *fnode) heir() *fnode {
	var live []*fnode
	for _, l := range n.links {
		if !l.gone && l.owner == n {
			live = append(live, l)
		}
	}
	if len(live) == 0 {
		return nil
	}
	h := live[0]
	h.kind, h.size, h.hash, h.layer, h.owner = KindFile, n.size, n.hash, n.layer, nil
	h.links = live[1:]
	for _, l := range h.links {
		l.owner = h
	}
	n.links = nil
	return h
}

func (n *fnode) child(name string) *fnode {
	if n.children == nil {
		return nil
	}
	return n.children[name]
}

func (n *fnode) attach(c *fnode) {
	if n.children == nil {
		n.children = make(map[string]*fnode)
	}
	c.parent = n
	n.children[c.name] = c
}

// apply merges one layer into the tree.
func (t *fsTree) apply(layer int, idx *LayerIndex, label string) error {
	// Whiteouts and opaque markers act on the lower layers only: resolve
	// them all against the state before this layer, then add the entries.
	var targets []*fnode
	var opaque []string
	for i := range idx.Entries {
		e := &idx.Entries[i]
		switch e.Kind {
		case KindWhiteout:
			dir, base := path.Split(e.Path)
			target := dir + strings.TrimPrefix(base, whiteoutPrefix)
			n := t.lookup(target)
			if n == nil || n == t.root {
				return &LayerError{Layer: label, Entry: e.Path, Err: fmt.Errorf("whiteout for /%s, which no lower layer has", target)}
			}
			targets = append(targets, n)
		case KindOpaque:
			opaque = append(opaque, path.Dir(e.Path))
		}
	}
	for _, n := range targets {
		if !n.gone {
			t.kill(n, layer, reasonDeleted)
		}
	}
	for _, d := range opaque {
		n := t.lookup(d)
		if n == nil || !n.isDir() {
			continue
		}
		for _, c := range n.children {
			t.kill(c, layer, reasonDeleted)
		}
	}
	for i := range idx.Entries {
		e := &idx.Entries[i]
		switch e.Kind {
		case KindWhiteout, KindOpaque, KindMeta:
			continue
		}
		if err := t.add(layer, e); err != nil {
			return &LayerError{Layer: label, Entry: e.Path, Err: err}
		}
	}
	return nil
}

func (t *fsTree) add(layer int, e *Entry) error {
	if e.Kind == KindFile {
		t.total += e.Size
	}
	p := strings.Trim(e.Path, "/")
	if p == "" || p == "." {
		return fmt.Errorf("entry names the root")
	}
	dir, name := "", p
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		dir, name = p[:i], p[i+1:]
	}
	parent := t.root
	for rest, more := dir, dir != ""; more; {
		var c string
		c, rest, more = strings.Cut(rest, "/")
		n := parent.child(c)
		if n != nil && !n.isDir() {
			// A file or symlink where a directory is needed: extraction
			// replaces it with a directory.
			t.kill(n, layer, reasonOverwritten)
			n = nil
		}
		if n == nil {
			n = &fnode{name: c, kind: KindDir, layer: -1}
			parent.attach(n)
		}
		parent = n
	}
	var owner *fnode
	if e.Kind == KindHardlink {
		target := path.Clean(strings.TrimPrefix(e.Link, "/"))
		tn := t.lookup(target)
		if tn == nil {
			return fmt.Errorf("hardlink target /%s does not exist", target)
		}
		switch tn.kind {
		case KindDir:
			return fmt.Errorf("hardlink to directory /%s", target)
		case KindFile:
			owner = tn
		case KindHardlink:
			owner = tn.owner
		}
	}
	old := parent.child(name)
	if old != nil {
		if old.isDir() && e.Kind == KindDir {
			old.layer = layer
			return nil
		}
		reason := reasonOverwritten
		if old.kind == KindFile && e.Kind == KindFile && old.size == e.Size && old.hash == e.Hash {
			reason = reasonReadded
		}
		t.kill(old, layer, reason)
	}
	n := &fnode{name: name, kind: e.Kind, size: e.Size, hash: e.Hash, link: e.Link, layer: layer, owner: owner}
	if owner != nil {
		if owner.gone {
			// Replacing a file by a hardlink to itself: nothing to share.
			n.owner = nil
		} else {
			owner.links = append(owner.links, n)
		}
	}
	parent.attach(n)
	return nil
}

// checkSymlinks fails on a symlink chain that comes back to itself. It
// follows each chain once, iteratively (a hostile layer may hold a chain of
// a million links), and names the loop's members only when it finds one.
func (t *fsTree) checkSymlinks() error {
	state := make(map[*fnode]uint8) // 1 on the chain being followed, 2 done
	var chain []*fnode
	follow := func(start *fnode) error {
		chain = chain[:0]
		for cur := start; cur != nil && cur.kind == KindSymlink && state[cur] != 2; {
			if state[cur] == 1 {
				i := slices.Index(chain, cur)
				var names []string
				for _, n := range append(chain[i:], cur) {
					names = append(names, n.fullPath())
				}
				return fmt.Errorf("symlink loop: %s", strings.Join(names, " -> "))
			}
			state[cur] = 1
			chain = append(chain, cur)
			target := cur.link
			if !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(cur.fullPath()), target)
			}
			cur = t.lookup(path.Clean("/" + target))
		}
		for _, n := range chain {
			state[n] = 2
		}
		return nil
	}
	var walk func(n *fnode) error
	walk = func(n *fnode) error {
		if n.kind == KindSymlink && state[n] == 0 {
			if err := follow(n); err != nil {
				return err
			}
		}
		for _, c := range n.children {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	return walk(t.root)
}

// liveFile is one regular file of the final filesystem.
type liveFile struct {
	path  string
	size  int64
	hash  uint64
	layer int
}

// liveFiles lists the final regular files, sorted by path.
func (t *fsTree) liveFiles() (files []liveFile, entries int) {
	var walk func(n *fnode, p string)
	walk = func(n *fnode, p string) {
		if n != t.root {
			entries++
		}
		if n.kind == KindFile {
			files = append(files, liveFile{path: p, size: n.size, hash: n.hash, layer: n.layer})
		}
		for name, c := range n.children {
			walk(c, p+"/"+name)
		}
	}
	walk(t.root, "")
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	return files, entries
}

// dirSizes sums the regular files under every directory down to depth.
func (t *fsTree) dirSizes(depth int) []DirSize {
	if depth < 0 {
		return nil
	}
	var out []DirSize
	var walk func(n *fnode, p string, d int) (int64, int)
	walk = func(n *fnode, p string, d int) (int64, int) {
		var size int64
		var files int
		if n.kind == KindFile {
			return n.size, 1
		}
		for name, c := range n.children {
			s, f := walk(c, p+"/"+name, d+1)
			size += s
			files += f
		}
		if n.isDir() && d >= 1 && d <= depth {
			out = append(out, DirSize{Path: p, SizeBytes: size, Files: files})
		}
		return size, files
	}
	walk(t.root, "", 0)
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}
