package store

import (
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"sync"
)

// State and verdict blobs are JSON with the same field names in every hit;
// deflate shrinks them about fourfold, which is what keeps an active
// conversation of 20 messages within the 8 KB of Redis memory.
// A compressed blob starts with compressedMark, a byte JSON never starts
// with, so blobs written uncompressed (small ones) read back as they are.
const compressedMark = 0x01

// compressAbove is the smallest blob worth compressing: below it the
// deflate framing costs more than it saves.
const compressAbove = 256

var (
	writers = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.BestSpeed)
		return w
	}}
	readers = sync.Pool{New: func() any { return flate.NewReader(nil) }}
)

// pack compresses blob when that makes it smaller.
func pack(blob []byte) []byte {
	if len(blob) < compressAbove {
		return blob
	}
	var out bytes.Buffer
	out.Grow(len(blob) / 3)
	out.WriteByte(compressedMark)
	w := writers.Get().(*flate.Writer)
	defer writers.Put(w)
	w.Reset(&out)
	// Writes to a bytes.Buffer cannot fail.
	_, _ = w.Write(blob)
	_ = w.Close()
	if out.Len() >= len(blob) {
		return blob
	}
	return out.Bytes()
}

// unpack reverses pack.
func unpack(stored []byte) ([]byte, error) {
	if len(stored) == 0 || stored[0] != compressedMark {
		return stored, nil
	}
	r := readers.Get().(io.ReadCloser)
	defer readers.Put(r)
	if err := r.(flate.Resetter).Reset(bytes.NewReader(stored[1:]), nil); err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	blob, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	return blob, nil
}
