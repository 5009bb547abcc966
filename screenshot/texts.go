package screenshot

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/scamguard/scamguard/classifier"
)

//go:embed texts.yaml
var textsYAML []byte

// MinChars is the fewest characters a reading must have to be checked;
// below it the user is asked for a clearer picture or the text.
const MinChars = 6

type langTexts struct {
	Read   string `yaml:"read"`
	Little string `yaml:"little"`
}

var texts = mustLoadTexts()

func mustLoadTexts() map[string]langTexts {
	var t map[string]langTexts
	if err := yaml.Unmarshal(textsYAML, &t); err != nil {
		panic(fmt.Sprintf("screenshot/texts.yaml: %v", err)) // embedded: a build mistake, caught by every test
	}
	for _, lang := range []string{"zh", "zh-Hant", "en"} {
		if t[lang].Read == "" || t[lang].Little == "" {
			panic("screenshot/texts.yaml: missing texts for " + lang)
		}
	}
	return t
}

// Lang picks the language to speak about a reading in: lang when it is
// zh, zh-Hant or en, otherwise the script of what was read.
func (r Reading) Lang(lang string) string {
	if _, ok := texts[lang]; ok {
		return lang
	}
	var han, traditional, latin int
	for _, t := range r.Turns {
		f := classifier.Normalize(t.Text)
		han, traditional, latin = han+f.HanRunes, traditional+f.TraditionalRunes, latin+f.LatinRunes
	}
	switch {
	case han == 0 || latin > 2*han:
		return "en"
	case traditional*5 > han:
		return "zh-Hant"
	}
	return "zh"
}

// Summary says what was read ("我从截图里读到 6 条消息：对方 4 条，你 2 条。")
// in lang (see Lang), or, when too little was read, asks for a clearer
// picture or the text; little reports the latter.
func (r Reading) Summary(lang string) (text string, little bool) {
	other, user := r.Counts()
	return SummaryOf(r.Lang(lang), other, user, r.Chars())
}

// SummaryOf is Summary for a reading known by its counts (screenshots read
// one by one, their turns already handed on): other and user messages,
// chars characters, said in lang (zh, zh-Hant or en; zh otherwise).
func SummaryOf(lang string, other, user, chars int) (text string, little bool) {
	t, ok := texts[lang]
	if !ok {
		t = texts["zh"]
	}
	if chars < MinChars {
		return t.Little, true
	}
	return strings.NewReplacer("{n}", strconv.Itoa(other+user), "{other}", strconv.Itoa(other), "{user}", strconv.Itoa(user)).Replace(t.Read), false
}
