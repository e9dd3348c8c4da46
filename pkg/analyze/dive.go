package analyze

import (
	"path"
	"sort"
	"strings"
)

// This file reproduces dive v0.13.1's efficiency metric exactly
// (dive/filetree/efficiency.go, file_tree.go, file_node.go), in linear time.
//
// What dive does, precisely:
//   - Each layer becomes a tree: every tar entry is added with AddPath
//     (path.Clean'd; intermediate nodes get an empty FileInfo; a component
//     starting with ".wh..wh.." stops the insertion, so opaque markers are
//     ignored).
//   - Layers are visited in order; within a layer, leaves only, depth-first,
//     children sorted by name. A leaf's path drops a ".wh." prefix.
//   - A non-whiteout leaf counts its tar size. A whiteout leaf counts the
//     sum of FileInfo.Size over the whole subtree at that path in the stack
//     of all lower layers, but only when that node is a directory (deleted
//     files count 0). dive restacks every lower layer for each whiteout;
//     here one stacked tree is kept and updated once per layer.
//   - The stack starts as a copy of layer 0 and layer 0 is then stacked on
//     itself again (StackTreeRange(trees, 0, i-1)). Stacking visits every
//     node (not only leaves) child-first by name: whiteouts remove, others
//     AddPath, replacing the node's FileInfo (so an implicit directory in an
//     upper layer loses its IsDir in the stack).
//   - A whiteout whose path is missing from the stack makes dive abort the
//     rest of that layer's walk (it logs an error and goes on).
//   - Every path seen in two or more leaves is an "inefficiency"; its
//     cumulative size (all copies, the first one included) is wasted.
//     efficiency = sum of per-path minimum sizes / sum of cumulative sizes.

type dinfo struct {
	size  int64
	isDir bool
}

type dnode struct {
	name     string
	parent   *dnode
	children map[string]*dnode
	info     dinfo
}

type dtree struct {
	root *dnode
}

func newDTree() *dtree { return &dtree{root: &dnode{}} }

func (n *dnode) addChild(name string) *dnode {
	if n.children == nil {
		n.children = make(map[string]*dnode)
	}
	c := &dnode{name: name, parent: n}
	n.children[name] = c
	return c
}

// addPath is dive's FileTree.AddPath.
func (t *dtree) addPath(p string, info dinfo) {
	p = path.Clean(p)
	if p == "." {
		return
	}
	node := t.root
	for rest, more := strings.Trim(p, "/"), true; more; {
		var name string
		name, rest, more = strings.Cut(rest, "/")
		if name == "" {
			continue
		}
		if c := node.children[name]; c != nil {
			node = c
		} else {
			if strings.HasPrefix(name, whiteoutMeta) {
				return
			}
			node = node.addChild(name)
		}
		if !more {
			node.info = info
		}
	}
}

// getNode is dive's FileTree.GetNode.
func (t *dtree) getNode(p string) *dnode {
	node := t.root
	for rest, more := strings.Trim(p, "/"), true; more; {
		var name string
		name, rest, more = strings.Cut(rest, "/")
		if name == "" {
			continue
		}
		c := node.children[name]
		if c == nil {
			return nil
		}
		node = c
	}
	return node
}

func (n *dnode) isWhiteout() bool { return strings.HasPrefix(n.name, whiteoutPrefix) }

func sortedChildren(n *dnode) []*dnode {
	if len(n.children) == 0 {
		return nil
	}
	keys := make([]string, 0, len(n.children))
	for k := range n.children {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]*dnode, len(keys))
	for i, k := range keys {
		out[i] = n.children[k]
	}
	return out
}

// copyTree deep-copies a layer tree (dive's FileTree.Copy).
func copyTree(t *dtree) *dtree {
	out := newDTree()
	var cp func(src, dst *dnode)
	cp = func(src, dst *dnode) {
		for name, c := range src.children {
			d := dst.addChild(name)
			d.info = c.info
			cp(c, d)
		}
	}
	cp(t.root, out.root)
	return out
}

// buildDiveTree is dive's processLayerTar for one layer index.
func buildDiveTree(idx *LayerIndex) *dtree {
	t := newDTree()
	for i := range idx.Entries {
		e := &idx.Entries[i]
		t.addPath(e.Path, dinfo{size: e.Size, isDir: e.IsDir})
	}
	return t
}

// stack is dive's FileTree.Stack(upper): every upper node, children
// first, sorted by name, at its divePath (built here from the parent's
// path instead of from the node up).
func (t *dtree) stack(upper *dtree) {
	var walk func(n *dnode, prefix string)
	walk = func(n *dnode, prefix string) {
		for _, c := range sortedChildren(n) {
			if len(c.children) != 0 {
				walk(c, prefix+"/"+c.name)
			}
			p := leafPath(prefix, c)
			if c.isWhiteout() {
				if node := t.getNode(p); node != nil && node != t.root {
					delete(node.parent.children, node.name)
				}
			} else {
				t.addPath(p, c.info)
			}
		}
	}
	walk(upper.root, "")
}

