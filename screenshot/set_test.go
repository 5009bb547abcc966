package screenshot

import (
	"context"
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/internal/chatshot"
	"github.com/scamguard/scamguard/ocr"
)

// requireOCR returns an engine, or skips the test when Tesseract, its
// Chinese data or a CJK font is missing (and fails in CI, where .ci/run
// installs them).
func requireOCR(t testing.TB) *ocr.Engine {
	t.Helper()
	return chatshot.RequireOCR(t)
}

// setResult is one case of the set, drawn and read.
type setResult struct {
	chatshot.Case
	reading Reading
	seconds []float64 // per screenshot
	err     error
}

var (
	setOnce    sync.Once
	setResults []setResult
	setErr     error
)

// readSet draws and reads the whole set once per test binary: the tests
// below share it, so that Tesseract runs once per screenshot (about forty)
// however many properties are checked.
func readSet(t *testing.T) []setResult {
	t.Helper()
	engine := requireOCR(t)
	setOnce.Do(func() {
		reader := New(engine)
		cases := chatshot.Set()
		setResults = make([]setResult, len(cases))
		var wg sync.WaitGroup
		for i, c := range cases {
			setResults[i].Case = c
			images := make([][]byte, len(c.Shots))
			for j, shot := range c.Shots {
				data, err := encodeShot(shot)
				if err != nil {
					setErr = err
					return
				}
				images[j] = data
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
				defer cancel()
				var pages []Page
				for _, data := range images {
					start := time.Now()
					page, err := reader.ReadPage(ctx, data)
					setResults[i].seconds = append(setResults[i].seconds, time.Since(start).Seconds())
					if err != nil {
						setResults[i].err = err
						return
					}
					pages = append(pages, page)
				}
				setResults[i].reading = Merge(pages)
			}()
		}
		wg.Wait()
	})
	if setErr != nil {
		t.Fatal(setErr)
	}
	return setResults
}

// setQuality, above 0, reads the set as JPEG at that quality rather than
// PNG (Telegram sends every photo as JPEG, at about 87), for the figures:
//
//	go test -count=1 -run TestScreenshotSetFigures -v ./screenshot/ -args -jpeg=87
var setQuality = flag.Int("jpeg", 0, "read the screenshot set as JPEG at this quality (0: PNG)")

// encodeShot draws shot as the set is read: PNG, or JPEG at setQuality.
func encodeShot(shot chatshot.Shot) ([]byte, error) {
	if *setQuality > 0 {
		return chatshot.JPEG(shot, *setQuality)
	}
	return chatshot.PNG(shot)
}

// wantText is the text a case's messages carry, as the reader should
// give it back.
func wantText(m chatshot.Message) string { return m.Text }

// charErrors counts the edit distance between want and got on letters and
// digits as the classifier folds them (case, width, Traditional as
// Simplified: OCR's punctuation, spacing and a variant character differ
// harmlessly), and the length of want, for a character error rate.
func charErrors(want, got string) (errs, total int) {
	w, g := []rune(key(want)), []rune(key(got))
	return EditDistance(w, g), len(w)
}

func TestScreenshotSetTurnsAndSpeakers(t *testing.T) {
	results := readSet(t)
	c := newClassifier(t)
	for _, r := range results {
		t.Run(r.Name, func(t *testing.T) {
			if r.err != nil {
				t.Fatal(r.err)
			}
			got := r.reading.Turns
			if len(got) != len(r.Want) {
				t.Fatalf("read %d turns, want %d:\n%s", len(got), len(r.Want), describe(got))
			}
			// A short bubble can be misread whole ("对，怎么了" as
			// "MEAT"); the screenshot as a whole must be read well.
			errs, chars := compareTurns(t, got, r.Want)
			if errs*100 > chars*12 {
				t.Errorf("%d of %d characters read wrong, want at most 12%%", errs, chars)
			}
			// The reply speaks the script of the picture: a Traditional
			// chat read as Simplified would be answered in Simplified.
			if lang := c.Classify(context.Background(), r.reading.Conversation()).Language; lang != r.Conversation.Lang {
				t.Errorf("the reading's language is %s, want %s:\n%s", lang, r.Conversation.Lang, describe(got))
			}
		})
	}
}

