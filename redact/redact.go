// Package redact removes personal numbers from message text before it is
// stored: phone numbers, bank card numbers, Chinese resident ID numbers and
// order or tracking numbers become placeholders. The classifier reads the
// original text; only what is kept (the conversation window in Redis) is
// redacted, so a leaked or inspected store holds no numbers that identify or
// reach a person.
//
// Short numbers stay: amounts ("500元", "¥12,000"), service numbers (96110,
// 110, 95555), codes of a few digits and dates are what a reply quotes and
// what a moderator needs to read a case.
package redact

import (
	"strings"
	"unicode/utf8"
)

// The placeholders that replace numbers. They contain no digits, so
// redacting redacted text changes nothing.
const (
	Phone  = "[phone]"
	Card   = "[card]"
	ID     = "[id]"
	Number = "[number]"
)

// minDigits is the shortest run worth redacting: six digits or fewer are
// amounts, service numbers and verification codes, not identities.
const minDigits = 7

// maxPrefixLetters is the longest letter prefix of an order or tracking
// number ("SF", "YT", "JD", "JDVA") that is redacted with its digits.
const maxPrefixLetters = 4

// Text returns s with phone, card, ID and order numbers replaced by
// placeholders. Invalid UTF-8 bytes are dropped, so the result is always
// valid UTF-8 and never longer than s.
func Text(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	var out strings.Builder
	copied := 0 // s[:copied] is already in out
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		_, isDigit := digitValue(r)
		// A '+' or '(' starts a number when a digit follows: "+86 …", "(415) …".
		opens := (r == '+' || r == '(') && startsDigit(s[i+size:])
		if !isDigit && !opens {
			i += size
			continue
		}
		run := scan(s, i, copied)
		placeholder := run.classify(s, copied)
		if placeholder != "" {
			if out.Len() == 0 {
				out.Grow(len(s))
			}
			out.WriteString(s[copied:run.start])
			out.WriteString(placeholder)
			copied = run.end
		}
		i = run.end
	}
	if copied == 0 {
		return s
	}
	out.WriteString(s[copied:])
	return out.String()
}

// digitValue reports the ASCII digit of r, for ASCII and full-width digits
// (scammers and phone keyboards write both).
func digitValue(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r), true
	case r >= '０' && r <= '９':
		return byte(r-'０') + '0', true
	}
	return 0, false
}

// separator returns the width of the separator between two digit groups
// at the start of s: one or two of space, dash and parentheses ("138 1234",
// "021-6234", "(415) 555"), followed by a digit; 0 when there is none.
func separator(s string) int {
	width := 0
	for width < len(s) && width < 2 && strings.IndexByte(" -()", s[width]) >= 0 {
		width++
	}
	if width == 0 || !startsDigit(s[width:]) {
		return 0
	}
	return width
}

func startsDigit(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	_, ok := digitValue(r)
	return ok
}

// run is one number as written: digit groups joined by spaces, dashes or
// parentheses ("138 1234 5678", "6222-0212-3456-7890", "(415) 555-2671"),
// perhaps after a plus sign, a letter prefix, or before the check letter
// of an ID number.
type run struct {
	start, end int    // byte span in the text, prefix and check letter included
	digits     []byte // ASCII digits, separators dropped
	groups     []int  // digits per group
	plus       bool   // written with a leading '+'
	prefix     bool   // led by up to maxPrefixLetters capital letters (SF, YT, JD…)
	checkX     bool   // ends with the ID number check letter X
	digitsEnd  int    // end of the last digit, before a check letter
}

// scan reads the run that starts at s[i] (a digit, or a '+' or '(' before one);
// a letter prefix is looked for in s[floor:i] only, after the previous run.
func scan(s string, i, floor int) run {
	r := run{start: i}
	j := i
	switch s[j] {
	case '+':
		r.plus = true
		j++
	case '(':
		j++
	}
	group := 0
	for j < len(s) {
		c, size := utf8.DecodeRuneInString(s[j:])
		if d, ok := digitValue(c); ok {
			r.digits = append(r.digits, d)
			group++
			j += size
			r.digitsEnd = j
			continue
		}
		if group > 0 {
			if width := separator(s[j:]); width > 0 {
				r.groups = append(r.groups, group)
				group = 0
				j += width
				continue
			}
		}
		break
	}
	r.groups = append(r.groups, group)
	r.end = r.digitsEnd
	if len(r.digits) == 17 && r.end < len(s) && (s[r.end] == 'X' || s[r.end] == 'x') && !letterAt(s, r.end+1) {
		r.checkX = true
		r.end++
	}
	if !r.plus {
		letters := 0
		for k := r.start - 1; k >= floor && isUpper(s[k]); k-- {
			letters++
		}
		if letters > 0 && letters <= maxPrefixLetters {
			r.prefix = true
		}
	}
	return r
}

// isUpper reports the letters of carrier prefixes, always capitals: a
// lowercase word before a number ("tel", "qq") is not part of it.
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isASCIILetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func letterAt(s string, i int) bool { return i < len(s) && isASCIILetter(s[i]) }

