package telegramtest

import (
	"strings"
	"testing"
)

// TestPhonePageKeepsTheEntities: the page shows the text Telegram kept
// with its entities at their UTF-16 offsets (an emoji counts two), one
// element per line, an entity across a line break on both lines, and
// everything escaped.
func TestPhonePageKeepsTheEntities(t *testing.T) {
	parsed, err := parseHTML("<b>🚨 诈骗</b>\n<i>a &lt;b&gt;\nc</i> <a href=\"https://x.org/?a=1&amp;b=2\">x</a>\n\n☎️ 96110")
	if err != nil {
		t.Fatal(err)
	}
	page := PhonePage(Bubble{Text: parsed.Text, Entities: parsed.Entities, ReplyTo: "<script>"})
	for _, want := range []string{
		`<div class="line"><b>🚨 诈骗</b></div>`,
		`<div class="line"><i>a &lt;b&gt;</i></div>`,
		`<div class="line"><i>c</i> <a href="https://x.org/?a=1&amp;b=2">x</a></div>`,
		`<div class="line"></div>`,
		`<div class="line">☎️ 96110</div>`,
		`<div class="reply-to">&lt;script&gt;</div>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s:\n%s", want, page)
		}
	}
}
