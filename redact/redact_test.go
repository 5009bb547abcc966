package redact

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestText(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"mobile", "请拨打13812345678联系我", "请拨打[phone]联系我"},
		{"mobile grouped", "call 138 1234 5678 now", "call [phone] now"},
		{"mobile dashed with country code", "+86 138-1234-5678", "[phone]"},
		{"mobile with 86", "8613812345678", "[phone]"},
		{"full-width mobile", "电话１３８１２３４５６７８", "电话[phone]"},
		{"landline", "客服电话021-62345678", "客服电话[phone]"},
		{"international", "WhatsApp +44 7700 900123", "WhatsApp [phone]"},
		{"north american with area code", "+1 (415) 555-2671", "[phone]"},
		{"parenthesised area code", "call (415) 555-2671", "call [phone]"},
		{"list number kept", "(1) 500元", "(1) 500元"},
		{"north american", "call 415-555-2671", "call [phone]"},
		{"local grouped seven", "ring 555-1234", "ring [phone]"},
		{"hotline 400", "拨打4008208820", "拨打[phone]"},
		{"card luhn", "卡号6222021234567890128", "卡号[card]"},
		{"card grouped", "card 6217 0012 3456 7890", "card [card]"},
		{"card sixteen luhn", "4532015112830366", "[card]"},
		{"id 18 digit check", "身份证110105198001010016", "身份证[id]"},
		{"id 18 check X", "身份证号11010519491231002X。", "身份证号[id]。"},
		{"id 18 lowercase x", "id 11010519491231002x", "id [id]"},
		{"id 15", "老身份证110105800101001", "老身份证[id]"},
		{"id wrong checksum is a number", "110105198001010017", "[number]"},
		{"tracking SF grouped", "快递单号SF1402 3378 9921已签收", "快递单号[number]已签收"},
		{"tracking YT", "单号YT8812345678901", "单号[number]"},
		{"tracking JD", "订单JD0012345678", "订单[number]"},
		{"order long digits", "订单号 202405121234567890", "订单号 [number]"},
		{"lowercase word is not a prefix", "tel13812345678", "tel[phone]"},
		{"amount kept", "转账500元到账户", "转账500元到账户"},
		{"large amount with unit kept", "投资12000000元", "投资12000000元"},
		{"amount with sign kept", "¥35000000", "¥35000000"},
		{"amount with commas kept", "$1,250,000.00", "$1,250,000.00"},
		{"anti-fraud line kept", "拨打96110或110报警", "拨打96110或110报警"},
		{"bank short number kept", "call 95555", "call 95555"},
		{"verification code kept", "验证码 482913", "验证码 482913"},
		{"seven plain digits kept", "1234567", "1234567"},
		{"date kept", "2024-05-12 and 20240512 and 12-05-2024", "2024-05-12 and 20240512 and 12-05-2024"},
		{"short code kept", "BUXCX7 txt STOP to 88039", "BUXCX7 txt STOP to 88039"},
		{"two numbers", "13812345678 / 6222021234567890128", "[phone] / [card]"},
		{"empty", "", ""},
		{"invalid utf-8 dropped", "a\xffb 13812345678", "ab [phone]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Text(c.in); got != c.want {
				t.Errorf("Text(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestTextKeepsUnchangedStringsUnallocated(t *testing.T) {
	in := "您好，这里是京东客服，您的订单有问题"
	allocs := testing.AllocsPerRun(100, func() { _ = Text(in) })
	if allocs != 0 {
		t.Errorf("Text allocated %.0f times on text without numbers", allocs)
	}
}

// longDigitRun finds what redaction must never leave behind: nine digits
// in a row are never a date, an amount we keep or a short number.
var longDigitRun = regexp.MustCompile(`[0-9]{9,}`)

func FuzzText(f *testing.F) {
	for _, seed := range []string{
		"请拨打13812345678", "SF1402 3378 9921", "11010519491231002X", "¥35000000",
		"+86 138-1234-5678", "6217 0012 3456 7890", "AB11010519491231002XCD12345678",
		"１３８１２３４５６７８", "12 34 56 78 90 12 34", "\xff\xfe1234567890",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		out := Text(in)
		if !utf8.ValidString(out) {
			t.Fatalf("Text(%q) = %q: invalid UTF-8", in, out)
		}
		if len(out) > len(in) {
			t.Fatalf("Text(%q) = %q: longer than the input", in, out)
		}
		if again := Text(out); again != out {
			t.Fatalf("not idempotent: Text(%q) = %q, Text(that) = %q", in, out, again)
		}
		if run := longDigitRun.FindString(out); run != "" && !amountContext(out) {
			t.Fatalf("Text(%q) = %q keeps the digit run %q", in, out, run)
		}
	})
}

// amountContext reports text where a long digit run may be a kept amount.
func amountContext(s string) bool {
	return strings.ContainsAny(s, "¥￥$€£元块万亿.")
}
