package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/internal/browsertest"
)

// maxFirstScreenLines is issue #15's bound on a warning's first screen.
const maxFirstScreenLines = 8

// TestScamReplyFitsAPhone sends scams to the bot through the fake Bot API
// in Simplified Chinese (mainland), Traditional Chinese (Taiwan and Hong
// Kong) and English (UK), takes the reply the bot actually sent (the text
// and entities Telegram kept of its HTML, and its inline keyboard), and
// lays it out in headless Chromium as a Telegram chat on a 390×844 phone at
// device scale 2. What the browser laid out must hold: the first screen is
// at most eight lines and holds the verdict, the one thing to do now and
// the channel to verify through; every button shows without scrolling and
// with its whole label; no line is wider than the bubble. The same
// measurement of the reply once "why / more" expanded it must find it
// longer than a first screen, so the measurement can fail. Screenshots go
// to the test's temp directory, and to $SCAMGUARD_SCREENSHOT_DIR when set.
func TestScamReplyFitsAPhone(t *testing.T) {
	browser := browsertest.New(t)
	if err := chromedp.Do(browser, chromedp.EmulateViewport(telegramtest.PhoneWidth, telegramtest.PhoneHeight, chromedp.EmulateScale(2))); err != nil {
		t.Fatalf("browser: phone viewport: %v", err)
	}
	for _, tc := range []struct {
		name, lang, region string
		scam               []string
		// verify is a word of the channel the first screen must show.
		verify string
	}{
		{"zh-mainland", "zh-hans", "CN", foundingScam, "淘宝"},
		{"zh-hant-taiwan", "zh-tw", "TW", []string{
			"您好，這裡是蝦皮購物客服，您的訂單被誤設為分期付款，每月會自動扣款。",
			"請您現在到ATM操作解除分期，我們會一步一步教您，不要掛電話。"}, "165"},
		{"zh-hant-hong-kong", "zh-hk", "HK", []string{
			"你好，我係速遞公司客服，你嘅包裹入面有違禁品，已經轉咗去內地公安處理。",
			"而家要你配合調查，將戶口啲錢轉去安全賬戶核查，唔好同屋企人講。"}, "18222"},
		{"en-uk", "en-gb", "GB", []string{
			"Hello, this is Amazon customer service. Your account was charged £499 for an iPhone.",
			"To cancel the order and get a refund, please buy two Apple gift cards and read me the codes.",
			"Do not hang up and do not tell anyone, or the refund will fail."}, "Amazon"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := newJourney(t, 15100+int64(len(tc.name)), tc.lang)
			j.types("/region "+tc.region, 1)
			j.forwards(1, tc.scam...)
			sent := j.h.api.Calls("sendMessage")
			first, err := telegramtest.BubbleOf(sent[len(sent)-1].Result)
			if err != nil {
				t.Fatal(err)
			}
			first.ReplyTo = tc.scam[len(tc.scam)-1]
			layout := phoneLayout(t, browser, first, tc.name)
			t.Logf("first screen, %d lines on a phone:\n%s", layout.ScreenLines(), describeLines(layout))
			checkFirstScreen(t, first, layout, tc.verify)

			j.press("more:", 0, 1)
			edits := j.h.api.Calls("editMessageText")
			whole, err := telegramtest.BubbleOf(edits[len(edits)-1].Result)
			if err != nil {
				t.Fatal(err)
			}
			whole.ReplyTo = first.ReplyTo
			expanded := phoneLayout(t, browser, whole, tc.name+"-more")
			if n := expanded.ScreenLines(); n <= maxFirstScreenLines {
				t.Errorf("the expanded reply measured %d lines, no more than a first screen: the measurement cannot tell\n%s", n, whole.Text)
			}
			checkNoOverflow(t, expanded)
		})
	}
}

