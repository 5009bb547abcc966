package classifier

import "strings"

// Phone numbers and SMS short codes are found by code, like links: an
// unsolicited message that asks you to call a premium-rate number or to
// text a word to a short code is the call to action of SMS fraud.
//
// Calling a premium-rate number or texting a short code is itself the
// payment (per minute, per message), so those are money moves; a plain
// number after "call"/"contact" is a call to action.
var numberSignals = []Signal{
	{ID: "number_phone", Role: RoleAction, Weight: 0.25, Lang: "any"},
	{ID: "number_call_to_action", Role: RoleAction, Weight: 0.55, Lang: "any"},
	{ID: "number_premium_rate", Role: RoleMoneyMove, Weight: 0.8, Lang: "any"},
	{ID: "number_text_shortcode", Role: RoleMoneyMove, Weight: 0.5, Lang: "any"},
}

// callVerbs before a number make it a call to action ("call 0800…",
// "contact customer care on …", "拨打…").
var callVerbs = []string{"call", "ring", "dial", "contact", "phone", "ph", "tel", "whatsapp", "text", "txt", "拨打", "致电", "回电"}

// premiumPrefixes are premium-rate and revenue-sharing ranges (UK 09xx and
// 087x; the caller pays per minute and the sender earns).
var premiumPrefixes = []string{"09", "0871", "0872", "0873", "0870", "070", "+449", "00449", "+44871", "+44872", "+4470"}

// shortCodeVerbs precede "WORD to 88039" in SMS campaigns.
var shortCodeVerbs = map[string]bool{"txt": true, "text": true, "send": true, "reply": true, "sms": true}

// findNumbers returns phone numbers (7+ digits, spaces and dashes allowed
// inside) and short codes (4–6 digits after "txt WORD to").
func findNumbers(text string) []codeHit {
	var found []codeHit
	for i := 0; i < len(text); {
		if !isDigit(text[i]) && !(text[i] == '+' && i+1 < len(text) && isDigit(text[i+1])) {
			i++
			continue
		}
		start := i
		digits := 0
		j := i
		if text[j] == '+' {
			j++
		}
		end := j
		for j < len(text) {
			if isDigit(text[j]) {
				digits++
				j++
				end = j
				continue
			}
			// one space or dash between digit groups
			if (text[j] == ' ' || text[j] == '-') && j+1 < len(text) && isDigit(text[j+1]) {
				j++
				continue
			}
			break
		}
		i = end
		if start > 0 && (isLetter(text[start-1]) || isDigit(text[start-1]) || strings.IndexByte("/=?&#_%.", text[start-1]) >= 0) {
			continue // part of a code such as BUXCX7, or of a web address
		}
		if end < len(text) && strings.IndexByte("/?&=", text[end]) >= 0 {
			continue // inside a web address
		}
		if followsReferenceWord(text[:start]) {
			continue // a shipment's, an order's or a case's number, not a phone's
		}
		number := text[start:end]
		switch {
		case digits >= 7 && digits <= 15:
			signal := "number_phone"
			if followsCallVerb(text[:start]) {
				signal = "number_call_to_action"
			}
			found = append(found, codeHit{signal: signal, start: start, end: end})
			compact := digitsOnly(number)
			for _, p := range premiumPrefixes {
				if strings.HasPrefix(compact, p) {
					// Calling it is also the payment.
					found = append(found, codeHit{signal: "number_premium_rate", start: start, end: end})
					break
				}
			}
		case digits >= 4 && digits <= 6 && followsShortCodeVerb(text[:start]):
			found = append(found, codeHit{signal: "number_text_shortcode", start: start, end: end})
		}
	}
	return found
}

// followsCallVerb reports a call verb within the few words before a number.
func followsCallVerb(before string) bool {
	if len(before) > 40 {
		before = before[len(before)-40:]
	}
	lower := strings.ToLower(before)
	for _, verb := range callVerbs {
		at := strings.LastIndex(lower, verb)
		if at < 0 {
			continue
		}
		// A Latin verb must start a word ("call", not "recall").
		if verb[0] < 0x80 && at > 0 && isLetter(lower[at-1]) {
			continue
		}
		return true
	}
	return false
}

// referenceWords name what a long number right after them is: a parcel,
// an order, a case or an account, which every honest notice quotes.
var referenceWords = []string{"shipment", "waybill", "tracking", "tracking number", "order", "order number", "parcel", "reference",
	"ref", "case", "case number", "invoice", "policy", "account ending", "card ending", "单号", "运单号", "运单", "订单号", "订单", "快件",
	"包裹", "编号", "尾号", "工单", "案件编号", "單號", "運單", "訂單", "編號"}

// followsReferenceWord reports a reference word (and at most a "#", "no."
// or a colon) right before a number.
func followsReferenceWord(before string) bool {
	trimmed := strings.TrimRight(strings.ToLower(before), " \t:：#（(")
	trimmed = strings.TrimSuffix(strings.TrimRight(strings.TrimSuffix(trimmed, "no."), " "), "no")
	trimmed = strings.TrimRight(trimmed, " \t:：#（(")
	for _, w := range referenceWords {
		if strings.HasSuffix(trimmed, w) {
			return true
		}
	}
	return false
}

// digitsOnly drops the spaces and dashes of a phone number.
func digitsOnly(number string) string {
	b := make([]byte, 0, len(number))
	for i := 0; i < len(number); i++ {
		if number[i] != ' ' && number[i] != '-' {
			b = append(b, number[i])
		}
	}
	return string(b)
}

// followsShortCodeVerb reports "txt WORD to " (or "send WORD to ") right
// before a number.
func followsShortCodeVerb(before string) bool {
	if len(before) > 48 {
		before = before[len(before)-48:]
	}
	words := strings.Fields(strings.ToLower(before))
	n := len(words)
	return n >= 3 && words[n-1] == "to" && shortCodeVerbs[words[n-3]]
}

func isDigit(b byte) bool  { return b >= '0' && b <= '9' }
func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' }