// classify returns the placeholder for the run, or "" to keep it, and
// widens the run over a letter prefix that belongs to it.
func (r *run) classify(s string, floor int) string {
	n := len(r.digits)
	switch {
	case r.checkX:
		if residentID18(r.digits, 'X') {
			return ID
		}
		// Not an ID: the letter is ordinary text again.
		r.checkX = false
		r.end = r.digitsEnd
	}
	switch {
	case n < minDigits:
		return ""
	case r.prefix && n >= 8:
		// Order and tracking numbers: SF1402 3378 9921, YT…, JD…
		for r.start > floor && isUpper(s[r.start-1]) {
			r.start--
		}
		return Number
	case n == 18 && residentID18(r.digits[:17], r.digits[17]):
		return ID
	case n == 15 && len(r.groups) == 1 && residentID15(r.digits):
		return ID
	case r.plus:
		if n <= 15 {
			return Phone
		}
		return Number
	case phoneShaped(r.digits, r.groups):
		return Phone
	case n >= 13 && n <= 19 && (luhn(r.digits) || groupedInFours(r.groups)):
		return Card
	case n == minDigits:
		// Seven plain digits are as often an amount as a local number;
		// written in groups ("555-1234") they are a phone number.
		if len(r.groups) > 1 {
			return Phone
		}
		return ""
	case n == 8 && isDate(r.digits, r.groups):
		return ""
	case isAmount(s, r) && n <= 12:
		return ""
	}
	return Number
}

// phoneShaped reports mobile numbers (1[3-9] + 9 digits, with or without
// 86), landlines with an area code (0…), 400/800 hotlines, North American
// 3-3-4 numbers and grouped 4-4 local numbers.
func phoneShaped(d []byte, groups []int) bool {
	n := len(d)
	mobile := func(d []byte) bool { return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' }
	switch {
	case mobile(d):
		return true
	case n == 13 && d[0] == '8' && d[1] == '6' && mobile(d[2:]):
		return true
	case n >= 10 && n <= 12 && d[0] == '0':
		return true
	case n == 10 && (string(d[:3]) == "400" || string(d[:3]) == "800"):
		return true
	case n == 10 && equalGroups(groups, 3, 3, 4):
		return true
	case n == 8 && equalGroups(groups, 4, 4):
		return true
	}
	return false
}

func equalGroups(groups []int, want ...int) bool {
	if len(groups) != len(want) {
		return false
	}
	for i := range want {
		if groups[i] != want[i] {
			return false
		}
	}
	return true
}

// groupedInFours reports card numbers written the way cards print them:
// groups of four, the last one shorter or longer ("6222 0212 3456 7890 123").
func groupedInFours(groups []int) bool {
	if len(groups) < 3 {
		return false
	}
	for _, g := range groups[:len(groups)-1] {
		if g != 4 {
			return false
		}
	}
	return true
}

// luhn reports whether the digits pass the Luhn check of card numbers.
func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		v := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum%10 == 0
}

// residentID18 reports whether 17 digits and a check character form a
// valid resident ID number (GB 11643: ISO 7064 MOD 11-2 checksum).
func residentID18(first17 []byte, check byte) bool {
	if len(first17) != 17 || !validDate(first17[6:14]) {
		return false
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * weights[i]
	}
	want := "10X98765432"[sum%11]
	if check == 'x' {
		check = 'X'
	}
	return check == want
}

// residentID15 reports the old 15-digit ID numbers: a region code and a
// YYMMDD birth date; they have no checksum.
func residentID15(d []byte) bool {
	if d[0] < '1' || d[0] > '8' {
		return false
	}
	month := int(d[8]-'0')*10 + int(d[9]-'0')
	day := int(d[10]-'0')*10 + int(d[11]-'0')
	return month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// validDate reports a YYYYMMDD date between 1900 and 2099.
func validDate(d []byte) bool {
	if len(d) != 8 {
		return false
	}
	year := string(d[:2])
	month := int(d[4]-'0')*10 + int(d[5]-'0')
	day := int(d[6]-'0')*10 + int(d[7]-'0')
	return (year == "19" || year == "20") && month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// isDate reports eight digits that read as a date: 20240512, 2024-05-12,
// 12-05-2024.
func isDate(d []byte, groups []int) bool {
	switch {
	case len(groups) == 1 || equalGroups(groups, 4, 2, 2):
		return validDate(d)
	case equalGroups(groups, 2, 2, 4):
		swapped := append(append(append([]byte{}, d[4:]...), d[2:4]...), d[:2]...)
		alt := append(append(append([]byte{}, d[4:]...), d[:2]...), d[2:4]...)
		return validDate(swapped) || validDate(alt)
	}
	return false
}

// isAmount reports a number written as money: after a currency sign, or
// before a unit or cents ("¥12000000", "12000000元", "3500000.00").
func isAmount(s string, r *run) bool {
	before, _ := utf8.DecodeLastRuneInString(s[:r.start])
	if strings.ContainsRune("¥￥$€£", before) {
		return true
	}
	after, size := utf8.DecodeRuneInString(s[r.end:])
	if strings.ContainsRune("元块万亿", after) {
		return true
	}
	return after == '.' && cents(s[r.end+size:])
}

// cents reports one or two digits not followed by a third: the decimals of
// an amount. Longer decimals would be redacted themselves, and the number
// before them must not be kept or redacted depending on it (idempotence).
func cents(s string) bool {
	digits := 0
	for _, r := range s {
		if _, ok := digitValue(r); !ok {
			break
		}
		digits++
		if digits > 2 {
			return false
		}
	}
	return digits > 0
}
