package review

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scamguard/scamguard/internal/browsertest"
)

// internalCodes are what a case stores and a moderator must never read:
// slugs, signal ids, reason and role codes, engine names.
var internalCodes = []string{"ecommerce_logistics_refund", "screen_share", "money_move", "ask_human", "flagged_consented", "heuristic", "zh-Hant"}

// tags strips markup, leaving what a reader sees (attributes, such as an
// option's value, are not seen).
var tags = regexp.MustCompile(`<[^>]*>`)

// decoratedCase is a case whose reply is Telegram HTML, as the bot stores
// it, and whose first message is one long unbroken address, which a phone
// must wrap.
func decoratedCase(chat int64) Case {
	c := scamCase(chat)
	c.Reply = "⚠️ 这很可能是<b>诈骗</b>。\n核实渠道：<a href=\"https://www.12377.cn\">网信办</a> · <i>“屏幕共享”</i> &amp; 96110"
	c.Transcript[0].Text = "https://" + strings.Repeat("very-long-scam-domain-", 12) + ".example/refund?id=" + strings.Repeat("A", 60)
	return c
}

// TestConsoleSpeaksTheModeratorsLanguage: signed in from Telegram in
// Chinese or English, every page is in that language, names types, levels,
// reasons and roles as people say them (no slug, signal id or code shows),
// and shows the reply the user got formatted, not its tags. The language
// switch changes it.
func TestConsoleSpeaksTheModeratorsLanguage(t *testing.T) {
	console, q, _, server := consoleServer(t, nil)
	ctx := context.Background()
	id, _ := q.Draft(ctx, decoratedCase(1))
	q.Submit(ctx, 1, id, ReasonAskHuman)
	q.Decide(ctx, id, Decision{By: modA, Outcome: OutcomeScam})
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"zh-hans", []string{"案例", "机器人判断", "冒充电商物流客服", "用户请求人工", "要钱/要码", "已确认诈骗", "审核员 1001", "English"}},
		{"en", []string{"Cases", "The bot said", "Fake e-commerce", "user asked for a human", "asks for money or codes", "confirmed scam", "moderator 1001", "中文"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			client := signedInClientIn(t, console, modA, tc.lang)
			var seen strings.Builder
			for _, page := range []string{"/", "/case/" + id, "/stats"} {
				resp, err := client.Get(server.URL + Path + page)
				if err != nil {
					t.Fatal(err)
				}
				body := readAll(t, resp)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %s", page, resp.Status)
				}
				if strings.Contains(body, "&lt;b&gt;") || strings.Contains(body, "&lt;a href") {
					t.Errorf("%s shows the reply's tags as text:\n%s", page, body)
				}
				seen.WriteString(body)
			}
			text := tags.ReplaceAllString(seen.String(), " ")
			contains(t, text, tc.want...)
			for _, code := range internalCodes {
				if strings.Contains(text, code) {
					t.Errorf("a page shows the internal code %q", code)
				}
			}
			contains(t, seen.String(), "<b>诈骗</b>", `<a href="https://www.12377.cn" rel="noopener noreferrer">网信办</a>`, "<i>“屏幕共享”</i> &amp; 96110")
		})
	}
	client := signedInClientIn(t, console, modA, "en")
	resp, err := client.Get(server.URL + Path + "/lang?to=zh")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = client.Get(server.URL + Path + "/")
	if err != nil {
		t.Fatal(err)
	}
	contains(t, readAll(t, resp), "全部类型")
}

// signedInClientIn signs moderator in from a Telegram whose language is lang.
func signedInClientIn(t testing.TB, console *Console, moderator int64, lang string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	link, err := console.LoginLink(context.Background(), moderator, lang)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("sign-in: %s", resp.Status)
	}
	return client
}

func contains(t testing.TB, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("missing %q", w)
		}
	}
}

func TestPreviewOf(t *testing.T) {
	tests := []struct {
		name, in string
		want     []previewSpan
	}{
		{"bold and entities", "a <b>b &amp; c</b>", []previewSpan{{Text: "a "}, {Text: "b & c", Bold: true}}},
		{"link", `<a href="https://x.org/?a=1&amp;b=2">x</a>`, []previewSpan{{Text: "x", Href: "https://x.org/?a=1&b=2"}}},
		{"no script links", `<a href="javascript:alert(1)">x</a>`, []previewSpan{{Text: "x"}}},
		{"a foreign tag is text", "<script>alert(1)</script>", []previewSpan{{Text: "<script>alert(1)</script>"}}},
		{"unclosed", "a < b", []previewSpan{{Text: "a < b"}}},
		{"plain text", "这可能是诈骗", []previewSpan{{Text: "这可能是诈骗"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := previewOf(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("previewOf(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("previewOf(%q)[%d] = %+v, want %+v", tt.in, i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestReplyPreview(t *testing.T) {
	c := decoratedCase(1)
	got := ReplyPreview(c, 200)
	want := "⚠️ 这很可能是诈骗。 / 核实渠道：网信办 · “屏幕共享” & 96110"
	if got != want {
		t.Errorf("ReplyPreview = %q, want %q", got, want)
	}
	if got := ReplyPreview(c, 10); len([]rune(got)) > 10 {
		t.Errorf("ReplyPreview(10) = %q, longer than 10", got)
	}
}

// TestConsoleFitsAPhone opens every page of the console in headless
// Chromium at a phone's size (390×844 CSS pixels, device scale 2), in both
// languages, with a case whose message is one long unbroken address and
// whose type has a long name: nothing is wider than the screen. Each page
// is saved as a screenshot (browsertest.Screenshot: the test's temp folder,
// and $SCAMGUARD_SCREENSHOT_DIR when set).
func TestConsoleFitsAPhone(t *testing.T) {
	console, q, _, server := consoleServer(t, nil)
	ctx := context.Background()
	c := decoratedCase(1)
	c.Verdict.Type = "cancel_membership_or_installment"
	id, _ := q.Draft(ctx, c)
	q.Submit(ctx, 1, id, ReasonAskHuman)
	browser := browsertest.New(t)
	if err := chromedp.Do(browser, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2))); err != nil {
		t.Fatalf("browser: phone viewport: %v", err)
	}
	for _, lang := range []string{"en", "zh"} {
		link, err := console.LoginLink(ctx, modA, lang)
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(browser, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.CSS("a.case-link"))); err != nil {
			t.Fatalf("browser: sign in (%s): %v", lang, err)
		}
		for _, page := range []string{"/", "/case/" + id, "/stats"} {
			if err := chromedp.Do(browser, chromedp.Navigate(server.URL+Path+page), chromedp.WaitReady(chromedp.CSS("nav"))); err != nil {
				t.Fatalf("browser: open %s: %v", page, err)
			}
			widths, err := chromedp.Run(browser, chromedp.Evaluate[[]float64]("[document.scrollingElement.scrollWidth, innerWidth]"))
			if err != nil {
				t.Fatalf("browser: measure %s: %v", page, err)
			}
			if widths[1] != 390 || widths[0] > widths[1] {
				t.Errorf("%s %s: page %v px wide in a %v px window", lang, page, widths[0], widths[1])
			}
			name := map[string]string{"/": "cases", "/case/" + id: "case", "/stats": "stats"}[page]
			browsertest.Screenshot(t, browser, "console-"+lang+"-"+name)
		}
	}
}
