package screenshot

import (
	"strings"

	"github.com/scamguard/scamguard/classifier"
)

// Merge joins pages read from screenshots of one chat, in order, into one
// conversation. When a screenshot starts with turns the previous one ended
// with (the chat was scrolled), those turns are kept once: the longest run
// that ends the conversation so far and starts the page, compared on
// letters and digits only (OCR differs in spaces and punctuation), with a
// bubble cut by the screen's edge matching the whole bubble.
func Merge(pages []Page) Reading {
	var reading Reading
	for _, page := range pages {
		overlap := 0
		for k := min(len(reading.Turns), len(page.Turns)); k > 0; k-- {
			if sameTurns(reading.Turns[len(reading.Turns)-k:], page.Turns[:k]) {
				overlap = k
				break
			}
		}
		reading.Overlap += overlap
		reading.Turns = append(reading.Turns, page.Turns[overlap:]...)
	}
	return reading
}

func sameTurns(a, b []Turn) bool {
	for i := range a {
		if a[i].From != b[i].From || !sameText(a[i].Text, b[i].Text, i == 0, i == len(a)-1) {
			return false
		}
	}
	return true
}

// sameText compares two readings of one bubble. The first turn of the
// overlap may be cut at the top of the next screenshot, so b may be its
// end; the last may be cut at the bottom of the earlier one, so a may be
// its start.
func sameText(a, b string, first, last bool) bool {
	ka, kb := key(a), key(b)
	if ka == kb {
		return ka != ""
	}
	if len([]rune(ka)) < 4 || len([]rune(kb)) < 4 {
		return false
	}
	if first && strings.HasSuffix(ka, kb) || last && strings.HasPrefix(kb, ka) {
		return true
	}
	return similar(ka, kb)
}

// key keeps the letters and digits of s as the classifier folds them
// (lower case, Traditional characters as Simplified), so that two readings
// of one bubble in different scripts compare equal.
func key(s string) string {
	// The classifier's Traditional→Simplified table also folds the
	// Simplified 么 to 幺 (a variant pair), while the Traditional 麼 folds
	// to 么: one bubble read in both scripts ("怎么了", "怎麼了") must give
	// one key.
	return strings.ReplaceAll(string(classifier.Normalize(s).Runes), "幺", "么")
}

// similar reports two strings within 15% edit distance of the longer: the
// same bubble read twice with a few characters read differently.
func similar(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	longest := max(len(ra), len(rb))
	return EditDistance(ra, rb)*100 <= longest*15
}

// EditDistance is the Levenshtein distance between two rune strings (also
// the numerator of a character error rate).
func EditDistance(a, b []rune) int {
	previous := make([]int, len(b)+1)
	current := make([]int, len(b)+1)
	for j := range previous {
		previous[j] = j
	}
	for i := 1; i <= len(a); i++ {
		current[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			current[j] = min(previous[j]+1, current[j-1]+1, previous[j-1]+cost)
		}
		previous, current = current, previous
	}
	return previous[len(b)]
}
