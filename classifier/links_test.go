package classifier

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestFindLinks(t *testing.T) {
	tests := []struct {
		text string
		want []string // signals, in order
	}{
		{"see https://www.amazon.com/orders for details", nil}, // the brand's own address: no evidence
		{"claim at bit.ly/3xYz now", []string{"link_shortener"}},
		{"verify: http://192.168.10.4/login", []string{"link_ip_address"}},
		{"go to amazon-account-verify.com", []string{"link_lookalike"}},
		{"track at https://dhl.parcel-help.top/x", []string{"link_lookalike"}},
		{"pay here parcel-fee.xyz", []string{"link_lookalike"}}, // an official word glued on with a hyphen
		{"pay here cheap-gadgets.xyz", []string{"link_cheap_tld"}},
		{"https://post-gov-tw.top/t/92xa", []string{"link_lookalike"}},
		{"https://www.irs.gov/refunds", nil},
		// A brand's own site in a country is not borrowing its name.
		{"see https://www.amazon.in/gp/help for returns", []string{"link_url"}},
		{"apple.com.au/shop", []string{"link_url"}},
		{"verify at amazon.top now", []string{"link_lookalike"}},
		{"reset it at passwordreset.microsoftonline.com", nil},
		{"https://irs.gov.refund-check.com", []string{"link_lookalike"}},
		{"https://fuwu.nhsa.gov.cn/", []string{"link_url"}},
		{"e.g. version 3.5 works, Mr.Smith", nil},
		{"支付宝链接 https://evil.icu 立即", []string{"link_cheap_tld"}},
		{"paypal.com@evil.example.com", []string{"link_url"}},
		{"Click:http://23.254.215.52 to apply", []string{"link_ip_address"}},
		// A bank's name on a throw-away domain: a look-alike before a cheap TLD.
		{"log in via http:l/natwestauth.xyz now", []string{"link_lookalike"}},
		{"account details.www.97bmo.tk", []string{"link_cheap_tld"}},
		{"download http://mijn.bank-mobiel.com/update.apk now", []string{"link_app_download"}},
		// Canada's and Singapore's payment and bank names (ninth session):
		// ".ca" is an address without a scheme, and a bank's name on
		// another domain borrows it; the bank's own site does not.
		{"Deposit your funds now: interac-etransfer-deposit.ca/claim", []string{"link_lookalike"}},
		{"please log in here: dbs-token-sg.com/reactivate", []string{"link_lookalike"}},
		{"log in at www.dbs.com.sg only", nil},
		{"重新驗證身分：nhi-card.tw-cc.com", []string{"link_lookalike"}},
		{"兌換:csl-points-hk.com(只需付運費)", []string{"link_lookalike"}},
		// A courier's or a licensing office's errand glued to a name
		// (tenth session); the courier's own page is no look-alike.
		{"rebook your parcel at post-redeliver.com", []string{"link_lookalike"}},
		{"settle it at quebec-licence.ca today", []string{"link_lookalike"}},
		{"rebook at royalmail.com/redelivery", nil},
	}
	for _, tt := range tests {
		got := findLinks(tt.text)
		if len(got) != len(tt.want) {
			t.Errorf("%q: found %v, want %v", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i].signal != tt.want[i] {
				t.Errorf("%q: link %d is %s, want %s", tt.text, i, got[i].signal, tt.want[i])
			}
			if s := tt.text[got[i].start:got[i].end]; s == "" {
				t.Errorf("%q: empty span", tt.text)
			}
		}
	}
}

func TestFindNumbers(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Just call 09061743386 to claim", []string{"number_call_to_action", "number_premium_rate"}},
		{"call 0800 542 0825 now", []string{"number_call_to_action"}},
		{"Txt STORE to 88039 now", []string{"number_text_shortcode"}},
		{"请拨打 95555 咨询", nil},
		{"请拨打 400-820-8820", []string{"number_call_to_action"}},
		// A number a reference word names is the parcel's, not a phone's.
		{"your parcel 2023 1234 567 is on its way", nil},
		{"your courier is on 2023 1234 567 now", []string{"number_phone"}},
		{"code BUXCX7123456 and 3.5", nil},
		{"order 2231 arrives", nil},
	}
	for _, tt := range tests {
		got := findNumbers(tt.text)
		if len(got) != len(tt.want) {
			t.Errorf("%q: found %v, want %v", tt.text, got, tt.want)
			continue
		}
		for i := range got {
			if got[i].signal != tt.want[i] {
				t.Errorf("%q: %s, want %s", tt.text, got[i].signal, tt.want[i])
			}
		}
	}
}

