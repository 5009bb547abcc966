package screenshot

import (
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/ocr"
)

// Scripts of Chinese text: what a reading is written in.
const (
	scriptSimplified  = "zh"
	scriptTraditional = "zh-Hant"
)

// scriptOfLanguages names the script each of the engine's alternative
// readings writes ("chi_sim+eng" → zh, "chi_tra+eng" → zh-Hant, "" for
// one with neither).
func scriptOfLanguages(languages string) []string {
	var scripts []string
	for _, set := range strings.Split(languages, ",") {
		switch {
		case strings.Contains(set, "chi_tra"):
			scripts = append(scripts, scriptTraditional)
		case strings.Contains(set, "chi_sim"):
			scripts = append(scripts, scriptSimplified)
		default:
			scripts = append(scripts, "")
		}
	}
	return scripts
}

// scriptMarks are the characters that tell the scripts apart: the
// Traditional forms the classifier folds to another character, and the
// Simplified forms they fold to. Built once from the classifier's table.
var scriptMarks = sync.OnceValue(func() map[string]map[rune]bool {
	traditional, simplified := map[rune]bool{}, map[rune]bool{}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		folded := classifier.Normalize(string(r))
		if folded.TraditionalRunes != 1 || len(folded.Runes) != 1 || !unicode.Is(unicode.Han, folded.Runes[0]) {
			continue
		}
		traditional[r] = true
		simplified[folded.Runes[0]] = true
	}
	// 么 is Simplified (怎么), folded to its variant 幺 only for matching
	// (see key); a character of both sets tells nothing.
	delete(traditional, '么')
	for r := range traditional {
		delete(simplified, r)
	}
	return map[string]map[rune]bool{scriptTraditional: traditional, scriptSimplified: simplified}
})

// markedConfidence is the mean confidence of the words of a reading that
// hold a character only its script writes, and how many there are.
func markedConfidence(words []ocr.Word, script string) (mean float64, n int) {
	marks := scriptMarks()[script]
	var marked []ocr.Word
	for _, w := range words {
		for _, r := range w.Text {
			if marks[r] {
				marked = append(marked, w)
				break
			}
		}
	}
	return ocr.MeanConfidence(marked), len(marked)
}

// Thresholds of the script decision, set on the generated set (PNG and
// JPEG at q87, Simplified and Traditional chats in every layout): there,
// over the characters that tell the scripts apart, the Traditional model
// was 2.4 to 16 points more confident than the Simplified one on every
// Traditional picture, and at most 0.4 more on a Simplified one.
const (
	// traditionalMargin is how much more confident the Traditional
	// reading must be than the Simplified one, over the characters each
	// writes apart, for a picture to be Traditional. Tesseract's chi_tra
	// reads Simplified glyphs nearly as confidently as chi_sim does, so a
	// tie is Simplified.
	traditionalMargin = 1.5
	// minMarked is the fewest words with such characters each reading
	// needs for a decision; below it (an English chat, a short bubble or
	// two) there is none.
	minMarked = 4
	// fallbackMargin is how much more confident another reading must be on
	// a bubble for the bubble to leave the page's script: the script's
	// model misread that bubble.
	fallbackMargin = 10
)

// pageScript decides which script a page is written in, and so which of
// the readings to prefer (its index; -1 when undecided).
//
// Each reading writes its own script whatever the picture shows: chi_tra
// reads 们 as 們 and chi_sim reads 們 as 们, so neither the share of
// Traditional characters in what was read nor the confidence of a
// bubble as a whole says what the picture holds (each bubble kept the
// more confident reading before, and Traditional chats were answered in
// Simplified, Simplified ones given Traditional words). What differs is
// how sure each model is on the characters where the scripts part: the
// model of the picture's script reads them as they are drawn.
func (r *Reader) pageScript(readings [][]ocr.Word) (script string, preferred int) {
	scripts := scriptOfLanguages(r.engine.Config().Languages)
	simplified := slices.Index(scripts, scriptSimplified)
	traditional := slices.Index(scripts, scriptTraditional)
	if simplified < 0 || traditional < 0 || len(readings) != len(scripts) {
		return "", -1
	}
	simConfidence, simMarked := markedConfidence(readings[simplified], scriptSimplified)
	traConfidence, traMarked := markedConfidence(readings[traditional], scriptTraditional)
	switch {
	case simMarked < minMarked || traMarked < minMarked:
		return "", -1
	case traConfidence >= simConfidence+traditionalMargin:
		return scriptTraditional, traditional
	}
	return scriptSimplified, simplified
}

// chooseReading picks the words of one part of the picture (a bubble, or
// the whole page) among the readings: the preferred reading's unless
// another is more confident on it by fallbackMargin, and the most
// confident when none is preferred.
func chooseReading(candidates [][]ocr.Word, preferred int) []ocr.Word {
	best, bestConfidence := -1, 0.0
	for i, words := range candidates {
		if c := ocr.MeanConfidence(words); best < 0 || c > bestConfidence {
			best, bestConfidence = i, c
		}
	}
	if best < 0 {
		return nil
	}
	if preferred >= 0 && len(candidates[preferred]) > 0 &&
		ocr.MeanConfidence(candidates[preferred])+fallbackMargin >= bestConfidence {
		return candidates[preferred]
	}
	return candidates[best]
}
