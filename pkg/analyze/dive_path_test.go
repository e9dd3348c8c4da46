package analyze

import (
	"strings"
	"testing"
)

// divePath is dive's FileNode.Path.
func (n *dnode) divePath() string {
	var parts []string
	for cur := n; cur.parent != nil; cur = cur.parent {
		name := cur.name
		if cur == n {
			name = strings.TrimPrefix(name, whiteoutPrefix)
		}
		parts = append(parts, name)
	}
	for i, j := 0, len(parts)-1; i < j; i, j = i+1, j-1 {
		parts[i], parts[j] = parts[j], parts[i]
	}
	return strings.ReplaceAll("/"+strings.Join(parts, "/"), "//", "/")
}

// TestLeafPath checks the paths the dive walk builds top-down against
// dive's own bottom-up FileNode.Path on every node of a tree with
// whiteouts, opaque markers and odd names.
func TestLeafPath(t *testing.T) {
	tr := newDTree()
	for _, p := range []string{
		"a/b/c", "a/.wh.b", ".wh.a", "x/.wh..wh..opq", "x/y/.wh.", ".wh.", "a/.wh.b/c", "d/e f/g.h", "d/.wh..wh.",
	} {
		tr.addPath(p, dinfo{size: 1})
	}
	n := 0
	var walk func(d *dnode, prefix string)
	walk = func(d *dnode, prefix string) {
		for _, c := range sortedChildren(d) {
			n++
			if got, want := leafPath(prefix, c), c.divePath(); got != want {
				t.Errorf("leafPath(%q, %q) = %q, dive's path %q", prefix, c.name, got, want)
			}
			walk(c, prefix+"/"+c.name)
		}
	}
	walk(tr.root, "")
	if n < 10 {
		t.Fatalf("only %d nodes visited", n)
	}
}
