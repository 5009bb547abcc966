package classifier

import (
	"math/rand"
	"sort"
	"strings"
	"testing"
)

// naiveFind is the obvious quadratic search the automaton must agree with.
func naiveFind(f *Folded, keys []string) []match {
	var out []match
	text := f.Runes
	for p, key := range keys {
		k := []rune(key)
		for i := 0; i+len(k) <= len(text); i++ {
			if string(text[i:i+len(k)]) != key {
				continue
			}
			if classOf(k[0]) != classOther && !f.WordStart[i] {
				continue
			}
			if classOf(k[len(k)-1]) != classOther && !endsWord(f, i+len(k)) {
				continue
			}
			if spansPunctuation(f, i, i+len(k)) {
				continue
			}
			out = append(out, match{pattern: int32(p), start: int32(i), end: int32(i + len(k))})
		}
	}
	return out
}

func sortMatches(ms []match) {
	sort.Slice(ms, func(i, j int) bool {
		if ms[i].start != ms[j].start {
			return ms[i].start < ms[j].start
		}
		if ms[i].end != ms[j].end {
			return ms[i].end < ms[j].end
		}
		return ms[i].pattern < ms[j].pattern
	})
}

func TestMatcherAgreesWithNaiveSearch(t *testing.T) {
	alphabet := []rune("ab礼品卡 ，.")
	rng := rand.New(rand.NewSource(1))
	randomText := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteRune(alphabet[rng.Intn(len(alphabet))])
		}
		return b.String()
	}
	for round := 0; round < 300; round++ {
		var keys []string
		seen := map[string]bool{}
		for len(keys) < 1+rng.Intn(8) {
			k := foldKey(randomText(1 + rng.Intn(4)))
			if len([]rune(k)) == 0 || seen[k] {
				continue
			}
			seen[k] = true
			keys = append(keys, k)
		}
		refs := make([]int32, len(keys))
		for i := range refs {
			refs[i] = int32(i)
		}
		m := newMatcher(keys, refs)
		f := Normalize(randomText(rng.Intn(40)))
		got := m.findAll(f, nil)
		want := naiveFind(f, keys)
		sortMatches(got)
		sortMatches(want)
		if len(got) != len(want) {
			t.Fatalf("round %d keys %q text %q: automaton found %v, naive %v", round, keys, string(f.Runes), got, want)
		}
		for i := range got {
			if got[i] != want[i] {
				t.Fatalf("round %d keys %q text %q: automaton found %v, naive %v", round, keys, string(f.Runes), got, want)
			}
		}
	}
}

func TestMatcherWordBoundaries(t *testing.T) {
	keys := []string{foldKey("pin"), foldKey("gift card"), foldKey("code")}
	m := newMatcher(keys, []int32{0, 1, 2})
	tests := []struct {
		text string
		want int
	}{
		{"shopping", 0},
		{"your pin please", 1},
		{"buy gift cards", 1},
		{"g.i.f.t c.a.r.d", 1},
		{"giftcardholder", 0},
		{"barcode", 0},
		{"the codes", 1},
		{"验证code发我", 1},
	}
	for _, tt := range tests {
		if got := len(m.findAll(Normalize(tt.text), nil)); got != tt.want {
			t.Errorf("%q: %d matches, want %d", tt.text, got, tt.want)
		}
	}
}