// TestADisguisedLinkWithAnythingAskedIsPhishing: an address that borrows a
// brand's name (or hides behind a throw-away domain) with a story, a call to
// act, or the protected person asking whether to use it is phishing; the
// same question about the brand's own address is not, and neither is a
// disguised link nobody asks anything about.
func TestADisguisedLinkWithAnythingAskedIsPhishing(t *testing.T) {
	c := productionClassifier(t)
	cases := []struct {
		name string
		conv Conversation
		want Level
	}{
		{"asked about a look-alike", conv(`me:Got a text: "Your subscription payment failed, update billing at netflix-billing-help.com". Should I update it through that link?`), LevelScam},
		{"asked in Chinese, cheap domain", conv("me:收到短信说我有一笔罚单没缴，网址是 jiaotong-fakuan.xyz，要缴吗？"), LevelScam},
		{"the brand's own address", conv(`me:Got a text: "Your subscription payment failed, update billing at netflix.com". Should I update it?`), LevelNone},
		{"a look-alike named, nothing asked", conv("me:amazon-help-desk.com"), LevelNone},
	}
	for _, tt := range cases {
		if got := c.Classify(context.Background(), tt.conv); got.Level != tt.want {
			t.Errorf("%s: %s (%.2f), want %s", tt.name, got.Level, got.Score, tt.want)
		}
	}
}

// TestAMaskHoldsItsSoundAlikes: the sound-alike matcher (homophones typed
// to dodge the phrases) respects masks like the phrases do: a developer's
// escrow account sounds like the supervised account it is not.
func TestAMaskHoldsItsSoundAlikes(t *testing.T) {
	c := productionClassifier(t)
	v := c.Classify(context.Background(), conv("您好，我是银行客户经理，您的房贷放款会直接打到开发商监管账户"))
	if v.Level != LevelNone {
		t.Errorf("a loan paid into the developer's escrow: %s %.3f %v, want none", v.Level, v.Score, v.Signals)
	}
}

// TestAReferenceNumberIsNoPhoneNumber: the long number a notice quotes for a
// shipment, an order or a case is not a number to call.
func TestAReferenceNumberIsNoPhoneNumber(t *testing.T) {
	for _, text := range []string{
		"Your shipment 4829103375 is subject to import duty",
		"订单号：2023119988776 已发货",
		"your order #1140028891 was refunded",
	} {
		if hits := findNumbers(text); len(hits) != 0 {
			t.Errorf("%q: found %v, want no phone number", text, hits)
		}
	}
	if hits := findNumbers("call 0800 123 4567 now"); len(hits) == 0 || hits[0].signal != "number_call_to_action" {
		t.Errorf("a number to call: found %v, want a call to action", hits)
	}
}

// TestAOneLetterSubdomainStaysADomain: undoing letters split by dots
// ("T.x.t") must not glue a one-letter subdomain to the brand's name:
// "v.whatsapp.com" is WhatsApp's own address, not "vwhatsapp.com".
func TestAOneLetterSubdomainStaysADomain(t *testing.T) {
	p := undisguise("tap v.whatsapp.com/618204 or T.x.t STOP")
	if !strings.Contains(p.text, "v.whatsapp.com") || !strings.Contains(p.text, "Txt") {
		t.Fatalf("undisguised to %q", p.text)
	}
	if hits := findLinks(p.text); len(hits) != 0 {
		t.Errorf("WhatsApp's own address raised %v", hits)
	}
}

// TestTaiwansWordForALink: "點擊連結" (Taiwan's word for a link) is the
// instruction "点击链接" is, and a Cantonese new phone is a new number.
func TestTaiwansWordForALink(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct{ text, signal string }{
		{"您的水費已逾期，請於今日點擊連結補繳", "zh_act_click_link"},
		{"媽，我換咗手機，之後用呢個搵我", "zh_pre_new_number"},
	} {
		v := c.Classify(context.Background(), conv(tc.text))
		if !slices.ContainsFunc(v.Signals, func(h Hit) bool { return h.Signal == tc.signal }) {
			t.Errorf("%q: signals %v, want %s", tc.text, v.Signals, tc.signal)
		}
	}
}
