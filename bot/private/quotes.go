package private

import (
	"strings"
	"unicode"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/redact"
)

// placeholderFree removes redact's placeholders, whose letters say nothing
// about the language a conversation is in.
var placeholderFree = func() *strings.Replacer {
	var pairs []string
	for _, p := range redact.Placeholders {
		pairs = append(pairs, p, "")
	}
	return strings.NewReplacer(pairs...)
}()

// hasLetters reports whether any message of the burst's conversation has
// a letter of any script, so that its language can be told.
func hasLetters(br *burst) bool {
	texts := make([]string, 0, len(br.window)+len(br.fallback))
	for _, e := range br.window {
		texts = append(texts, placeholderFree.Replace(e.Text))
	}
	for _, m := range br.fallback {
		texts = append(texts, m.Text)
	}
	for _, text := range texts {
		if strings.IndexFunc(text, unicode.IsLetter) >= 0 {
			return true
		}
	}
	return false
}

// liveQuotes puts the words of the burst's own messages back into the
// verdict's quotes. The store keeps the classifier's state redacted, so a
// hit on an earlier message of the burst comes back from Redis as "call
// [phone]"; the user forwarded that message seconds ago and is shown what
// it said. live maps a message index to the text as received. A hit is
// restored only when its stored match is the redaction of the live text at
// its offsets: a message another replica folded from the redacted window
// has offsets into that text instead, and keeps its stored quote.
func liveQuotes(verdict classifier.Verdict, live map[int]string) classifier.Verdict {
	if len(live) == 0 {
		return verdict
	}
	var signals []classifier.Hit
	for i, hit := range verdict.Signals {
		text, ok := live[hit.MessageIndex]
		if !ok || hit.Start < 0 || hit.End > len(text) || hit.Start >= hit.End {
			continue
		}
		original := text[hit.Start:hit.End]
		if original == hit.Match || redact.Personal(original) != hit.Match {
			continue
		}
		if signals == nil {
			// The verdict's slice may be shared with the burst: copy on write.
			signals = append([]classifier.Hit(nil), verdict.Signals...)
		}
		signals[i].Match = original
	}
	if signals != nil {
		verdict.Signals = signals
	}
	return verdict
}
