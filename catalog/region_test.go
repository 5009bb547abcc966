package catalog

import (
	"slices"
	"strings"
	"testing"
)

// TestVerifyInNeverShowsAnotherRegion walks every scam type × brand ×
// language × region: an item comes from the brand's own entry or from the
// user's region, never a third one, and with an unknown region only from
// the brand.
func TestVerifyInNeverShowsAnotherRegion(t *testing.T) {
	c := mustLoad(t)
	brandIDs := []string{""}
	for _, b := range c.ImpersonableBrands() {
		brandIDs = append(brandIDs, b.ID)
	}
	typeSlugs := []string{""}
	for _, st := range c.ScamTypes() {
		typeSlugs = append(typeSlugs, st.Slug)
	}
	for _, brandID := range brandIDs {
		brand, _ := c.Brand(brandID)
		for _, slug := range typeSlugs {
			for _, region := range []string{"", "CN", "TW", "HK", "SG", "GB", "US", "AU"} {
				for _, lang := range []string{"zh", "zh-Hant", "en"} {
					for _, item := range c.VerifyIn(brandID, slug, lang, region) {
						if item.BrandID == "" {
							continue // the generic advice
						}
						b, _ := c.Brand(item.BrandID)
						if b.Region != region && b.ID != brand.ID {
							t.Fatalf("VerifyIn(%q, %q, %q, %q) shows %s of region %s", brandID, slug, lang, region, b.ID, b.Region)
						}
					}
				}
			}
		}
	}
}

func TestVerifyInJourneys(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		name                      string
		brand, scamType, lang, rg string
		notValues                 []string
		notBrandPrefix            string
		wantValues                []string
	}{
		{name: "Barclays safe-account scam, no region: no Chinese banks", scamType: "bank_impersonation_safe_account", lang: "en",
			notValues: []string{"95588", "95533"}, notBrandPrefix: "cn_"},
		{name: "same in Chinese with no region decided", scamType: "bank_impersonation_safe_account", lang: "zh",
			notValues: []string{"95588", "95533", "96110"}, notBrandPrefix: "cn_"},
		{name: "Barclays safe-account scam in the UK: 159", scamType: "bank_impersonation_safe_account", lang: "en", rg: "GB",
			wantValues: []string{"159", "0300 123 2040"}, notBrandPrefix: "cn_"},
		{name: "Taiwan bank scam: 165, no ICBC", scamType: "bank_impersonation_safe_account", lang: "zh-Hant", rg: "TW",
			wantValues: []string{"165"}, notValues: []string{"95588"}, notBrandPrefix: "cn_"},
		{name: "Taiwan online-shop ATM scam: no Taobao or JD", scamType: "cancel_membership_or_installment", lang: "zh-Hant", rg: "TW",
			wantValues: []string{"165"}, notBrandPrefix: "cn_"},
		{name: "online-shop ATM scam, no region: no Taobao or JD", scamType: "cancel_membership_or_installment", lang: "zh-Hant",
			notBrandPrefix: "cn_"},
		{name: "the brand's own channel with no region", brand: "cn_icbc", lang: "en", wantValues: []string{"95588"}, notValues: []string{"96110"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			items := c.VerifyIn(tt.brand, tt.scamType, tt.lang, tt.rg)
			got := values(items)
			for _, v := range tt.wantValues {
				if !slices.Contains(got, v) {
					t.Errorf("values %q lack %q", got, v)
				}
			}
			for _, v := range tt.notValues {
				if slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, v) }) {
					t.Errorf("values %q show %q", got, v)
				}
			}
			for _, id := range brandIDsOf(items) {
				if tt.notBrandPrefix != "" && strings.HasPrefix(id, tt.notBrandPrefix) && id != tt.brand {
					t.Errorf("shows %s: %q", id, got)
				}
			}
		})
	}
}

