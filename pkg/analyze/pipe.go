package analyze

import (
	"io"
	"sync"
)

// (chunks are recycled through a free list channel rather than a
// sync.Pool, which would allocate for every slice header put back.)

// chunkPipe is a buffered in-memory pipe: the writer copies into chunks
// and goes on while the reader (decompressing and indexing) works on
// earlier ones, up to depth chunks ahead. It lets FromOCIStream hash one
// part of a blob while another part is decompressed, without holding more
// than depth*chunkSize bytes.
type chunkPipe struct {
	ch   chan []byte
	free chan []byte
	cur  []byte
	full []byte // the pooled chunk cur points into

	mu   sync.Mutex
	werr error // why the writer stopped (nil: EOF)

	stop     chan struct{}
	stopOnce sync.Once
}

const pipeChunk = 256 << 10

func newChunkPipe(depth int) *chunkPipe {
	return &chunkPipe{ch: make(chan []byte, depth), free: make(chan []byte, depth+2), stop: make(chan struct{})}
}

// Write copies b into chunks; after the reader stopped, it discards.
func (p *chunkPipe) Write(b []byte) (int, error) {
	n := len(b)
	for len(b) > 0 {
		c := p.get()
		m := copy(c, b)
		b = b[m:]
		select {
		case p.ch <- c[:m]:
		case <-p.stop:
			p.put(c)
			return n, nil
		}
	}
	return n, nil
}

// CloseWrite ends the stream; err (nil for EOF) is what Read returns last.
func (p *chunkPipe) CloseWrite(err error) {
	p.mu.Lock()
	p.werr = err
	p.mu.Unlock()
	close(p.ch)
}

// Read reads what the writer wrote.
func (p *chunkPipe) Read(b []byte) (int, error) {
	for len(p.cur) == 0 {
		if p.full != nil {
			p.put(p.full)
			p.full = nil
		}
		c, ok := <-p.ch
		if !ok {
			p.mu.Lock()
			err := p.werr
			p.mu.Unlock()
			if err == nil {
				err = io.EOF
			}
			return 0, err
		}
		p.cur, p.full = c, c
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}

// CloseRead tells the writer nobody reads any more.
func (p *chunkPipe) CloseRead() {
	p.stopOnce.Do(func() { close(p.stop) })
}

func (p *chunkPipe) get() []byte {
	select {
	case c := <-p.free:
		return c[:cap(c)]
	default:
		return make([]byte, pipeChunk)
	}
}

func (p *chunkPipe) put(c []byte) {
	select {
	case p.free <- c:
	default:
	}
}
