// Package screenshot turns screenshots of chat apps (WeChat, LINE,
// WhatsApp, Telegram, iMessage, SMS; light or dark) into the turns of a
// conversation: bubbles on the left are the other party's, on the right
// the user's; the status bar, header, timestamps, names, read marks and
// the input box are left out; the lines of one bubble are one message.
//
// It finds the bubbles first, from the picture (flat-coloured boxes that
// hold text and do not span the screen), then hands only the bubbles to
// OCR, stacked on one normalised strip (dark text on white, whatever the
// theme): less to read, no chrome to confuse the reader, and one
// Tesseract run per screenshot. A picture without bubbles (a photo of a
// letter, an e-mail) is read whole, as the other party's words.
package screenshot

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"slices"
	"sync"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/ocr"
)

// Turn is one message read from a screenshot.
type Turn struct {
	From classifier.Speaker
	Text string
}

// Page is what one screenshot gave.
type Page struct {
	Turns []Turn
	// Chat is set when the picture was laid out as a chat (bubbles were
	// found), so speakers come from the layout; otherwise every turn is
	// the other party's text read as a page.
	Chat bool
	// Script is the script the picture is written in as OCR judged it,
	// "zh" or "zh-Hant", and empty when it could not tell (too few
	// Chinese characters, or one script configured).
	Script string
}

// Reading is what several screenshots gave, as one conversation.
type Reading struct {
	Turns []Turn
	// Images is how many screenshots were read.
	Images int
	// Overlap is how many turns were dropped because the next screenshot
	// repeated them (a scrolled chat).
	Overlap int
}

// Counts returns how many turns are the other party's and the user's.
func (r Reading) Counts() (other, user int) {
	for _, t := range r.Turns {
		if t.From == classifier.SpeakerUser {
			user++
		} else {
			other++
		}
	}
	return other, user
}

// Chars is how many characters were read, spaces excluded.
func (r Reading) Chars() int {
	n := 0
	for _, t := range r.Turns {
		for _, c := range t.Text {
			if c != ' ' {
				n++
			}
		}
	}
	return n
}

// Conversation is the reading as the classifier's input.
func (r Reading) Conversation() classifier.Conversation {
	conv := classifier.Conversation{Messages: make([]classifier.Message, 0, len(r.Turns))}
	for _, t := range r.Turns {
		conv.Messages = append(conv.Messages, classifier.Message{From: t.From, Text: t.Text})
	}
	return conv
}

// Reader reads screenshots with an OCR engine.
type Reader struct {
	engine *ocr.Engine
}

// New returns a reader that uses engine.
func New(engine *ocr.Engine) *Reader {
	return &Reader{engine: engine}
}

// Engine is the reader's OCR engine.
func (r *Reader) Engine() *ocr.Engine { return r.engine }

// Read reads screenshots sent together (an album, a burst) as one
// conversation, in the order given, dropping the turns a screenshot
// repeats from the one before. They are recognised side by side, as many
// at once as the engine allows. The first error stops the reading.
func (r *Reader) Read(ctx context.Context, images [][]byte) (Reading, error) {
	pages := make([]Page, len(images))
	errs := make([]error, len(images))
	var wg sync.WaitGroup
	for i, data := range images {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages[i], errs[i] = r.ReadPage(ctx, data)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			if len(images) > 1 {
				return Reading{}, fmt.Errorf("screenshot %d: %w", i+1, err)
			}
			return Reading{}, err
		}
	}
	reading := Merge(pages)
	reading.Images = len(images)
	return reading, nil
}

// ReadPage decodes one screenshot and reads its turns.
func (r *Reader) ReadPage(ctx context.Context, data []byte) (Page, error) {
	img, err := r.engine.Decode(data)
	if err != nil {
		return Page{}, err
	}
	return r.ReadImage(ctx, img)
}

// ReadImage reads the turns of a decoded screenshot.
func (r *Reader) ReadImage(ctx context.Context, img image.Image) (Page, error) {
	rgba := toRGBA(img)
	bubbles := findBubbles(rgba)
	if len(bubbles) == 0 {
		return r.readPlain(ctx, rgba)
	}
	strip, bands := stack(rgba, bubbles)
	scale := stripScale(rgba.Rect.Dx())
	readings, err := r.engine.Words(ctx, shrink(strip, scale), ocr.SingleColumn)
	if err != nil {
		return Page{}, err
	}
	script, preferred := r.pageScript(readings)
	perReading := make([][][]ocr.Word, len(readings))
	for i, words := range readings {
		perReading[i] = wordsPerBand(words, bands, scale)
	}
	page := Page{Chat: true, Script: script}
	candidates := make([][]ocr.Word, len(readings))
	for i, b := range bubbles {
		for j := range readings {
			candidates[j] = perReading[j][i]
		}
		text := cleanBubble(joinLines(chooseReading(candidates, preferred)))
		if text == "" {
			continue
		}
		from := classifier.SpeakerOther
		if b.right {
			from = classifier.SpeakerUser
		}
		page.Turns = append(page.Turns, Turn{From: from, Text: text})
	}
	return page, nil
}

// wordsPerBand sorts the words of a reading of the strip into the bubbles
// (bands of the strip, top to bottom) their centres fall in.
func wordsPerBand(words []ocr.Word, bands []band, scale float64) [][]ocr.Word {
	perBand := make([][]ocr.Word, len(bands))
	for _, w := range words {
		centre := int(float64(w.Box.Min.Y+w.Box.Max.Y) / 2 / scale)
		i, found := slices.BinarySearchFunc(bands, centre, func(b band, y int) int {
			switch {
			case y < b.top:
				return 1
			case y >= b.bottom:
				return -1
			}
			return 0
		})
		if found {
			perBand[i] = append(perBand[i], w)
		}
	}
	return perBand
}

// readPlain reads a picture without bubbles as a page of text: each
// paragraph one message from the other party.
func (r *Reader) readPlain(ctx context.Context, img *image.RGBA) (Page, error) {
	background := color.RGBA{255, 255, 255, 255}
	if found := regions(img, img.Rect.Dx()*img.Rect.Dy()/20); len(found) > 0 {
		largest := slices.MaxFunc(found, func(a, b region) int { return a.pixels - b.pixels })
		background = largest.colour
	}
	gray := normalise(img, img.Rect, background, nil)
	readings, err := r.engine.Words(ctx, gray, ocr.Auto)
	if err != nil {
		return Page{}, err
	}
	script, preferred := r.pageScript(readings)
	words := chooseReading(readings, preferred)
	type paragraph struct{ block, par int }
	var order []paragraph
	groups := map[paragraph][]ocr.Word{}
	for _, w := range words {
		key := paragraph{w.Block, w.Paragraph}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		groups[key] = append(groups[key], w)
	}
	page := Page{Script: script}
	for _, key := range order {
		if text := cleanBubble(joinLines(groups[key])); text != "" {
			page.Turns = append(page.Turns, Turn{From: classifier.SpeakerOther, Text: text})
		}
	}
	return page, nil
}
