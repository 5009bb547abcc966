package classifier

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Folded is a message rewritten for matching, built for adversaries: case,
// width, look-alike letters, Traditional characters, Chinese numerals,
// invisible characters and the separators and emoji that scammers put inside
// keywords no longer matter. Every folded rune remembers which bytes of the
// original text it came from, so a match can quote the original.
type Folded struct {
	// Runes is the folded text: letters, digits and CJK characters only.
	Runes []rune
	// Start and End are the byte span in the original text of the character
	// each rune came from (one character may fold into several runes: "①⓪").
	Start, End []int32
	// WordStart is set where a separator, the start of the text or a change of
	// script comes before the rune: Latin phrases must begin and end at one.
	WordStart []bool
	// PunctBefore is set where a comma or sentence punctuation stands between
	// the rune and the one before it: a keyword never spans those
	// ("出，金" is not "出金"), while dots, spaces and emoji inside one are
	// obfuscation.
	PunctBefore []bool
	// SpaceBefore is set where only white space stands between the rune
	// and the one before it: in Chinese written without punctuation
	// ("叫我不要告诉他爸妈 现在有个人要上门来拿钱") a space between two
	// runs of characters ends a sentence (spacedApart).
	SpaceBefore []bool
	// Clause numbers the clauses (split at sentence punctuation),
	// so that "never" only negates a phrase in its own clause.
	Clause []int32
	// HanRunes, TraditionalRunes and LatinRunes count the scripts of the
	// original text, for the reply language.
	HanRunes, TraditionalRunes, LatinRunes int
}

// Normalize folds text for matching; it accepts any bytes (invalid UTF-8 is
// treated as separators).
func Normalize(text string) *Folded {
	f := &Folded{}
	f.reset(len(text))
	f.fold(text)
	return f
}

// reset empties f for a text of n bytes, keeping its buffers when they
// are big enough (the classifier reuses Folded values through a pool).
func (f *Folded) reset(n int) {
	if cap(f.Runes) < n {
		f.Runes = make([]rune, 0, n)
		f.Start = make([]int32, 0, n)
		f.End = make([]int32, 0, n)
		f.WordStart = make([]bool, 0, n)
		f.PunctBefore = make([]bool, 0, n)
		f.SpaceBefore = make([]bool, 0, n)
		f.Clause = make([]int32, 0, n)
	}
	f.Runes, f.Start, f.End, f.WordStart, f.Clause = f.Runes[:0], f.Start[:0], f.End[:0], f.WordStart[:0], f.Clause[:0]
	f.PunctBefore = f.PunctBefore[:0]
	f.SpaceBefore = f.SpaceBefore[:0]
	f.HanRunes, f.TraditionalRunes, f.LatinRunes = 0, 0, 0
}

// runeClass tells scripts apart for word boundaries.
type runeClass uint8

const (
	classNone runeClass = iota
	classLatin
	classDigit
	classOther // CJK and every other script
)

func classOf(r rune) runeClass {
	switch {
	case r >= 'a' && r <= 'z':
		return classLatin
	case r >= '0' && r <= '9':
		return classDigit
	case r < utf8.RuneSelf, r >= 0x2E80:
		return classOther
	case unicode.Is(unicode.Latin, r):
		return classLatin
	}
	return classOther
}

// fold appends the folding of text to f (which may already hold a carried
// tail of the previous message).
func (f *Folded) fold(text string) {
	w := folder{f: f, boundary: true, prevClass: classNone}
	for i := 0; i < len(text); {
		r, width := utf8.DecodeRuneInString(text[i:])
		start, end := i, i+width
		i = end
		switch {
		case r == utf8.RuneError && width <= 1:
			w.boundary = true
		case r < utf8.RuneSelf:
			w.ascii(text, r, start, end)
		case isInvisible(r):
			// Zero-width characters are put inside words to break matching;
			// they are not separators.
		case (r == '，' || r == '．') && betweenWideDigits(text, end, r == '，', &w):
			// "２，９８０" is one amount, as "2,980" is (betweenDigits).
			if r == '．' {
				w.boundary = true
			}
		case r >= hanFirst && r <= hanLast:
			// CJK ideographs: no compatibility decomposition, just the table.
			f.HanRunes++
			folded := hanTable[r-hanFirst]
			if folded.traditional {
				f.TraditionalRunes++
			}
			w.emit(folded.to, start, end)
		default:
			w.decomposed(r, start, end)
		}
	}
}

