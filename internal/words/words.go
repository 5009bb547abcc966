// Package words finds a Latin word inside text that mixes scripts: a
// brand or a keyword counts only where no ASCII letter or digit touches
// it ("Alipay" in "via Alipay.", not "ICBC" in "ICBCX"), while CJK
// characters around it are no word of its own.
package words

import (
	"strings"
	"unicode/utf8"
)

// Contains reports whether needle stands in text as a whole word: no
// ASCII letter or digit right before or after it.
func Contains(text, needle string) bool {
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], needle)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(needle)
		before, _ := utf8.DecodeLastRuneInString(text[:start])
		after, _ := utf8.DecodeRuneInString(text[end:])
		if !IsASCIIAlnum(before) && !IsASCIIAlnum(after) {
			return true
		}
		from = start + 1
	}
	return false
}

// IsASCIIAlnum reports an ASCII letter or digit.
func IsASCIIAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
