package telegramtest

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-telegram/bot/models"
)

func TestParseHTMLAcceptsWhatTelegramAccepts(t *testing.T) {
	tests := []struct {
		name         string
		html         string
		wantText     string
		wantEntities []models.MessageEntity
	}{
		{
			name:     "plain text",
			html:     "Refunds never need your card PIN.",
			wantText: "Refunds never need your card PIN.",
		},
		{
			name:         "bold and italic synonyms",
			html:         "<b>a</b><strong>b</strong><i>c</i><em>d</em>",
			wantText:     "abcd",
			wantEntities: []models.MessageEntity{{Type: "bold", Offset: 0, Length: 1}, {Type: "bold", Offset: 1, Length: 1}, {Type: "italic", Offset: 2, Length: 1}, {Type: "italic", Offset: 3, Length: 1}},
		},
		{
			name:         "nesting lists the outer entity first",
			html:         "<b><i>x</i>y</b>",
			wantText:     "xy",
			wantEntities: []models.MessageEntity{{Type: "bold", Offset: 0, Length: 2}, {Type: "italic", Offset: 0, Length: 1}},
		},
		{
			name:     "the four named entities and numeric ones decode",
			html:     "&lt;a&gt; &amp; &quot;q&quot; &#65;&#x42;&#X43;",
			wantText: `<a> & "q" ABC`,
		},
		{
			name:     "bare ampersand, unknown entity and bare > stay as text",
			html:     "AT&T &nbsp; 2 > 1",
			wantText: "AT&T &nbsp; 2 > 1",
		},
		{
			name:         "link with entity in href",
			html:         `<a href="https://example.com/?a=1&amp;b=2">site</a>`,
			wantText:     "site",
			wantEntities: []models.MessageEntity{{Type: "text_link", Offset: 0, Length: 4, URL: "https://example.com/?a=1&b=2"}},
		},
		{
			name:         "spoilers both ways",
			html:         `<span class="tg-spoiler">a</span><tg-spoiler>b</tg-spoiler>`,
			wantText:     "ab",
			wantEntities: []models.MessageEntity{{Type: "spoiler", Offset: 0, Length: 1}, {Type: "spoiler", Offset: 1, Length: 1}},
		},
		{
			name:         "pre with language takes it from code",
			html:         `<pre><code class="language-go">x := 1</code></pre>`,
			wantText:     "x := 1",
			wantEntities: []models.MessageEntity{{Type: "pre", Offset: 0, Length: 6, Language: "go"}},
		},
		{
			name:         "expandable blockquote",
			html:         "<blockquote expandable>long</blockquote>",
			wantText:     "long",
			wantEntities: []models.MessageEntity{{Type: "expandable_blockquote", Offset: 0, Length: 4}},
		},
		{
			name:         "offsets count UTF-16 units",
			html:         "😀<u>é</u>",
			wantText:     "😀é",
			wantEntities: []models.MessageEntity{{Type: "underline", Offset: 2, Length: 1}},
		},
		{
			name:     "empty tags make no entity",
			html:     "a<b></b>",
			wantText: "a",
		},
		{
			name:         "tag names are case-insensitive and </> closes the last tag",
			html:         "<B>x</>",
			wantText:     "x",
			wantEntities: []models.MessageEntity{{Type: "bold", Offset: 0, Length: 1}},
		},
		{
			name:         "custom emoji",
			html:         `<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>`,
			wantText:     "👍",
			wantEntities: []models.MessageEntity{{Type: "custom_emoji", Offset: 0, Length: 2, CustomEmojiID: "5368324170671202286"}},
		},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got, err := parseHTML(test.html)
			if err != nil {
				t.Fatalf("parseHTML(%q) failed: %v", test.html, err)
			}
			want := parsedText{Text: test.wantText, Entities: test.wantEntities}
			if !got.equal(want) {
				t.Errorf("parseHTML(%q) = %+v, want %+v", test.html, got, want)
			}
		})
	}
}

func TestParseHTMLRejectsWhatTelegramRejects(t *testing.T) {
	tests := []struct {
		name    string
		html    string
		wantErr string
	}{
		{"unescaped less-than", "price < 5", `Unsupported start tag "" at byte offset 6`},
		{"line break tag", "line<br>next", `Unsupported start tag "br" at byte offset 4`},
		{"paragraph tag", "<p>x</p>", `Unsupported start tag "p" at byte offset 0`},
		{"unclosed tag", "<b>bold", `Can't find end tag corresponding to start tag "b"`},
		{"crossing tags", "<b><i>x</b></i>", `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{"end tag with no start", "x</b>", "Unexpected end tag at byte offset 1"},
		{"start tag cut off", "x <b", "Unclosed start tag at byte offset 2"},
		{"less-than at the end", "x <", "Unclosed start tag at byte offset 2"},
		{"span without spoiler class", `<span class="x">a</span>`, `Tag "span" must have class "tg-spoiler" at byte offset 0`},
		{"attribute without value", `<a href>x</a>`, `Expected equal sign in declaration of an attribute of the tag "a" at byte offset 0`},
		{"unterminated quoted attribute", `<a href="x>y</a>`, "Unclosed start tag at byte offset 0"},
		{"end tag cut off", "<b>x</b", "Unclosed end tag at byte offset 4"},
	}
	for _, test := range tests {
		t.Run(test.name, func(t *testing.T) {
			got, err := parseHTML(test.html)
			if err == nil {
				t.Fatalf("parseHTML(%q) = %+v, want error %q", test.html, got, test.wantErr)
			}
			if err.Error() != test.wantErr {
				t.Errorf("parseHTML(%q) error = %q, want %q", test.html, err, test.wantErr)
			}
		})
	}
}

// FuzzParseHTML checks that any input, however broken, gives either an error
// or a visible text no longer than the input with entities inside it.
func FuzzParseHTML(f *testing.F) {
	for _, seed := range []string{
		"<b>x</b>", "a < b", "&lt;&#128512;&#x1F600;", `<a href='x'>y</a>`, "<pre><code class=\"language-go\">x</code></pre>",
		"<blockquote expandable>q</blockquote>", "<b><i>x</b></i>", "&#xD800;", "</>", "<tg-emoji emoji-id=1>x</tg-emoji>",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, html string) {
		parsed, err := parseHTML(html)
		if err != nil {
			return
		}
		if len(parsed.Text) > len(html) {
			t.Errorf("visible text %q longer than input %q", parsed.Text, html)
		}
		if utf8.ValidString(html) && !utf8.ValidString(parsed.Text) {
			t.Errorf("valid UTF-8 input %q gave invalid visible text %q", html, parsed.Text)
		}
		textLen := utf16Len(parsed.Text)
		for _, entity := range parsed.Entities {
			if entity.Offset < 0 || entity.Length <= 0 || entity.Offset+entity.Length > textLen {
				t.Errorf("entity %+v outside text %q (%d UTF-16 units)", entity, parsed.Text, textLen)
			}
		}
		if !strings.Contains(html, "<") && len(parsed.Entities) > 0 {
			t.Errorf("input without tags %q gave entities %+v", html, parsed.Entities)
		}
	})
}
