package llm

import (
	"testing"
	"time"
)

func TestMemoryBudget(t *testing.T) {
	now := time.Unix(7200, 0)
	b := NewMemoryBudget(2, 3)
	b.now = func() time.Time { return now }
	var got []bool
	for _, user := range []string{"a", "a", "a", "b", "b"} {
		ok, _ := b.Allow(t.Context(), user)
		got = append(got, ok)
	}
	if want := []bool{true, true, false, true, false}; !equalBools(got, want) {
		t.Errorf("allowed %v, want %v", got, want)
	}
	now = now.Add(time.Hour)
	if ok, _ := b.Allow(t.Context(), "a"); !ok {
		t.Errorf("a new hour must reset the counts")
	}
}

func equalBools(a, b []bool) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMemoryCacheExpiresAndBounds(t *testing.T) {
	now := time.Unix(0, 0)
	c := NewMemoryCache(2, time.Minute)
	c.now = func() time.Time { return now }
	c.Put(t.Context(), "a", []byte("1"))
	if v, ok, _ := c.Get(t.Context(), "a"); !ok || string(v) != "1" {
		t.Fatalf("get a: %q %v", v, ok)
	}
	c.Put(t.Context(), "b", []byte("2"))
	c.Put(t.Context(), "c", []byte("3"))
	if len(c.entries) > 2 {
		t.Errorf("%d entries, cap 2", len(c.entries))
	}
	now = now.Add(2 * time.Minute)
	if _, ok, _ := c.Get(t.Context(), "c"); ok {
		t.Errorf("expired entry returned")
	}
}