// leafPath is n.divePath() for a child n of the node at prefix
// (prefix is that node's path with nothing trimmed, "" for the root).
func leafPath(prefix string, n *dnode) string {
	p := prefix + "/" + strings.TrimPrefix(n.name, whiteoutPrefix)
	if strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	return p
}

func subtreeSize(n *dnode) int64 {
	s := n.info.size
	for _, c := range n.children {
		s += subtreeSize(c)
	}
	return s
}

// diveEfficiency is one path's record (dive's EfficiencyData).
type diveEfficiency struct {
	path  string
	count int
	cum   int64
	min   int64
}

type diveSlice []*diveEfficiency

func (s diveSlice) Len() int           { return len(s) }
func (s diveSlice) Swap(i, j int)      { s[i], s[j] = s[j], s[i] }
func (s diveSlice) Less(i, j int) bool { return s[i].cum < s[j].cum }

// diveResult is dive's AnalysisResult, the parts plimsoll reports.
type diveResult struct {
	efficiency float64
	wasted     int64
	userSize   int64
	size       int64
	// inefficient is sorted as dive reports it: largest first.
	inefficient []*diveEfficiency
	// aborted lists the layers whose walk dive would abort.
	aborted []int
}

// diveWalk runs dive's analysis one layer tree at a time, in layer
// order: only the stacked tree and the current layer's tree are live.
type diveWalk struct {
	effMap  map[string]*diveEfficiency
	matches diveSlice
	stacked *dtree
	layer   int
	aborted []int
}

func newDiveWalk() *diveWalk {
	return &diveWalk{effMap: make(map[string]*diveEfficiency)}
}

// add visits the next layer's tree and stacks it.
func (w *diveWalk) add(tree *dtree) {
	if w.stacked == nil {
		if !hasWhiteout(tree.root) {
			// dive stacks layer 0 onto a copy of itself. Without
			// whiteouts that only rewrites every node's info with the
			// same value, and the walk never looks into the stack: the
			// tree itself is the stack (no copy, no restacking). It is
			// not used again after this call.
			w.stacked = tree
		} else {
			w.stacked = copyTree(tree)
		}
	}
	// Leaves only, depth-first, children sorted by name (dive visits
	// every node child-first and skips the inner ones).
	var leaf func(n *dnode, p string) bool
	var walk func(n *dnode, prefix string) bool
	walk = func(n *dnode, prefix string) bool {
		for _, c := range sortedChildren(n) {
			if len(c.children) != 0 {
				if !walk(c, prefix+"/"+c.name) {
					return false
				}
			} else if !leaf(c, leafPath(prefix, c)) {
				return false
			}
		}
		return true
	}
	leaf = func(n *dnode, p string) bool {
		d := w.effMap[p]
		if d == nil {
			d = &diveEfficiency{path: p, min: -1}
			w.effMap[p] = d
		}
		var size int64
		if n.isWhiteout() {
			prev := w.stacked.getNode(p)
			if prev == nil {
				return false
			}
			if prev.info.isDir {
				size = subtreeSize(prev)
			}
		} else {
			size = n.info.size
		}
		d.cum += size
		if d.min < 0 || size < d.min {
			d.min = size
		}
		d.count++
		if d.count == 2 {
			w.matches = append(w.matches, d)
		}
		return true
	}
	if !walk(tree.root, "") {
		w.aborted = append(w.aborted, w.layer)
	}
	if w.stacked != tree {
		w.stacked.stack(tree)
	}
	w.layer++
}

func hasWhiteout(n *dnode) bool {
	for _, c := range n.children {
		if c.isWhiteout() || hasWhiteout(c) {
			return true
		}
	}
	return false
}

// result is dive's AnalysisResult over the layers added so far.
func (w *diveWalk) result(layerSizes []int64) diveResult {
	var res diveResult
	for i, s := range layerSizes {
		res.size += s
		if i != 0 {
			res.userSize += s
		}
	}
	if w.stacked == nil {
		res.efficiency = 1
		return res
	}
	res.aborted = w.aborted
	effMap, matches := w.effMap, w.matches
	var minSum, cumSum int64
	for _, d := range effMap {
		minSum += d.min
		cumSum += d.cum
	}
	if cumSum == 0 {
		res.efficiency = 1
	} else {
		res.efficiency = float64(minSum) / float64(cumSum)
	}
	sort.Sort(matches)
	for _, d := range matches {
		res.wasted += d.cum
	}
	res.inefficient = make([]*diveEfficiency, len(matches))
	for i := range matches {
		res.inefficient[i] = matches[len(matches)-1-i]
	}
	return res
}
