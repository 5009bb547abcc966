package classifier

import (
	_ "embed"
	"strings"
	"unicode/utf8"
)

// Sound matching: key Chinese phrases are matched a second time by their
// pinyin, so homophones and half-pinyin spellings that dodge the characters
// still match: "退宽" sounds like 退款, "支fu宝" is 支付宝, "备yong金" is 备用金.
// Only the demands and turns of the script take part (money moves, pivots,
// pretexts of weight 0.6 or more, three characters or longer): baits and
// short syllable strings collide with honest words too easily ("回原支"
// sounds like 会员制).
const (
	soundMinHan    = 3
	soundMinWeight = 0.6
)

var soundRoles = map[Role]bool{RoleMoneyMove: true, RolePivot: true, RolePretext: true}

//go:embed pinyin.txt
var pinyinTable string

// pinyinOf is the toneless syllable of each ideograph of the CJK block.
var pinyinOf = func() []string {
	table := make([]string, hanLast-hanFirst+1)
	for _, line := range strings.Split(pinyinTable, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		syllable, chars, ok := strings.Cut(line, " ")
		if !ok {
			continue
		}
		for _, r := range chars {
			if r >= hanFirst && r <= hanLast {
				table[r-hanFirst] = syllable
			}
		}
	}
	return table
}()

// soundKey spells a folded phrase in pinyin; ok is false when it has too
// few Han characters to be matched by sound.
func soundKey(folded string) (string, bool) {
	var b strings.Builder
	han := 0
	for _, r := range folded {
		if r >= hanFirst && r <= hanLast && pinyinOf[r-hanFirst] != "" {
			b.WriteString(pinyinOf[r-hanFirst])
			han++
			continue
		}
		b.WriteRune(r)
	}
	return b.String(), han >= soundMinHan
}

// sounded is a Folded text spelled in pinyin, with each letter pointing back
// at the folded rune it came from.
type sounded struct {
	Folded
	origin  []int32 // sound index → folded index
	matches []match // reused by findSound
}

// spell writes f in pinyin into s: a syllable starts a word, so a sound
// phrase must start and end on syllable boundaries.
func (s *sounded) spell(f *Folded) {
	s.reset(3 * len(f.Runes))
	s.origin = s.origin[:0]
	for i, r := range f.Runes {
		syllable := ""
		if r >= hanFirst && r <= hanLast {
			syllable = pinyinOf[r-hanFirst]
		}
		if syllable == "" {
			s.appendRune(r, f, i, f.WordStart[i])
			continue
		}
		for k := 0; k < len(syllable); {
			l, w := utf8.DecodeRuneInString(syllable[k:])
			s.appendRune(l, f, i, k == 0)
			k += w
		}
	}
}

func (s *sounded) appendRune(r rune, f *Folded, i int, wordStart bool) {
	first := len(s.origin) == 0 || s.origin[len(s.origin)-1] != int32(i)
	s.Runes = append(s.Runes, r)
	s.Start = append(s.Start, f.Start[i])
	s.End = append(s.End, f.End[i])
	s.WordStart = append(s.WordStart, wordStart)
	s.PunctBefore = append(s.PunctBefore, first && f.PunctBefore[i])
	s.SpaceBefore = append(s.SpaceBefore, first && f.SpaceBefore[i])
	s.Clause = append(s.Clause, f.Clause[i])
	s.origin = append(s.origin, int32(i))
}

// findSound returns signal hits found by sound that the characters did not
// already find, as spans of the folded text.
func (c *Classifier) findSound(snd *sounded, folded *Folded, matches []match) []nearHit {
	if c.soundMatcher == nil || folded.HanRunes == 0 {
		return nil // nothing to spell: English text is matched as it is
	}
	snd.spell(folded)
	var hits []nearHit
	snd.matches = c.soundMatcher.findAll(&snd.Folded, snd.matches[:0])
	for _, m := range snd.matches {
		span := match{start: snd.origin[m.start], end: snd.origin[m.end-1] + 1}
		for _, signal := range c.soundMatcher.patterns[m.pattern].payloads {
			if !c.foundLiterally(matches, span, signal) {
				hits = append(hits, nearHit{signal: signal, span: span})
			}
		}
	}
	return hits
}

// foundLiterally reports whether the character matcher found the same
// signal over the same span.
func (c *Classifier) foundLiterally(matches []match, span match, signal int32) bool {
	for _, m := range matches {
		if m.start == span.start && m.end == span.end && c.patternHas(m, payloadSignal, signal) {
			return true
		}
	}
	return false
}
