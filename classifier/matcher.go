package classifier

import (
	"sort"
	"unicode/utf8"
)

// matcher finds every occurrence of many folded patterns in one pass over a
// Folded text (Aho–Corasick over runes). Patterns are folded keys; each
// carries the payloads (signal, cue or brand entries) that share it.
//
// Runes are first mapped to a dense alphabet of the runes that occur in
// patterns; a rune outside it sends the automaton back to the root. Each
// state keeps its edges sorted by symbol, and the root keeps a dense table,
// so a step is one table read or a short binary search.
type matcher struct {
	asciiSymbols [utf8.RuneSelf]int32
	symbols      map[rune]int32 // non-ASCII runes of the alphabet; 0 = not in it
	rootNext     []int32        // by symbol

	// Per state: edges[edgeStart[s]:edgeStart[s+1]] sorted by symbol.
	edgeStart  []int32
	edgeSymbol []int32
	edgeTarget []int32
	fail       []int32
	// outputs[outStart[s]:outStart[s+1]] are the patterns ending at s,
	// including those reached through failure links.
	outStart []int32
	outputs  []int32

	patterns []pattern
}

type pattern struct {
	length     int // in runes
	latinStart bool
	latinEnd   bool
	payloads   []int32
}

// match is one occurrence: pattern index and folded rune span [start, end).
type match struct {
	pattern    int32
	start, end int32
}

// newMatcher builds the automaton. keys[i] is a folded pattern, payload[i]
// what it stands for; equal keys are merged.
func newMatcher(keys []string, payloads []int32) *matcher {
	m := &matcher{symbols: map[rune]int32{}}
	nextSymbol := int32(1)
	symbolOf := func(r rune) int32 {
		if r < utf8.RuneSelf {
			if m.asciiSymbols[r] == 0 {
				m.asciiSymbols[r] = nextSymbol
				nextSymbol++
			}
			return m.asciiSymbols[r]
		}
		s, ok := m.symbols[r]
		if !ok {
			s = nextSymbol
			m.symbols[r] = s
			nextSymbol++
		}
		return s
	}

	// Build the trie with maps; compacted below.
	type node struct {
		next map[int32]int32
		out  []int32
	}
	nodes := []node{{next: map[int32]int32{}}}
	byKey := map[string]int32{}
	for i, key := range keys {
		if p, ok := byKey[key]; ok {
			m.patterns[p].payloads = append(m.patterns[p].payloads, payloads[i])
			continue
		}
		runes := []rune(key)
		if len(runes) == 0 {
			continue
		}
		state := int32(0)
		for _, r := range runes {
			sym := symbolOf(r)
			next, ok := nodes[state].next[sym]
			if !ok {
				next = int32(len(nodes))
				nodes = append(nodes, node{next: map[int32]int32{}})
				nodes[state].next[sym] = next
			}
			state = next
		}
		p := int32(len(m.patterns))
		byKey[key] = p
		m.patterns = append(m.patterns, pattern{
			length:     len(runes),
			latinStart: classOf(runes[0]) != classOther,
			latinEnd:   classOf(runes[len(runes)-1]) != classOther,
			payloads:   []int32{payloads[i]},
		})
		nodes[state].out = append(nodes[state].out, p)
	}

	// Failure links, breadth first; outputs inherit along them.
	fail := make([]int32, len(nodes))
	queue := make([]int32, 0, len(nodes))
	for _, child := range nodes[0].next {
		queue = append(queue, child)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for sym, child := range nodes[s].next {
			f := fail[s]
			for {
				if t, ok := nodes[f].next[sym]; ok && t != child {
					fail[child] = t
					break
				}
				if f == 0 {
					break
				}
				f = fail[f]
			}
			nodes[child].out = append(nodes[child].out, nodes[fail[child]].out...)
			queue = append(queue, child)
		}
	}

	m.rootNext = make([]int32, nextSymbol)
	for sym, child := range nodes[0].next {
		m.rootNext[sym] = child
	}
	m.fail = fail
	m.edgeStart = make([]int32, len(nodes)+1)
	m.outStart = make([]int32, len(nodes)+1)
	for s := range nodes {
		syms := make([]int32, 0, len(nodes[s].next))
		for sym := range nodes[s].next {
			syms = append(syms, sym)
		}
		sort.Slice(syms, func(a, b int) bool { return syms[a] < syms[b] })
		for _, sym := range syms {
			m.edgeSymbol = append(m.edgeSymbol, sym)
			m.edgeTarget = append(m.edgeTarget, nodes[s].next[sym])
		}
		m.edgeStart[s+1] = int32(len(m.edgeSymbol))
		m.outputs = append(m.outputs, nodes[s].out...)
		m.outStart[s+1] = int32(len(m.outputs))
	}
	return m
}

func (m *matcher) symbol(r rune) int32 {
	if r < utf8.RuneSelf {
		return m.asciiSymbols[r]
	}
	return m.symbols[r]
}

// step follows the goto/failure functions for one symbol.
func (m *matcher) step(state, sym int32) int32 {
	for {
		if state == 0 {
			return m.rootNext[sym]
		}
		lo, hi := m.edgeStart[state], m.edgeStart[state+1]
		for lo < hi {
			mid := (lo + hi) / 2
			switch s := m.edgeSymbol[mid]; {
			case s == sym:
				return m.edgeTarget[mid]
			case s < sym:
				lo = mid + 1
			default:
				hi = mid
			}
		}
		state = m.fail[state]
	}
}

// findAll appends every occurrence in f that respects word boundaries for
// Latin patterns.
func (m *matcher) findAll(f *Folded, out []match) []match {
	state := int32(0)
	for i, r := range f.Runes {
		sym := m.symbol(r)
		if sym == 0 {
			state = 0
			continue
		}
		state = m.step(state, sym)
		for _, p := range m.outputs[m.outStart[state]:m.outStart[state+1]] {
			pat := &m.patterns[p]
			start := i + 1 - pat.length
			if pat.latinStart && !f.WordStart[start] {
				continue
			}
			end := i + 1
			if pat.latinEnd && !endsWord(f, end) {
				continue
			}
			out = append(out, match{pattern: p, start: int32(start), end: int32(end)})
		}
	}
	return out
}

// endsWord reports whether a Latin match ending before rune index end ends a
// word, allowing the common English inflections (codes, asked, sharing).
func endsWord(f *Folded, end int) bool {
	if end == len(f.Runes) || f.WordStart[end] {
		return true
	}
	rest := end
	for rest < len(f.Runes) && !f.WordStart[rest] && rest-end < 4 {
		rest++
	}
	if rest < len(f.Runes) && !f.WordStart[rest] {
		return false
	}
	switch string(f.Runes[end:rest]) {
	case "s", "es", "ed", "d", "ing", "er", "ers":
		return true
	}
	return false
}
