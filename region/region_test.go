package region

import (
	"strings"
	"testing"

	"github.com/scamguard/scamguard/catalog"
)

func newTestInferrer(t *testing.T) *Inferrer {
	t.Helper()
	in, err := New(catalog.MustLoad())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return in
}

func TestInfer(t *testing.T) {
	in := newTestInferrer(t)
	tests := []struct {
		name       string
		evidence   Evidence
		wantRegion string
		wantUsable bool
		wantSure   bool
	}{
		{"nothing known", Evidence{}, "", false, false},
		{"the setting wins", Evidence{Setting: "uk", Texts: []string{"淘宝客服"}}, "GB", true, true},
		{"Barclays safe account", Evidence{Texts: []string{"This is Barclays fraud team, move your savings to a safe account"}}, "GB", true, true},
		{"Chase", Evidence{Texts: []string{"Chase Bank security: your account is locked, read me the code"}}, "US", true, true},
		{"chase the verb is no bank", Evidence{Texts: []string{"we will chase the courier for you"}}, "", false, false},
		{"Taobao agent in Simplified", Evidence{Texts: []string{"您好，我是淘宝客服，您的订单需要退款"}}, "CN", true, true},
		{"brand id from the classifier", Evidence{Brands: []string{"cn_icbc"}}, "CN", true, true},
		{"Amazon is no clue", Evidence{Brands: []string{"us_amazon"}, Texts: []string{"Amazon: your order was refunded twice"}}, "", false, false},
		{"Simplified alone leans to the mainland", Evidence{Texts: []string{"你好，你的快递丢了，我们给你赔偿"}}, "CN", true, false},
		{"classifier's language without text", Evidence{Script: "zh"}, "CN", true, false},
		{"Traditional alone: Taiwan and Hong Kong tie", Evidence{Texts: []string{"您好，我們是客服，您的訂單有問題"}}, "", false, false},
		{"Traditional with Cantonese", Evidence{Texts: []string{"你好，我哋係客服，你嘅訂單有問題"}}, "HK", true, false},
		{"Taiwan shop and ATM", Evidence{Texts: []string{"蝦皮客服：您的訂單被設成分期，請到ATM解除"}}, "TW", true, false},
		{"Taiwan mobile number", Evidence{Texts: []string{"請回電 0912-345-678"}}, "TW", true, false},
		{"Taiwan +886", Evidence{Texts: []string{"call +886 912 345 678"}}, "TW", true, false},
		{"mainland mobile", Evidence{Texts: []string{"加我微信，电话13812345678"}}, "CN", true, true},
		{"Hong Kong +852", Evidence{Texts: []string{"WhatsApp me on +852 6123 4567"}}, "HK", true, false},
		{"Singapore +65", Evidence{Texts: []string{"call me at +65 9123 4567"}}, "SG", true, false},
		{"UK mobile", Evidence{Texts: []string{"ring me back on 07700 900123"}}, "GB", true, false},
		{"UK +44", Evidence{Texts: []string{"call +44 7700 900123"}}, "GB", true, false},
		{"US number", Evidence{Texts: []string{"call us at +1 (415) 555-0123"}}, "US", true, false},
		{"Australian mobile", Evidence{Texts: []string{"text 0412 345 678"}}, "AU", true, false},
		{"pounds sign", Evidence{Texts: []string{"pay the £2.99 fee"}}, "GB", true, false},
		{"HK dollars", Evidence{Texts: []string{"fee HK$100"}}, "HK", true, false},
		{"S dollars", Evidence{Texts: []string{"fee S$100"}}, "SG", true, false},
		{"NT dollars in Traditional", Evidence{Texts: []string{"請匯款新台幣3000元"}}, "TW", true, false},
		{"元 in Traditional is no mainland clue", Evidence{Texts: []string{"請匯款3000元"}}, "", false, false},
		{"元 in Simplified adds to the mainland", Evidence{Texts: []string{"请转账3000元"}}, "CN", true, false},
		{"bare dollar leans US", Evidence{Texts: []string{"pay $50 in gift cards"}}, "US", true, false},
		{"language code en-gb", Evidence{LanguageCode: "en-GB"}, "GB", true, false},
		{"language code zh-hans", Evidence{LanguageCode: "zh-hans"}, "CN", true, false},
		{"language code zh-hant", Evidence{LanguageCode: "zh-hant"}, "", false, false},
		{"zh-hant plus Cantonese", Evidence{LanguageCode: "zh-hant", Texts: []string{"佢話要我轉數快俾佢"}}, "HK", true, false},
		{"language code en", Evidence{LanguageCode: "en"}, "", false, false},
		{"Simplified text about a UK bank", Evidence{Texts: []string{"巴克莱？不是，是Barclays的人说要把钱转到安全账户"}}, "GB", true, false},
		{"DBS in Simplified", Evidence{Texts: []string{"我是DBS银行的，你的账户有风险"}}, "SG", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := in.Infer(tt.evidence)
			if g.Region != tt.wantRegion || g.Usable() != tt.wantUsable || g.Sure() != tt.wantSure {
				t.Errorf("Infer = %s (confidence %.2f, usable %v, sure %v), want %q usable %v sure %v; cues %+v",
					g.Region, g.Confidence, g.Usable(), g.Sure(), tt.wantRegion, tt.wantUsable, tt.wantSure, g.Cues)
			}
			if g.Region != "" && len(g.Cues) == 0 {
				t.Error("a guess without cues")
			}
		})
	}
}

func TestChoicesPutTheEvidenceFirst(t *testing.T) {
	in := newTestInferrer(t)
	g := in.Infer(Evidence{Texts: []string{"您好，我們是客服，您的訂單有問題"}})
	choices := g.Choices()
	if len(choices) != len(Supported) {
		t.Fatalf("choices %q, want every supported region", choices)
	}
	if first := strings.Join(choices[:2], " "); first != "TW HK" {
		t.Errorf("a Traditional chat offers %q first, want TW and HK", first)
	}
	if none := (Guess{}).Choices(); strings.Join(none, " ") != strings.Join(Supported, " ") {
		t.Errorf("no evidence offers %q, want the usual order", none)
	}
}

func TestCuesFileIsChecked(t *testing.T) {
	cat := catalog.MustLoad()
	valid := "names: {TW: [蝦皮]}\ncantonese: [嘅]\nsimplified: 这\ntraditional: 這\n"
	if _, err := newInferrer([]byte(valid), cat); err != nil {
		t.Fatalf("the minimal file is rejected: %v", err)
	}
	for name, bad := range map[string]string{
		"unknown field":         valid + "colour: red\n",
		"unknown region":        strings.Replace(valid, "TW", "FR", 1),
		"bad phone pattern":     valid + "phones: {TW: ['(']}\n",
		"script overlap":        strings.Replace(valid, "traditional: 這", "traditional: 這这", 1),
		"unknown global brand":  valid + "global_brands: [us_nope]\n",
		"language to a nowhere": valid + "language_codes: {fr-fr: {FR: 1}}\n",
		"no cantonese":          strings.Replace(valid, "cantonese: [嘅]\n", "", 1),
	} {
		if _, err := newInferrer([]byte(bad), cat); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
