package catalog

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode"
)

// traditionalQuotes are the hand fixes of gen_hant.go that change
// punctuation: Taiwan and Hong Kong quote with corner brackets.
var traditionalQuotes = map[rune]rune{'「': '“', '」': '”', '『': '‘', '』': '’'}

// phraseOnly are Traditional characters that OpenCC writes only inside a
// phrase (借口 → 藉口), so the character table of t2s.txt does not map them.
var phraseOnly = map[rune]rune{'藉': '借'}

// loadT2S reads the classifier's Traditional → Simplified table (OpenCC
// data): converting a zh_hant text back must give its zh text, which catches
// a zh text edited without running gen_hant.go and a character gen_hant.go
// mapped to the wrong word.
func loadT2S(t *testing.T) map[rune]rune {
	t.Helper()
	data, err := os.ReadFile("../classifier/t2s.txt")
	if err != nil {
		t.Fatalf("read the Traditional → Simplified table: %v", err)
	}
	table := map[rune]rune{}
	for _, line := range strings.Split(string(data), "\n") {
		trad, simp, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		table[[]rune(trad)[0]] = []rune(simp)[0]
	}
	return table
}

// checkTraditional says what is wrong with hant as the Traditional text of zh.
func checkTraditional(zh, hant string, t2s map[rune]rune) error {
	if zh == "" {
		return nil
	}
	if hant == "" {
		return fmt.Errorf("no zh_hant text for %q", zh)
	}
	simplified, traditional := []rune(zh), []rune(hant)
	if len(simplified) != len(traditional) {
		return fmt.Errorf("zh_hant %q does not match zh %q (length differs); run gen_hant.go", hant, zh)
	}
	for i, r := range traditional {
		back := r
		if q, ok := traditionalQuotes[r]; ok {
			back = q
		} else if p, ok := phraseOnly[r]; ok {
			back = p
		} else if s, ok := t2s[r]; ok && unicode.Is(unicode.Han, r) {
			back = s
		}
		if back != simplified[i] && r != simplified[i] {
			return fmt.Errorf("zh_hant %q does not match zh %q at %q (reads back as %q); run gen_hant.go",
				hant, zh, string(r), string(back))
		}
	}
	return nil
}

// TestTraditionalTextsMatchSimplified checks that every user-visible zh text
// of the embedded data has its Traditional twin and that the twin converts
// back to it character by character.
func TestTraditionalTextsMatchSimplified(t *testing.T) {
	c := mustLoad(t)
	t2s := loadT2S(t)
	check := func(where string, zh, hant string) {
		t.Helper()
		if err := checkTraditional(zh, hant, t2s); err != nil {
			t.Errorf("%s: %v", where, err)
		}
	}
	check("fallback_advice", c.fallbackAdvice.Zh, c.fallbackAdvice.ZhHant)
	for _, b := range c.Brands() {
		check(b.ID+" names", b.Names.Zh, b.Names.ZhHant)
		check(b.ID+" how_to_verify", b.HowToVerify.Zh, b.HowToVerify.ZhHant)
		if b.AppPath != nil {
			check(b.ID+" app_path", b.AppPath.Zh, b.AppPath.ZhHant)
		}
	}
	for _, st := range c.ScamTypes() {
		check(st.Slug+" names", st.Names.Zh, st.Names.ZhHant)
		check(st.Slug+" advice", st.Advice.Zh, st.Advice.ZhHant)
		for _, name := range StageNames {
			stage, _ := st.Stage(name)
			check(st.Slug+" "+name+".what", stage.What.Zh, stage.What.ZhHant)
			check(st.Slug+" "+name+".next", stage.Next.Zh, stage.Next.ZhHant)
		}
		if len(st.NeverDoes.ZhHant) != len(st.NeverDoes.Zh) {
			t.Errorf("%s never_does: %d zh_hant lines for %d zh lines", st.Slug, len(st.NeverDoes.ZhHant), len(st.NeverDoes.Zh))
			continue
		}
		for i := range st.NeverDoes.Zh {
			check(fmt.Sprintf("%s never_does #%d", st.Slug, i), st.NeverDoes.Zh[i], st.NeverDoes.ZhHant[i])
		}
	}
}

func TestCheckTraditionalCatchesStaleText(t *testing.T) {
	t2s := map[rune]rune{'後': '后', '髮': '发', '發': '发'}
	tests := []struct {
		name, zh, hant string
		wantErr        bool
	}{
		{"matches", "然后发货", "然後發货", false},
		{"quotes", "“退款”", "「退款」", false},
		{"missing", "然后", "", true},
		{"zh edited", "然后马上", "然後", true},
		{"different word", "然后发货", "然後髮货", false}, // both read back as 发: the round trip cannot tell, review can
		{"different text", "然后发货", "之後發货", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTraditional(tt.zh, tt.hant, t2s)
			if (err != nil) != tt.wantErr {
				t.Errorf("checkTraditional(%q, %q) = %v, want error %v", tt.zh, tt.hant, err, tt.wantErr)
			}
		})
	}
}