// folder is the state of one fold: whether a separator, a keyword break
// or a clause break came since the last rune emitted.
type folder struct {
	f         *Folded
	boundary  bool
	punct     bool
	space     bool
	prevClass runeClass
	clause    int32
	scratch   [16]byte // one rune's decomposition
}

// emit appends one folded rune from the original bytes start..end.
func (w *folder) emit(r rune, start, end int) {
	c := classOf(r)
	f := w.f
	f.Runes = append(f.Runes, r)
	f.Start = append(f.Start, int32(start))
	f.End = append(f.End, int32(end))
	f.WordStart = append(f.WordStart, w.boundary || c != w.prevClass || c == classOther)
	f.PunctBefore = append(f.PunctBefore, w.punct)
	f.SpaceBefore = append(f.SpaceBefore, w.space && !w.punct)
	f.Clause = append(f.Clause, w.clause)
	w.boundary, w.punct, w.space = false, false, false
	w.prevClass = c
}

// separate records a separator: punctuation, a space, a symbol.
func (w *folder) separate(r rune) {
	if isClauseBreak(r) {
		w.clause++
	}
	w.punct = w.punct || isKeywordBreak(r)
	w.space = w.space || r == ' ' || r == '\t' || r == '\u3000'
	w.boundary = true
}

// ascii folds an ASCII rune at byte start of text.
func (w *folder) ascii(text string, r rune, start, end int) {
	switch {
	case r >= 'A' && r <= 'Z':
		w.f.LatinRunes++
		w.emit(r+('a'-'A'), start, end)
	case r >= 'a' && r <= 'z':
		w.f.LatinRunes++
		w.emit(r, start, end)
	case r >= '0' && r <= '9':
		w.emit(r, start, end)
	case (r == ',' || r == '.') && betweenDigits(text, start, w):
		// "$3,590" and "£1.45" are one amount: a thousands comma or a
		// decimal point ends neither a keyword's reach nor a clause
		// ("send back $3,590 in gift cards"). The comma joins the digits;
		// the point keeps them two words.
		if r == '.' {
			w.boundary = true
		}
	case r == '.' && dottedLetter(text, start):
		// "f.i.l.l i.n t.h.e c.a.r.d": dots between single letters
		// hide words; they end neither a word nor a sentence.
	default:
		w.separate(r)
	}
}

// decomposed folds any other rune by compatibility decomposition, which
// turns full-width forms, circled digits, ligatures and styled letters
// into plain ones; accents become combining marks, which are dropped. The
// punctuation and full-width blocks that Chinese text is full of come
// from a table.
func (w *folder) decomposed(r rune, start, end int) {
	var parts []byte
	if r >= decomposedFirst && r <= decomposedLast && decomposedTable[r-decomposedFirst] != nil {
		parts = decomposedTable[r-decomposedFirst]
	} else {
		n := utf8.EncodeRune(w.scratch[:], r)
		parts = norm.NFKD.Append(w.scratch[n:n], w.scratch[:n]...)
	}
	for len(parts) > 0 {
		p, size := utf8.DecodeRune(parts)
		parts = parts[size:]
		switch {
		case unicode.Is(unicode.Mn, p) || unicode.Is(unicode.Me, p) || isInvisible(p):
		case unicode.IsLetter(p) || unicode.IsDigit(p):
			p = foldLetter(p)
			if p >= hanFirst && p <= hanLast {
				p = hanTable[p-hanFirst].to
			}
			w.emit(p, start, end)
		case unicode.IsNumber(p):
			// Other numbers (Roman numerals, superscripts) that did not
			// decompose to digits are left as separators.
			w.boundary = true
		case p >= 'A' && p <= 'Z':
			w.emit(p+('a'-'A'), start, end)
		case p >= 'a' && p <= 'z', p >= '0' && p <= '9':
			w.emit(p, start, end)
		default:
			w.separate(p)
		}
	}
}