// phoneLayout shows bubble on a phone page in the browser, saves a
// screenshot of it as name.png (browsertest.Screenshot) and returns where
// the browser laid it out.
func phoneLayout(t *testing.T, browser context.Context, bubble telegramtest.Bubble, name string) telegramtest.PhoneLayout {
	t.Helper()
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, telegramtest.PhonePage(bubble))
	}))
	defer server.Close()
	if err := chromedp.Do(browser, chromedp.Navigate(server.URL), chromedp.WaitReady(chromedp.CSS("footer"))); err != nil {
		t.Fatalf("browser: open %s: %v", name, err)
	}
	layout, err := chromedp.Run(browser, chromedp.Evaluate[telegramtest.PhoneLayout](telegramtest.MeasurePhoneScript))
	if err != nil {
		t.Fatalf("browser: measure %s: %v", name, err)
	}
	shot := browsertest.Screenshot(t, browser, "reply-"+name)
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if size := img.Bounds().Size(); size.X != 2*telegramtest.PhoneWidth || size.Y != 2*telegramtest.PhoneHeight {
		t.Errorf("screenshot %s is %v, want a %d×%d phone at device scale 2", name, size, telegramtest.PhoneWidth, telegramtest.PhoneHeight)
	}
	if len(layout.Lines) != strings.Count(bubble.Text, "\n")+1 {
		t.Fatalf("%s: the page has %d lines, the message %d", name, len(layout.Lines), strings.Count(bubble.Text, "\n")+1)
	}
	return layout
}

// checkFirstScreen asserts issue #15's first screen on what the browser
// laid out: at most eight lines; the verdict (the bold first line), the
// one thing to do now (👉) and a channel to verify through (☎️, naming
// verify) all shown without scrolling; every button shown without
// scrolling, its label whole; nothing wider than the bubble.
func checkFirstScreen(t *testing.T, bubble telegramtest.Bubble, layout telegramtest.PhoneLayout, verify string) {
	t.Helper()
	if n := layout.ScreenLines(); n > maxFirstScreenLines {
		t.Errorf("the first screen takes %d lines on a phone, more than %d:\n%s", n, maxFirstScreenLines, describeLines(layout))
	}
	if len(bubble.Entities) == 0 || bubble.Entities[0].Offset != 0 || bubble.Entities[0].Type != "bold" {
		t.Errorf("the reply does not open with its verdict in bold: %+v", bubble.Entities)
	}
	wanted := []struct {
		what string
		is   func(string) bool
	}{
		{"the verdict", func(line string) bool { return line == layout.Lines[0].Text }},
		{"the one thing to do now", func(line string) bool { return strings.HasPrefix(line, "👉 ") }},
		{"the channel to verify through", func(line string) bool {
			return strings.HasPrefix(line, "☎️ ") && strings.Contains(line, verify)
		}},
	}
	for _, want := range wanted {
		found := false
		for _, line := range layout.Lines {
			if !want.is(line.Text) {
				continue
			}
			found = true
			if line.Top < layout.ChatTop || line.Bottom > layout.ChatBottom {
				t.Errorf("%s (%q) lies at %.0f–%.0f px, outside the chat's %.0f–%.0f px on screen", want.what, line.Text, line.Top, line.Bottom, layout.ChatTop, layout.ChatBottom)
			}
			break
		}
		if !found {
			t.Errorf("the first screen lacks %s:\n%s", want.what, bubble.Text)
		}
	}
	if len(layout.Buttons) == 0 {
		t.Errorf("the reply has no buttons")
	}
	for _, b := range layout.Buttons {
		if b.Bottom > layout.ChatBottom {
			t.Errorf("the button %q ends at %.0f px, below the chat's %.0f px: it needs scrolling", b.Text, b.Bottom, layout.ChatBottom)
		}
		if b.LabelWidth > b.Width {
			t.Errorf("the button %q is cut short: its label needs %.0f px of %.0f", b.Text, b.LabelWidth, b.Width)
		}
	}
	checkNoOverflow(t, layout)
}

// checkNoOverflow asserts that no line is wider than the bubble's text and
// the page no wider than the phone.
func checkNoOverflow(t *testing.T, layout telegramtest.PhoneLayout) {
	t.Helper()
	if layout.PageWidth > layout.Width {
		t.Errorf("the page is %.0f px wide on a %.0f px phone", layout.PageWidth, layout.Width)
	}
	for _, line := range layout.Lines {
		if line.Right > layout.TextRight+0.5 {
			t.Errorf("the line %q ends at %.0f px, past the bubble's text at %.0f px", line.Text, line.Right, layout.TextRight)
		}
	}
}

func describeLines(layout telegramtest.PhoneLayout) string {
	var sb strings.Builder
	for _, line := range layout.Lines {
		fmt.Fprintf(&sb, "  %d× %s\n", line.ScreenLines, line.Text)
	}
	return sb.String()
}
