package classifier

import "sort"

// matcher finds every occurrence of many folded patterns in one pass over a
// Folded text (Aho–Corasick over runes). Patterns are folded keys; each
// carries the payloads (signal, cue or brand entries) that share it.
//
// Runes are first mapped to a dense alphabet of the runes that occur in
// patterns; a rune outside it sends the automaton back to the root. Each
// state keeps its edges sorted by symbol, and the root keeps a dense table,
// so a step is one table read or a short binary search.
type matcher struct {
	bmpSymbols []int32        // symbol of each rune below 0x10000; 0 = not in the alphabet
	symbols    map[rune]int32 // the rest of the alphabet
	rootNext   []int32        // by symbol

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
	kinds      uint32 // bit set of the payload kinds, for hasPayload
	length     int    // in runes
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
	b := &trieBuilder{m: &matcher{symbols: map[rune]int32{}, bmpSymbols: make([]int32, 0x10000)},
		nextSymbol: 1, children: [][]trieEdge{nil}, outs: [][]int32{nil}, next: map[uint64]int32{}, byKey: map[string]int32{}}
	for i, k := range keys {
		b.insert(k, payloads[i])
	}
	b.linkFailures()
	return b.compact()
}

// trieBuilder builds the automaton: a trie as one map from (state,
// symbol) to state plus each state's children for the breadth-first pass,
// compacted into the matcher's arrays at the end.
type trieBuilder struct {
	m          *matcher
	nextSymbol int32
	children   [][]trieEdge
	outs       [][]int32
	next       map[uint64]int32
	byKey      map[string]int32
	fail       []int32
}

type trieEdge struct{ symbol, target int32 }

func trieKey(state, sym int32) uint64 { return uint64(state)<<32 | uint64(uint32(sym)) }

// symbolOf numbers runes in the order they are first seen.
func (b *trieBuilder) symbolOf(r rune) int32 {
	m := b.m
	if r < 0x10000 {
		if m.bmpSymbols[r] == 0 {
			m.bmpSymbols[r] = b.nextSymbol
			b.nextSymbol++
		}
		return m.bmpSymbols[r]
	}
	s, ok := m.symbols[r]
	if !ok {
		s = b.nextSymbol
		m.symbols[r] = s
		b.nextSymbol++
	}
	return s
}

// insert adds a key; a key seen before gains one more payload.
func (b *trieBuilder) insert(k string, payload int32) {
	m := b.m
	if p, ok := b.byKey[k]; ok {
		m.patterns[p].payloads = append(m.patterns[p].payloads, payload)
		return
	}
	runes := []rune(k)
	if len(runes) == 0 {
		return
	}
	state := int32(0)
	for _, r := range runes {
		sym := b.symbolOf(r)
		child, ok := b.next[trieKey(state, sym)]
		if !ok {
			child = int32(len(b.children))
			b.children = append(b.children, nil)
			b.outs = append(b.outs, nil)
			b.next[trieKey(state, sym)] = child
			b.children[state] = append(b.children[state], trieEdge{sym, child})
		}
		state = child
	}
	p := int32(len(m.patterns))
	b.byKey[k] = p
	m.patterns = append(m.patterns, pattern{
		length:     len(runes),
		latinStart: classOf(runes[0]) != classOther,
		latinEnd:   classOf(runes[len(runes)-1]) != classOther,
		payloads:   []int32{payload},
	})
	b.outs[state] = append(b.outs[state], p)
}

// linkFailures sets the failure links, breadth first; outputs inherit
// along them.
func (b *trieBuilder) linkFailures() {
	b.fail = make([]int32, len(b.children))
	queue := make([]int32, 0, len(b.children))
	for _, e := range b.children[0] {
		queue = append(queue, e.target)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, e := range b.children[s] {
			f := b.fail[s]
			for {
				if t, ok := b.next[trieKey(f, e.symbol)]; ok && t != e.target {
					b.fail[e.target] = t
					break
				}
				if f == 0 {
					break
				}
				f = b.fail[f]
			}
			b.outs[e.target] = append(b.outs[e.target], b.outs[b.fail[e.target]]...)
			queue = append(queue, e.target)
		}
	}
}

// compact lays the trie out in the matcher's flat arrays.
func (b *trieBuilder) compact() *matcher {
	m := b.m
	m.rootNext = make([]int32, b.nextSymbol)
	for _, e := range b.children[0] {
		m.rootNext[e.symbol] = e.target
	}
	m.fail = b.fail
	m.edgeStart = make([]int32, len(b.children)+1)
	m.outStart = make([]int32, len(b.children)+1)
	for s, edges := range b.children {
		sort.Slice(edges, func(x, y int) bool { return edges[x].symbol < edges[y].symbol })
		for _, e := range edges {
			m.edgeSymbol = append(m.edgeSymbol, e.symbol)
			m.edgeTarget = append(m.edgeTarget, e.target)
		}
		m.edgeStart[s+1] = int32(len(m.edgeSymbol))
		m.outputs = append(m.outputs, b.outs[s]...)
		m.outStart[s+1] = int32(len(m.outputs))
	}
	return m
}

func (m *matcher) symbol(r rune) int32 {
	if r < 0x10000 {
		return m.bmpSymbols[r]
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
			if spansPunctuation(f, start, end) {
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

// spansPunctuation reports a match with a comma or sentence mark inside it.
func spansPunctuation(f *Folded, start, end int) bool {
	for k := start + 1; k < end; k++ {
		if f.PunctBefore[k] {
			return true
		}
	}
	return false
}