// decomposedTable caches the NFKD form of the blocks Chinese and obfuscated
// text is full of: general punctuation, letter-like and enclosed
// alphanumerics (①), CJK punctuation, and the full-width forms. Other runes
// are decomposed on the fly.
const (
	decomposedFirst = 0x2000
	decomposedLast  = 0xFFEF
)

var decomposedTable = func() [][]byte {
	table := make([][]byte, decomposedLast-decomposedFirst+1)
	var buf [utf8.UTFMax]byte
	for _, block := range [][2]rune{{0x2000, 0x206F}, {0x2100, 0x24FF}, {0x3000, 0x303F}, {0xFF00, 0xFFEF}} {
		for r := block[0]; r <= block[1]; r++ {
			n := utf8.EncodeRune(buf[:], r)
			table[r-decomposedFirst] = norm.NFKD.Append(make([]byte, 0, n), buf[:n]...)
		}
	}
	return table
}()

// betweenDigits reports a comma or point inside a number: a digit was the
// last rune emitted, with nothing between, and a digit follows. A comma
// only when exactly three digits follow it ("1,000", not "1,2,3 go").
func betweenDigits(text string, at int, w *folder) bool {
	if w.prevClass != classDigit || w.boundary || w.punct || at+1 >= len(text) || !isDigit(text[at+1]) {
		return false
	}
	if text[at] == '.' {
		return true
	}
	n := 0
	for k := at + 1; k < len(text) && isDigit(text[k]); k++ {
		n++
	}
	return n == 3
}

// betweenWideDigits is betweenDigits for a full-width comma or point whose
// next character (at byte next) is a digit, full width or not.
func betweenWideDigits(text string, next int, comma bool, w *folder) bool {
	if w.prevClass != classDigit || w.boundary || w.punct {
		return false
	}
	n := 0
	for k := next; k < len(text); {
		r, size := utf8.DecodeRuneInString(text[k:])
		if !(r >= '0' && r <= '9' || r >= '０' && r <= '９') {
			break
		}
		n++
		k += size
	}
	if comma {
		return n == 3
	}
	return n > 0
}

// isClauseBreak reports sentence punctuation (ASCII forms; the full-width
// ones arrive here already decomposed to ASCII). Commas do not end a clause:
// "we never ask for passwords, gift cards or codes" negates all three.
func isClauseBreak(r rune) bool {
	switch r {
	case '.', '!', '?', ';', '\n', '。', '…':
		return true
	}
	return false
}

// isKeywordBreak reports punctuation that no keyword spans: commas and
// sentence marks, but not the dots people put inside words to dodge filters.
func isKeywordBreak(r rune) bool {
	switch r {
	case ',', '!', '?', ';', ':', '\n', '。', '、', '…':
		return true
	}
	return false
}

// isInvisible reports characters that render as nothing.
func isInvisible(r rune) bool {
	switch {
	case r == 0x00AD, r == 0x034F, r == 0x061C, r == 0x180E:
		return true
	case r >= 0x200B && r <= 0x200F, r >= 0x202A && r <= 0x202E, r >= 0x2060 && r <= 0x206F:
		return true
	case r == 0xFEFF, r >= 0xFE00 && r <= 0xFE0F, r >= 0xE0000 && r <= 0xE007F, r >= 0xE0100 && r <= 0xE01EF:
		return true
	case r == 0x3164, r == 0xFFA0, r == 0x115F, r == 0x1160: // Hangul fillers look blank
		return true
	}
	return false
}

// foldLetter lower-cases and maps look-alike letters to the Latin letter
// they imitate.
func foldLetter(r rune) rune {
	if l, ok := upperConfusables[r]; ok {
		return l
	}
	r = unicode.ToLower(r)
	if l, ok := confusables[r]; ok {
		return l
	}
	return r
}