func TestReportVia(t *testing.T) {
	c := mustLoad(t)
	numbers := collectNumbers(c.Brands())
	tests := []struct {
		region string
		want   []string
		not    []string
	}{
		{"CN", []string{"110", "96110"}, []string{"165"}},
		{"TW", []string{"165", "110", "https://165.npa.gov.tw/"}, []string{"96110"}},
		{"HK", []string{"18222"}, []string{"110", "96110"}},
		{"SG", []string{"999", "1799", "https://eservices1.police.gov.sg/phub/eservices/landingpage/police-report"}, nil},
		{"GB", []string{"0300 123 2040", "https://www.reportfraud.police.uk", "159"}, []string{"0808 164 6000"}},
		{"US", []string{"https://reportfraud.ftc.gov", "https://www.ic3.gov"}, nil},
		{"AU", []string{"https://www.cyber.gov.au/report-and-recover/report", "https://www.scamwatch.gov.au", "1300 432 273"}, []string{"1800 595 160", "0800 201 415"}},
		{"uk", []string{"0300 123 2040"}, nil},
		{"", nil, []string{"110"}},
		{"FR", nil, []string{"110"}},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			items := c.ReportVia("en", tt.region)
			got := values(items)
			for _, v := range tt.want {
				if !slices.Contains(got, v) {
					t.Errorf("ReportVia(%q) = %q, lacks %q", tt.region, got, v)
				}
			}
			for _, v := range tt.not {
				if slices.Contains(got, v) {
					t.Errorf("ReportVia(%q) = %q, shows %q", tt.region, got, v)
				}
			}
			if len(tt.want) == 0 && len(items) != 0 {
				t.Errorf("ReportVia(%q) = %q, want nothing", tt.region, got)
			}
			for _, item := range items {
				checkVerifyItem(t, c, numbers, item, "", "report", "en", tt.region)
			}
			if len(items) > 0 && items[0].Note == "" {
				t.Errorf("first item has no note: %+v", items[0])
			}
		})
	}
}

func TestNamesOtherRegion(t *testing.T) {
	c := mustLoad(t)
	tests := []struct {
		name, text string
		allowed    []string
		wantFound  bool
	}{
		{"ICBC number for Taiwan", "工商銀行95588客服不會主動致電", []string{"TW"}, true},
		{"ICBC number for the mainland", "工商银行95588客服不会主动致电", []string{"CN"}, false},
		{"Taobao with no region", "请打开淘宝App查看订单", nil, true},
		{"Taobao for Hong Kong", "请打开淘宝App查看订单", []string{"HK"}, true},
		{"Taobao when the brand is Taobao", "请打开淘宝App查看订单", []string{"HK", "CN"}, false},
		{"110 belongs to Taiwan too", "請撥打110報警", []string{"TW"}, false},
		{"110 is not Hong Kong's", "請撥打110報警", []string{"HK"}, true},
		{"Amazon is a US brand", "Amazon will never ask you to purchase a gift card.", []string{"GB"}, true},
		{"Latin names need word boundaries", "ICBCX is no bank", nil, false},
		{"telecom fraud is not China Telecom", "这是电信诈骗", nil, false},
		{"plain advice", "Call the number on the back of your card.", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			what, found := c.NamesOtherRegion(tt.text, tt.allowed...)
			if found != tt.wantFound {
				t.Errorf("NamesOtherRegion(%q, %q) = %q, %v; want %v", tt.text, tt.allowed, what, found, tt.wantFound)
			}
		})
	}
}

