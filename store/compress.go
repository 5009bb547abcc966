package store

import (
	"bytes"
	"compress/flate"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// State and verdict blobs are JSON with the same field names in every hit;
// deflate shrinks them five- to sevenfold, which is what keeps an active
// conversation of 20 messages within the 8 KB of Redis memory.
// A compressed blob starts with compressedMark, a byte JSON never starts
// with, so blobs written uncompressed (small ones) read back as they are.
const compressedMark = 0x01

// compressAbove is the smallest blob worth compressing: below it the
// deflate framing costs more than it saves.
const compressAbove = 256

var (
	// BestCompression: on these 5–15 KB blobs it takes about the time
	// BestSpeed does (measured: ~0.15 ms either way on the development
	// machine) and stores a third less.
	writers = sync.Pool{New: func() any {
		w, _ := flate.NewWriter(nil, flate.BestCompression)
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

// conversationBlob is how Save keeps the classifier state and its verdict:
// one JSON document, deflated once. The verdict's signals repeat the
// state's hits, so compressed together the verdict costs a few hundred
// bytes instead of a kilobyte and more on its own. The conv hash keeps it
// in its state field, with no verdict field; a conversation saved before
// (a state and a verdict field, each packed alone) reads as it is.
type conversationBlob struct {
	State   json.RawMessage `json:"state"`
	Verdict json.RawMessage `json:"verdict,omitempty"`
}

// conversationBlobStart is how a conversationBlob's JSON starts; a
// classifier state's JSON starts with another field.
const conversationBlobStart = `{"state":`

// packConversation packs state and verdict (JSON, the verdict may be
// empty) into one blob for the conv hash's state field; ok is false when
// either is not JSON, and the caller stores them apart, as they are.
func packConversation(state, verdict []byte) (blob []byte, ok bool) {
	if !json.Valid(state) || len(verdict) > 0 && !json.Valid(verdict) {
		return nil, false
	}
	// Written by hand: both are valid JSON already, and json.Marshal would
	// scan and copy 10–15 KB again on every message.
	blob = make([]byte, 0, len(conversationBlobStart)+len(state)+len(verdict)+16)
	blob = append(append(blob, conversationBlobStart...), state...)
	if len(verdict) > 0 {
		blob = append(append(blob, `,"verdict":`...), verdict...)
	}
	return pack(append(blob, '}')), true
}

// unpackConversation reverses packConversation. A state field written
// before the two were kept together comes back as the state, with the
// verdict nil (the caller reads the verdict field then).
func unpackConversation(stored []byte) (state, verdict []byte, combined bool, err error) {
	blob, err := unpack(stored)
	if err != nil {
		return nil, nil, false, err
	}
	if !bytes.HasPrefix(blob, []byte(conversationBlobStart)) {
		return blob, nil, false, nil
	}
	var both conversationBlob
	if err := json.Unmarshal(blob, &both); err != nil {
		return nil, nil, false, fmt.Errorf("decode state and verdict: %w", err)
	}
	return both.State, both.Verdict, true, nil
}
