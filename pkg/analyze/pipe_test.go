package analyze

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestChunkPipe(t *testing.T) {
	t.Parallel()
	data := bytes.Repeat([]byte("0123456789"), 200000) // 2 MB: several chunks
	p := newChunkPipe(2)
	done := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(p)
		done <- b
	}()
	if _, err := io.Copy(p, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	p.CloseWrite(nil)
	if got := <-done; !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, want %d identical", len(got), len(data))
	}

	// A reader that stops early must not block the writer.
	p = newChunkPipe(1)
	go func() {
		buf := make([]byte, 10)
		p.Read(buf)
		p.CloseRead()
	}()
	if _, err := io.Copy(p, bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	p.CloseWrite(nil)

	// The writer's error reaches the reader.
	p = newChunkPipe(1)
	boom := errors.New("boom")
	go func() {
		p.Write([]byte("abc"))
		p.CloseWrite(boom)
	}()
	if _, err := io.ReadAll(p); !errors.Is(err, boom) {
		t.Errorf("err = %v, want boom", err)
	}
}