// upperConfusables are capitals whose look-alike differs from that of their
// lower case (Greek Υ looks like Y, υ like u; Cyrillic Н like H).
var upperConfusables = map[rune]rune{
	'Α': 'a', 'Β': 'b', 'Ε': 'e', 'Ζ': 'z', 'Η': 'h', 'Ι': 'i', 'Κ': 'k', 'Μ': 'm', 'Ν': 'n',
	'Ο': 'o', 'Ρ': 'p', 'Τ': 't', 'Υ': 'y', 'Χ': 'x',
	'А': 'a', 'В': 'b', 'Е': 'e', 'К': 'k', 'М': 'm', 'Н': 'h', 'О': 'o', 'Р': 'p', 'С': 'c',
	'Т': 't', 'У': 'y', 'Х': 'x', 'Ѕ': 's', 'І': 'i', 'Ј': 'j',
}

// confusables maps Cyrillic, Greek and other look-alikes (lower case) to
// Latin. Only letters that look the same in common fonts.
var confusables = map[rune]rune{
	// Cyrillic
	'а': 'a', 'в': 'b', 'е': 'e', 'ё': 'e', 'һ': 'h', 'і': 'i', 'ї': 'i', 'ј': 'j', 'к': 'k',
	'м': 'm', 'н': 'h', 'о': 'o', 'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ѕ': 's',
	'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ɡ': 'g', 'ү': 'y', 'ӏ': 'l', 'ո': 'n', 'ս': 'u', 'օ': 'o',
	// Greek
	'α': 'a', 'β': 'b', 'ε': 'e', 'η': 'n', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p',
	'τ': 't', 'υ': 'u', 'χ': 'x', 'ω': 'w', 'ϲ': 'c',
	// Latin variants
	'ı': 'i', 'ȷ': 'j', 'ł': 'l', 'ø': 'o', 'đ': 'd', 'ħ': 'h', 'ŀ': 'l', 'ß': 's',
}

// The unified CJK ideographs block, where Traditional → Simplified and
// Chinese numerals are folded through one dense table.
const (
	hanFirst = 0x4E00
	hanLast  = 0x9FFF
)

type hanFold struct {
	to          rune
	traditional bool
}

var chineseDigits = map[rune]rune{
	'零': '0', '〇': '0', '一': '1', '二': '2', '三': '3', '四': '4', '五': '5',
	'六': '6', '七': '7', '八': '8', '九': '9',
	'壹': '1', '贰': '2', '叁': '3', '肆': '4', '伍': '5', '陆': '6', '柒': '7', '捌': '8', '玖': '9',
}

//go:embed t2s.txt
var t2sTable string

// traditionalToSimplified is built once from t2s.txt (OpenCC data).
var traditionalToSimplified = func() map[rune]rune {
	m := make(map[rune]rune, 4200)
	for _, line := range strings.Split(t2sTable, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		trad, simp, ok := strings.Cut(line, "\t")
		if !ok {
			continue
		}
		t, _ := utf8.DecodeRuneInString(trad)
		s, _ := utf8.DecodeRuneInString(simp)
		m[t] = s
	}
	return m
}()

// hanTable folds every ideograph of the block: Traditional → Simplified,
// then numerals → digits.
var hanTable = func() []hanFold {
	table := make([]hanFold, hanLast-hanFirst+1)
	for i := range table {
		r := rune(hanFirst + i)
		to, traditional := traditionalToSimplified[r]
		if !traditional {
			to = r
		}
		if d, ok := chineseDigits[to]; ok {
			to = d
		}
		table[i] = hanFold{to: to, traditional: traditional}
	}
	return table
}()

// foldKey folds a phrase of the signals file the same way as text.
func foldKey(phrase string) string {
	return string(Normalize(phrase).Runes)
}

// dottedLetter reports a dot at byte i that stands between a single letter
// and another letter ("T.x.t", "c.a.r.d").
func dottedLetter(text string, i int) bool {
	return i >= 1 && i+1 < len(text) && isASCIILetter(text[i-1]) && isASCIILetter(text[i+1]) &&
		(i == 1 || !isASCIILetter(text[i-2]))
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }
