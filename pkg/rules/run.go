package rules

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/plimsoll/plimsoll/pkg/dockerfile"
)

// FileInput names one Dockerfile for LintFiles.
type FileInput struct {
	// Path is where to read it.
	Path string
	// Data, when not nil, is the content (Path is then only its name).
	Data []byte
	// Context is the build context folder; "" means none.
	Context string
}

// FileResult is the outcome for one Dockerfile: a Result, or the error that
// kept it from being linted (unreadable, binary, no such target).
type FileResult struct {
	Input  FileInput
	Result *Result
	Err    error
}

// LintFiles lints Dockerfiles on GOMAXPROCS workers, sharing the build
// context walks between Dockerfiles of the same context, and returns the
// results in the order of files. It stops early only when ctx is done.
func LintFiles(ctx context.Context, files []FileInput, opt Options) ([]FileResult, error) {
	contexts := &contextCache{m: map[string]*dockerfile.BuildContext{}}
	out := make([]FileResult, len(files))
	workers := min(runtime.GOMAXPROCS(0), len(files))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = lintOne(ctx, files[i], opt, contexts)
			}
		}()
	}
	var err error
feed:
	for i := range files {
		if err = ctx.Err(); err != nil {
			break
		}
		select {
		case next <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err != nil {
		return nil, err
	}
	return out, nil
}

func lintOne(ctx context.Context, fi FileInput, opt Options, contexts *contextCache) FileResult {
	r := FileResult{Input: fi}
	data := fi.Data
	if data == nil {
		var err error
		if data, err = dockerfile.ReadFile(fi.Path); err != nil {
			r.Err = err
			return r
		}
	} else if err := dockerfile.CheckText(data); err != nil {
		r.Err = fmt.Errorf("reading Dockerfile %s: %w", fi.Path, err)
		return r
	}
	in := Input{Path: fi.Path, Data: data}
	if fi.Context != "" {
		bc, err := contexts.open(fi.Context, fi.Path)
		if err != nil {
			r.Err = err
			return r
		}
		in.Context = bc
	}
	r.Result, r.Err = Lint(ctx, in, opt)
	return r
}

// contextCache shares one BuildContext (and so one walk) per folder and
// ignore file.
type contextCache struct {
	mu sync.Mutex
	m  map[string]*dockerfile.BuildContext
}

func (c *contextCache) open(dir, dockerfilePath string) (*dockerfile.BuildContext, error) {
	bc, err := dockerfile.OpenContext(dir, dockerfilePath)
	if err != nil {
		return nil, err
	}
	key := bc.Dir + "\x00" + bc.IgnoreFile
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[key]; ok {
		return prev, nil
	}
	c.m[key] = bc
	return bc, nil
}
