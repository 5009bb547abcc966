package store

import (
	"bytes"
	"strings"
	"testing"
)

func TestPackRoundTrip(t *testing.T) {
	cases := []struct {
		name       string
		blob       []byte
		compressed bool
	}{
		{"empty", nil, false},
		{"small JSON stays as it is", []byte(`{"messages":1}`), false},
		{"repetitive JSON is compressed", []byte("[" + strings.Repeat(`{"id":"zh_mm_buy_gift_card","role":"money_move"},`, 40) + "{}]"), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			packed := pack(c.blob)
			if got := len(packed) > 0 && packed[0] == compressedMark; got != c.compressed {
				t.Errorf("compressed = %v, want %v", got, c.compressed)
			}
			if c.compressed && len(packed) >= len(c.blob) {
				t.Errorf("packed %d bytes into %d", len(c.blob), len(packed))
			}
			back, err := unpack(packed)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(back, c.blob) {
				t.Errorf("round trip changed the blob")
			}
		})
	}
	if _, err := unpack([]byte{compressedMark, 0xff, 0x00}); err == nil {
		t.Error("no error for a corrupt compressed blob")
	}
}
