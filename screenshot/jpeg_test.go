package screenshot

import (
	"bytes"
	"context"
	"fmt"
	"image"
	_ "image/jpeg"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/scamguard/scamguard/internal/chatshot"
)

// jpegQualities are the qualities the JPEG tests encode at: Telegram's
// recompression of a photo lies about 87, phones save at 75 to 95.
var jpegQualities = func() []int {
	if raceDetector {
		return []int{87}
	}
	return []int{75, 87, 95}
}()

// jpegConversations are the chats the JPEG tests draw: the founding scam
// from the user's reply on (five of theirs, one of yours, as the bot's
// photo test sends it), a courier chat that alternates sides, and a
// Traditional installment scam (the script must survive JPEG too).
var jpegConversations = []chatshot.Conversation{
	{Name: "zh-refund", Lang: "zh", Title: chatshot.RefundScam.Title, Messages: chatshot.RefundScam.Messages[2:]},
	chatshot.Conversations[3],
	chatshot.Conversations[1],
}

// traditionalRunes returns the Han characters of s that the classifier
// folds to another Han character (Traditional forms; 一 folds to a digit): Simplified text read
// right has none.
func traditionalRunes(s string) []rune {
	var out []rune
	for _, r := range s {
		folded := []rune(key(string(r)))
		if unicode.Is(unicode.Han, r) && len(folded) == 1 && folded[0] != r && unicode.Is(unicode.Han, folded[0]) {
			out = append(out, r)
		}
	}
	return out
}

// jpegCase is one screenshot of TestJPEGScreenshots, drawn and read.
type jpegCase struct {
	name string
	lang string
	shot chatshot.Shot
	want []chatshot.Message
	data []byte
	page Page
	err  error
}

// drawJPEGCases draws jpegConversations in every layout and theme as JPEG
// at each of jpegQualities, each layout and theme drawing every
// conversation at one quality or another.
func drawJPEGCases(t *testing.T) []*jpegCase {
	t.Helper()
	var cases []*jpegCase
	n := 0
	for _, style := range chatshot.Styles {
		for _, dark := range []bool{false, true} {
			for _, quality := range jpegQualities {
				conv := jpegConversations[(n+n/len(jpegQualities))%len(jpegConversations)]
				n++
				want := conv.Messages
				if style == chatshot.SMS {
					want = nil
					for _, m := range conv.Messages {
						if !m.FromUser {
							want = append(want, m)
						}
					}
				}
				theme := "light"
				if dark {
					theme = "dark"
				}
				shot := chatshot.Shot{Style: style, Dark: dark, Title: conv.Title, Lang: conv.Lang, Messages: want}
				data, err := chatshot.JPEG(shot, quality)
				if err != nil {
					t.Fatal(err)
				}
				cases = append(cases, &jpegCase{name: fmt.Sprintf("%s/%s-%s/q%d", conv.Name, style, theme, quality), lang: conv.Lang, shot: shot, want: want, data: data})
			}
		}
	}
	return cases
}

// TestJPEGScreenshots reads Simplified and Traditional chats drawn in
// every layout, light and dark, and sent as JPEG at quality 75, 87 and 95
// (Telegram sends every photo as JPEG): the ringing around text and the
// subsampled colour must neither split a bubble, nor drop one, nor make an
// avatar a bubble, nor change the script the chat is written in.
func TestJPEGScreenshots(t *testing.T) {
	reader := New(requireOCR(t))
	c := newClassifier(t)
	cases := drawJPEGCases(t)
	var wg sync.WaitGroup
	for _, jc := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			jc.page, jc.err = reader.ReadPage(ctx, jc.data)
		}()
	}
	wg.Wait()
	for _, jc := range cases {
		t.Run(jc.name, func(t *testing.T) {
			if jc.err != nil {
				t.Fatal(jc.err)
			}
			got := jc.page.Turns
			if !jc.page.Chat {
				t.Errorf("no bubbles found: read as a page")
			}
			if len(got) == len(jc.want)-1 && len([]rune(jc.want[len(jc.want)-1].Text)) <= 2 {
				// OCR may read a two-character bubble ("谢谢") as nothing
				// on a q75 JPEG; the bubble itself is found
				// (TestJPEGBubbles).
				t.Logf("the last bubble %q was read as nothing", jc.want[len(jc.want)-1].Text)
				jc.want = jc.want[:len(got)]
			}
			if len(got) != len(jc.want) {
				t.Fatalf("read %d turns, want %d:\n%s", len(got), len(jc.want), describe(got))
			}
			for i := range jc.want {
				if trad := traditionalRunes(got[i].Text); len(trad) > 0 && jc.lang == "zh" {
					// A bubble the Simplified model misread keeps the
					// Traditional reading (pageScript); the page's script
					// is checked below.
					t.Logf("turn %d %q: Traditional characters %q in a Simplified chat", i, got[i].Text, string(trad))
				}
			}
			errs, chars := compareTurns(t, got, jc.want)
			if errs*100 > chars*12 {
				t.Errorf("%d of %d characters read wrong, want at most 12%% (as the PNG set)", errs, chars)
			}
			if jc.page.Script != jc.lang {
				t.Errorf("the page's script is %q, want %s", jc.page.Script, jc.lang)
			}
			reading := Reading{Turns: got, Images: 1}
			if lang := c.Classify(context.Background(), reading.Conversation()).Language; lang != jc.lang {
				t.Errorf("the reading's language is %s, want %s", lang, jc.lang)
			}
		})
	}
}

// TestJPEGBubbles finds the bubbles of every screenshot of the set, drawn
// as PNG and as JPEG at each quality, and wants the same bubbles on the
// same sides: JPEG's ringing and subsampled colour must not split a
// bubble, drop one into the page, or make a flat avatar a bubble (a
// saturated bubble may lose a few pixels of its round corners). No OCR.
func TestJPEGBubbles(t *testing.T) {
	if _, err := chatshot.Font(); err != nil {
		t.Skip("needs a CJK font: " + err.Error())
	}
	n := 0
	for _, c := range chatshot.Set() {
		for s, shot := range c.Shots {
			n++
			if raceDetector && n%3 != 0 {
				continue // a third of the set under -race; all of it without
			}
			img, err := chatshot.Render(shot)
			if err != nil {
				t.Fatal(err)
			}
			want := findBubbles(img)
			for _, quality := range jpegQualities {
				data, err := chatshot.JPEG(shot, quality)
				if err != nil {
					t.Fatal(err)
				}
				decoded, _, err := image.Decode(bytes.NewReader(data))
				if err != nil {
					t.Fatal(err)
				}
				got := findBubbles(toRGBA(decoded))
				if sides(got) != sides(want) {
					t.Errorf("%s shot %d q%d: bubbles %s, want %s (as on the PNG)", c.Name, s+1, quality, sides(got), sides(want))
					continue
				}
				for i := range got {
					if d := got[i].box.Min.Sub(want[i].box.Min); abs(d.X) > 10 || abs(d.Y) > 10 {
						t.Errorf("%s shot %d q%d: bubble %d at %v, want %v", c.Name, s+1, quality, i, got[i].box, want[i].box)
					}
				}
			}
		}
	}
}

// sides writes bubbles as L and R, top to bottom.
func sides(bubbles []chatBubble) string {
	var b strings.Builder
	for _, x := range bubbles {
		if x.right {
			b.WriteByte('R')
		} else {
			b.WriteByte('L')
		}
	}
	return b.String()
}
