package classifier

import "testing"

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
		{"your parcel 2023 1234 567 is on its way", []string{"number_phone"}},
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
