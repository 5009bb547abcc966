package classifier

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalizeFoldsObfuscation(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"spaces inside a keyword", "礼 品 卡", "礼品卡"},
		{"dots inside a keyword", "礼.品.卡", "礼品卡"},
		{"emoji inside a keyword", "礼🎁品卡", "礼品卡"},
		{"dotted latin", "g.i.f.t c.a.r.d", "giftcard"},
		{"full-width latin and digits", "ＧＩＦＴ　ｃａｒｄ １２３", "giftcard123"},
		{"zero-width characters", "gi\u200bft\u200d ca\u2060rd", "giftcard"},
		{"cyrillic look-alikes", "gіft сard", "giftcard"}, // і and с are Cyrillic
		{"greek look-alikes", "ΡΑΥΡΑL", "paypal"},
		{"accents", "gíft cärd", "giftcard"},
		{"traditional to simplified", "禮品卡 詐騙", "礼品卡诈骗"},
		{"chinese numerals", "三倍赔偿 壹万", "3倍赔偿1万"},
		{"circled digits", "①②③", "123"},
		{"full-width punctuation is a separator", "验证码，告诉我！", "验证码告诉我"},
		{"case", "Gift CARD", "giftcard"},
		{"invalid utf-8 is a separator", "gift\xffcard", "giftcard"},
		{"soft hyphen", "gift\u00adcard", "giftcard"},
		{"styled letters", "𝐠𝐢𝐟𝐭", "gift"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(Normalize(tt.in).Runes); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeKeepsOriginalSpans(t *testing.T) {
	in := "请买 礼.品🎁卡 now"
	f := Normalize(in)
	key := []rune("礼品卡")
	at := strings.Index(string(f.Runes), string(key))
	if at < 0 {
		t.Fatalf("folded %q lacks 礼品卡", string(f.Runes))
	}
	runeAt := utf8.RuneCountInString(string(f.Runes)[:at])
	start, end := f.Start[runeAt], f.End[runeAt+len(key)-1]
	if got := in[start:end]; got != "礼.品🎁卡" {
		t.Errorf("span points at %q, want %q", got, "礼.品🎁卡")
	}
}

func TestNormalizeWordStarts(t *testing.T) {
	f := Normalize("shop ping")
	want := []bool{true, false, false, false, true, false, false, false}
	for i, w := range want {
		if f.WordStart[i] != w {
			t.Errorf("WordStart[%d] (%q) = %v, want %v", i, f.Runes[i], f.WordStart[i], w)
		}
	}
}

func TestNormalizeClauses(t *testing.T) {
	f := Normalize("我们不会。请买卡")
	if f.Clause[0] == f.Clause[len(f.Runes)-1] {
		t.Errorf("full stop did not start a new clause: %v", f.Clause)
	}
	f = Normalize("never ask for passwords, gift cards")
	if f.Clause[0] != f.Clause[len(f.Runes)-1] {
		t.Errorf("a comma ended the clause: %v", f.Clause)
	}
}

// TestNormalizeAmounts: a thousands comma or a decimal point inside an amount
// is part of the number, not punctuation; a comma between words, or one not
// followed by three digits, still is.
func TestNormalizeAmounts(t *testing.T) {
	cases := []struct {
		in        string
		runes     string
		sameWord  bool // the amount's digits stay one word
		punctFree bool // no keyword break anywhere
		oneClause bool
	}{
		{"send back $3,590 in gift cards", "sendback3590ingiftcards", true, true, true},
		{"pay £1.45 now", "pay145now", false, true, true},
		{"pay 1,2,3 go", "pay123go", false, false, true},
		{"先交＄３，０００手续费", "先交3000手续费", false, true, true},
		{"items, cards", "itemscards", false, false, true},
		{"paid 5. Then stop", "paid5thenstop", false, true, false}, // a full stop after a number still ends the sentence
	}
	for _, c := range cases {
		f := Normalize(c.in)
		if string(f.Runes) != c.runes {
			t.Errorf("%q folded to %q, want %q", c.in, string(f.Runes), c.runes)
			continue
		}
		punct := false
		for _, p := range f.PunctBefore {
			punct = punct || p
		}
		if punct == c.punctFree {
			t.Errorf("%q: keyword break present = %v, want %v", c.in, punct, !c.punctFree)
		}
		if one := f.Clause[0] == f.Clause[len(f.Runes)-1]; one != c.oneClause {
			t.Errorf("%q: one clause = %v, want %v", c.in, one, c.oneClause)
		}
		if c.sameWord {
			at := strings.IndexRune(string(f.Runes), '3')
			k := len([]rune(string(f.Runes)[:at]))
			for i := k + 1; i < k+4; i++ {
				if f.WordStart[i] {
					t.Errorf("%q: the amount was split at rune %d", c.in, i)
				}
			}
		}
	}
}

func FuzzNormalize(f *testing.F) {
	for _, seed := range []string{"", "礼 品 卡", "g.i.f.t", "\xff\xfe", "①②", "ＧＩＦＴ", "禮品卡", strings.Repeat("a", 100)} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		folded := Normalize(in)
		n := len(folded.Runes)
		if len(folded.Start) != n || len(folded.End) != n || len(folded.WordStart) != n || len(folded.Clause) != n || len(folded.PunctBefore) != n {
			t.Fatalf("parallel slices differ in length")
		}
		for i := 0; i < n; i++ {
			s, e := folded.Start[i], folded.End[i]
			if s < 0 || e > int32(len(in)) || s >= e {
				t.Fatalf("rune %d has span [%d,%d) outside input of %d bytes", i, s, e, len(in))
			}
			if i > 0 && s < folded.Start[i-1] {
				t.Fatalf("spans go backwards at %d", i)
			}
		}
		// Folding is idempotent: folded text folds to itself.
		again := string(Normalize(string(folded.Runes)).Runes)
		if again != string(folded.Runes) {
			t.Fatalf("not idempotent: %q → %q", string(folded.Runes), again)
		}
	})
}
