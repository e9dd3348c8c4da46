package buildkit

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/moby/buildkit/client"
	"github.com/moby/buildkit/util/progress/progressui"
	digest "github.com/opencontainers/go-digest"
)

// ProgressModes are the values of --progress.
var ProgressModes = []string{"auto", "plain", "tty", "quiet", "rawjson"}

// ValidProgress reports whether mode is one of ProgressModes.
func ValidProgress(mode string) bool {
	for _, m := range ProgressModes {
		if m == mode {
			return true
		}
	}
	return false
}

// logTailLines is how many output lines of each step are kept to quote
// when the step fails.
const logTailLines = 20

// tracker watches one solve's status stream: it counts the steps and the
// cache hits and keeps the last lines each step printed.
type tracker struct {
	mu    sync.Mutex
	verts map[digest.Digest]*vertexState
	order []digest.Digest
}

type vertexState struct {
	name      string
	cached    bool
	completed bool
	err       string
	tail      []string // last lines of output
	partial   string   // an unterminated last line
}

func newTracker() *tracker { return &tracker{verts: map[digest.Digest]*vertexState{}} }

func (t *tracker) update(ss *client.SolveStatus) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, v := range ss.Vertexes {
		st := t.verts[v.Digest]
		if st == nil {
			st = &vertexState{}
			t.verts[v.Digest] = st
			t.order = append(t.order, v.Digest)
		}
		st.name = v.Name
		st.cached = st.cached || v.Cached
		st.completed = st.completed || v.Completed != nil
		if v.Error != "" {
			st.err = v.Error
		}
	}
	for _, l := range ss.Logs {
		st := t.verts[l.Vertex]
		if st == nil {
			continue
		}
		text := st.partial + string(l.Data)
		lines := strings.Split(text, "\n")
		st.partial = lines[len(lines)-1]
		for _, line := range lines[:len(lines)-1] {
			st.tail = append(st.tail, strings.TrimRight(line, "\r"))
		}
		if len(st.tail) > logTailLines {
			st.tail = append([]string(nil), st.tail[len(st.tail)-logTailLines:]...)
		}
		if len(st.partial) > 4096 {
			st.partial = st.partial[:4096]
		}
	}
}

// counts returns the number of Dockerfile steps the build ran or found
// and how many of them were answered from the cache. A step is a vertex
// BuildKit names after an instruction ("[2/5] RUN ...", "[builder 3/7]
// COPY ..."); loading the Dockerfile, contexts and base images, and
// exporting, are not steps.
//
// A step is counted once by name: when another build running at the same
// time (the previous variant, still exporting) shares a step, BuildKit
// reports that build's record of it too. A step is a cache hit when any
// record of it says so.
func (t *tracker) counts() (steps, hits int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	cached := map[string]bool{}
	var names []string
	for _, d := range t.order {
		v := t.verts[d]
		if !stepName.MatchString(v.name) {
			continue
		}
		if _, seen := cached[v.name]; !seen {
			names = append(names, v.name)
		}
		cached[v.name] = cached[v.name] || v.cached
	}
	for _, n := range names {
		steps++
		if cached[n] {
			hits++
		}
	}
	return steps, hits
}

var stepName = regexp.MustCompile(`^\[(?:[^\]]+ )?\d+/\d+\] `)

// failed returns the first vertex that reported an error, with its last
// lines of output.
func (t *tracker) failed() (name, errText string, tail []string, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, d := range t.order {
		v := t.verts[d]
		if v.err == "" || strings.Contains(v.err, "context canceled") {
			continue
		}
		tail = append([]string(nil), v.tail...)
		if v.partial != "" {
			tail = append(tail, v.partial)
		}
		return v.name, v.err, tail, true
	}
	return "", "", nil, false
}

// progress shows one solve's status stream with BuildKit's progressui and
// feeds the tracker. run returns when the stream closes.
type progress struct {
	mode    string
	out     io.Writer
	tracker *tracker
	hooks   progressHooks
}

// progressHooks tell the variant loop how a solve is getting on.
type progressHooks struct {
	// stepsDone is called once the build steps are done and the export
	// has begun.
	stepsDone func()
	// detach ends the display at that point (more variants follow, and
	// the next one's progress should not mix with this export); detached
	// is called when the display has ended.
	detach   bool
	detached func()
}

// isExport reports whether a vertex belongs to the export phase, which
// BuildKit starts once every build step of the result is done.
func isExport(name string) bool { return strings.HasPrefix(name, "exporting ") }

// run consumes ch until it is closed. The display gets its own channel so
// that a slow terminal never stalls the tracker, and the tracker never
// misses an update.
func (p *progress) run(ctx context.Context, ch chan *client.SolveStatus) error {
	mode := progressui.DisplayMode(p.mode)
	if mode == "" {
		mode = progressui.AutoMode
	}
	out := p.out
	if out == nil {
		out = io.Discard
		mode = progressui.QuietMode
	}
	if mode == progressui.AutoMode || mode == progressui.TtyMode {
		// progressui wants a console for tty; anything else gets plain.
		if f, ok := out.(*os.File); !ok || !isTerminal(f) {
			mode = progressui.PlainMode
		}
	}
	d, err := progressui.NewDisplay(out, mode)
	if err != nil {
		return fmt.Errorf("progress display: %w", err)
	}
	dch := make(chan *client.SolveStatus, 64)
	done := make(chan error, 1)
	go func() {
		// The display must drain to the end even when the build was
		// canceled, so it gets a context of its own.
		_, err := d.UpdateFrom(context.WithoutCancel(ctx), dch)
		done <- err
	}()
	var displayErr error
	displaying := true
	endDisplay := func() {
		close(dch)
		displayErr = <-done
		displaying = false
		if p.hooks.detached != nil {
			p.hooks.detached()
		}
	}
	for ss := range ch {
		p.tracker.update(ss)
		exporting := false
		for _, v := range ss.Vertexes {
			exporting = exporting || isExport(v.Name)
		}
		if displaying && exporting && p.hooks.detach {
			endDisplay()
		}
		if exporting && p.hooks.stepsDone != nil {
			// After the display ended: the next variant's group and
			// progress start below this one's.
			p.hooks.stepsDone()
		}
		if !displaying {
			continue // keep draining: Solve must never block on its status channel
		}
		select {
		case dch <- ss:
		case displayErr = <-done:
			displaying = false
		}
	}
	if displaying {
		endDisplay()
	}
	return displayErr
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
