package review

import (
	"strings"
	"testing"
)

// TestModTextsNameEveryCode: both languages name every code a case can
// hold, and a file that misses one is refused at load, so a moderator never
// reads a code.
func TestModTextsNameEveryCode(t *testing.T) {
	for _, lang := range []string{ModLangZh, ModLangEn} {
		if err := ModTextsIn(lang).complete(); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
	broken := strings.Replace(string(moderatorsYAML), "    money_move: \"要钱/要码\"\n", "", 1)
	if broken == string(moderatorsYAML) {
		t.Fatal("the test's edit did not apply")
	}
	if _, err := parseModTexts([]byte(broken)); err == nil || !strings.Contains(err.Error(), "money_move") {
		t.Errorf("a file without the name of money_move loaded: %v", err)
	}
	for tag, want := range map[string]string{"zh-hans": ModLangZh, "zh-TW": ModLangZh, "zh-CN,zh;q=0.9": ModLangZh, "en-GB": ModLangEn, "": ModLangEn, "de": ModLangEn} {
		if got := ModLang(tag); got != want {
			t.Errorf("ModLang(%q) = %s, want %s", tag, got, want)
		}
	}
}