func TestHantVocabulary(t *testing.T) {
	tests := []struct {
		name, text, variant, want string
	}{
		{"transfer, Taiwan", "不要轉賬到陌生賬戶", HantTaiwan, "不要轉帳到陌生帳戶"},
		{"transfer, Hong Kong: a bank account is 戶口", "不要轉賬到陌生賬戶", HantHongKong, "不要轉帳到陌生戶口"},
		{"safe account, Hong Kong", "把錢轉入「安全賬戶」", HantHongKong, "把錢轉入「安全戶口」"},
		{"fake officials, Taiwan", "冒充公檢法及政府機關", HantTaiwan, "冒充檢警及政府機關"},
		{"fake officials, Hong Kong", "自稱公檢法等國家機關工作人員", HantHongKong, "自稱執法人員等政府機關工作人員"},
		{"courier in Hong Kong", "自稱快遞客服", HantHongKong, "自稱速遞客服"},
		{"a courier's name stays", "打開「中通快遞」小程序", HantHongKong, "打開「中通快遞」小程式"},
		{"online, Taiwan", "聯繫在線客服", HantTaiwan, "聯繫線上客服"},
		{"online, Hong Kong", "聯繫在線客服或登錄網銀", HantHongKong, "聯繫網上客服或登入網上銀行"},
		{"remote control", "遠程控制", HantHongKong, "遙距控制"},
		{"receipt and statement", "購卡小票和銀行流水", HantHongKong, "購卡收據和銀行月結單"},
		{"ID card, Taiwan", "身份證號", HantTaiwan, "身分證號"},
		{"phone number written whole once", "手機號和手機號碼", HantHongKong, "手機號碼和手機號碼"},
		{"anti-fraud names stay", "反詐中心、反詐騙協調中心和「國家反詐中心」App", HantHongKong, "反詐騙中心、反詐騙協調中心和「國家反詐中心」App"},
		{"screen sharing, Taiwan", "不要共享屏幕", HantTaiwan, "不要分享螢幕"},
		{"software differs", "下載軟件", HantTaiwan, "下載軟體"},
		{"software in Hong Kong", "下載軟件", HantHongKong, "下載軟件"},
		{"channels differ", "官方渠道", HantTaiwan, "官方管道"},
		{"longest word first", "個人信息和信息", HantTaiwan, "個人資料和訊息"},
		{"login and links", "登錄鏈接", HantHongKong, "登入連結"},
		{"unknown variant reads as Taiwan", "短信", "", "簡訊"},
		{"SMS in Hong Kong", "短信", HantHongKong, "短訊"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := LocalizeHant(tt.text, tt.variant); got != tt.want {
				t.Errorf("LocalizeHant(%q, %q) = %q, want %q", tt.text, tt.variant, got, tt.want)
			}
		})
	}
	text := Text{Zh: "软件", ZhHant: "軟件", En: "software"}
	if text.In("zh-HK") != "軟件" || text.In("zh-TW") != "軟體" || text.In("zh-Hant") != "軟體" || text.In("zh") != "软件" {
		t.Errorf("Text.In does not follow the variant: %q %q %q", text.In("zh-HK"), text.In("zh-TW"), text.In("zh-Hant"))
	}
	for _, bad := range []string{
		"words: []",
		"words:\n  - {mainland: 軟件, tw: 軟體}",
		"words:\n  - {mainland: 軟件, tw: 軟體, hk: 軟件}\n  - {mainland: 軟件, tw: 軟體, hk: 軟件}",
		"words:\n  - {mainland: 軟件, tw: 軟體, hk: 軟件, cn: 软件}",
	} {
		if _, err := parseHantVocabulary([]byte(bad)); err == nil {
			t.Errorf("parseHantVocabulary accepted %q", bad)
		}
	}
}

func TestHantVariant(t *testing.T) {
	tests := []struct{ lang, region, want string }{
		{"zh-HK", "", HantHongKong},
		{"zh_MO", "", HantHongKong},
		{"zh-TW", "HK", HantTaiwan},
		{"zh-Hant", "HK", HantHongKong},
		{"zh-Hant", "TW", HantTaiwan},
		{"zh-Hant", "", HantTaiwan},
		{"zh-Hant", "US", HantTaiwan},
	}
	for _, tt := range tests {
		if got := HantVariant(tt.lang, tt.region); got != tt.want {
			t.Errorf("HantVariant(%q, %q) = %q, want %q", tt.lang, tt.region, got, tt.want)
		}
	}
}

// TestNeverDoesFor: the "never does" line a reader gets names nothing of
// a region other than theirs and the brand's; a type whose every line does
// gives none.
func TestNeverDoesFor(t *testing.T) {
	c := mustLoad(t)
	const safeAccount = "bank_impersonation_safe_account"
	tests := []struct {
		name, scamType, lang string
		allowed              []string
		want                 string // a part of the line; "" for none
	}{
		{"mainland reader", safeAccount, "zh", []string{"CN"}, "95588"},
		{"Hong Kong reader", safeAccount, "zh-HK", []string{"HK"}, ""},
		{"unknown region", safeAccount, "zh", nil, ""},
		{"English reader anywhere", safeAccount, "en", []string{"GB"}, "safe account"},
		{"unknown type", "no_such_type", "zh", []string{"CN"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.NeverDoesFor(tt.scamType, tt.lang, tt.allowed...)
			if tt.want == "" && got != "" || !strings.Contains(got, tt.want) {
				t.Errorf("NeverDoesFor(%s, %s, %v) = %q, want a line with %q", tt.scamType, tt.lang, tt.allowed, got, tt.want)
			}
		})
	}
}
