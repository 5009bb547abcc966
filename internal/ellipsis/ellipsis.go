// Package ellipsis shortens text for display: one rule for every place
// that cuts a long text (quotes in replies, moderators' cards, the LLM's
// request), so that a limit means the same everywhere.
package ellipsis

import "unicode/utf8"

// Cut returns s when it has at most n runes, else its first n-1 runes and
// "…": the result never exceeds n runes, the mark included (n < 1 counts
// as 1).
func Cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	return string([]rune(s)[:n-1]) + "…"
}