// compareTurns checks each turn's speaker against want (as many turns)
// and returns the characters read wrong and the characters wanted.
func compareTurns(t *testing.T, got []Turn, want []chatshot.Message) (errs, chars int) {
	t.Helper()
	for i, w := range want {
		wantFrom := classifier.SpeakerOther
		if w.FromUser {
			wantFrom = classifier.SpeakerUser
		}
		if got[i].From != wantFrom {
			t.Errorf("turn %d %q: speaker %s, want %s", i, got[i].Text, got[i].From, wantFrom)
		}
		e, n := charErrors(w.Text, got[i].Text)
		if e > 0 {
			t.Logf("turn %d: read %q for %q", i, got[i].Text, w.Text)
		}
		errs, chars = errs+e, chars+n
	}
	return errs, chars
}

func describe(turns []Turn) string {
	var b strings.Builder
	for _, t := range turns {
		b.WriteString("  " + string(t.From) + ": " + t.Text + "\n")
	}
	return b.String()
}

// TestScreenshotSetFigures measures the set as a whole: the character
// error rate, the share of messages given the right speaker, and whether
// each screenshot gets the verdict its text gets. Run with -v for the
// figures.
func TestScreenshotSetFigures(t *testing.T) {
	results := readSet(t)
	c := newClassifier(t)
	var errs, chars, rightSpeaker, messages, agree, rightLang, cases int
	var seconds []float64
	for _, r := range results {
		if r.err != nil {
			t.Fatalf("%s: %v", r.Name, r.err)
		}
		seconds = append(seconds, r.seconds...)
		cases++
		for i, want := range r.Want {
			messages++
			var got Turn
			if i < len(r.reading.Turns) {
				got = r.reading.Turns[i]
			}
			e, n := charErrors(want.Text, got.Text)
			errs, chars = errs+e, chars+n
			if (got.From == classifier.SpeakerUser) == want.FromUser && got.Text != "" {
				rightSpeaker++
			}
		}
		textConv := classifier.Conversation{}
		for _, m := range r.Want {
			from := classifier.SpeakerOther
			if m.FromUser {
				from = classifier.SpeakerUser
			}
			textConv.Messages = append(textConv.Messages, classifier.Message{From: from, Text: m.Text})
		}
		fromText := c.Classify(context.Background(), textConv)
		fromShot := c.Classify(context.Background(), r.reading.Conversation())
		if fromShot.Language == r.Conversation.Lang {
			rightLang++
		}
		if fromText.Level == fromShot.Level {
			agree++
		} else {
			t.Logf("%s: text says %s, screenshot %s", r.Name, fromText.Level, fromShot.Level)
		}
	}
	cer := float64(errs) / float64(chars)
	speakers := float64(rightSpeaker) / float64(messages)
	agreement := float64(agree) / float64(cases)
	// Latency is BenchmarkReadScreenshot's: here every screenshot is
	// started at once and mostly waits for an OCR slot.
	format := "PNG"
	if *setQuality > 0 {
		format = fmt.Sprintf("JPEG q%d", *setQuality)
	}
	t.Logf("%s, %d cases, %d screenshots, %d messages: character error rate %.2f%%, right speaker %.1f%%, verdict agreement %.1f%% (%d/%d), language of the reply %d/%d",
		format, cases, len(seconds), messages, 100*cer, 100*speakers, 100*agreement, agree, cases, rightLang, cases)
	if cases < 30 || len(seconds) < 30 {
		t.Errorf("the set has %d cases and %d screenshots; the issue asks for at least 30", cases, len(seconds))
	}
	if cer > 0.05 {
		t.Errorf("character error rate %.2f%%, want at most 5%%", 100*cer)
	}
	if speakers < 0.98 {
		t.Errorf("right speaker for %.1f%% of messages, want at least 98%%", 100*speakers)
	}
	if agreement < 0.95 {
		t.Errorf("verdict agreement %.1f%%, want at least 95%%", 100*agreement)
	}
}

func newClassifier(t testing.TB) *classifier.Classifier {
	t.Helper()
	c, err := classifier.Default(catalog.MustLoad().ImpersonableBrands())
	if err != nil {
		t.Fatal(err)
	}
	return c
}
