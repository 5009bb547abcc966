package reply

import (
	"regexp"
	"strings"
	"testing"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/intent"
)

func hit(signal string, role classifier.Role, match string) classifier.Hit {
	return classifier.Hit{Signal: signal, Role: role, Match: match, Act: classifier.ActAssert, Speaker: classifier.SpeakerOther, Weight: 1}
}

// TestNeverAnotherRegionsChannels: the journeys of issue #15 where the
// reply used to send people to another country's bank or shop.
func TestNeverAnotherRegionsChannels(t *testing.T) {
	r, _ := newRenderer(t)
	safeAccountEn := []classifier.Hit{hit("en_mm_safe_account", classifier.RoleMoneyMove, "move your savings to a safe account")}
	safeAccountHant := []classifier.Hit{hit("zh_mm_safe_account", classifier.RoleMoneyMove, "把錢轉到安全帳戶")}
	tests := []struct {
		name    string
		verdict classifier.Verdict
		opts    Options
		never   []string
		want    []string
	}{
		{"Barclays safe account, no region", classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: catalog.StagePivot, Language: LangEn, Signals: safeAccountEn},
			Options{}, []string{"95588", "95533", "ICBC", "96110", "工商"}, []string{"back of your card"}},
		{"Chase safe account, region US", classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: catalog.StagePivot, Language: LangEn, Signals: safeAccountEn},
			Options{Region: "US"}, []string{"95588", "95533", "ICBC", "159", "1799"}, []string{"reportfraud.ftc.gov"}},
		{"Barclays safe account, region GB", classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: catalog.StagePivot, Language: LangEn, Signals: safeAccountEn},
			Options{Region: "GB"}, []string{"95588", "95533", "ICBC"}, []string{"159"}},
		{"Taiwan bank scam", classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: catalog.StagePivot, Language: LangZhHant, Signals: safeAccountHant},
			Options{Region: "TW"}, []string{"中國工商銀行", "工商銀行", "95588", "建設銀行", "96110"}, []string{"165"}},
		{"Taiwan bank scam, region not set", classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: catalog.StagePivot, Language: LangZhHant, Signals: safeAccountHant},
			Options{}, []string{"中國工商銀行", "工商銀行", "95588", "96110"}, nil},
		{"Taiwan online-shop ATM scam", classifier.Verdict{Level: classifier.LevelScam, Type: "cancel_membership_or_installment", Stage: catalog.StagePivot, Language: LangZhHant},
			Options{Region: "TW"}, []string{"淘寶", "淘宝", "京東", "京东", "拼多多", "96110"}, []string{"165"}},
		{"online-shop ATM scam, region not set", classifier.Verdict{Level: classifier.LevelScam, Type: "cancel_membership_or_installment", Stage: catalog.StagePivot, Language: LangZhHant},
			Options{}, []string{"淘寶", "京東", "96110"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, format := range []Format{Plain, HTML} {
				got := r.Verdict(tt.verdict, tt.opts, format)
				for _, bad := range tt.never {
					if strings.Contains(got.Text, bad) {
						t.Errorf("reply shows %q:\n%s", bad, got.Text)
					}
				}
				for _, want := range tt.want {
					if !strings.Contains(got.Text, want) {
						t.Errorf("reply lacks %q:\n%s", want, got.Text)
					}
				}
			}
		})
	}
}

// doubledNumber finds a number printed twice in a row ("96110 96110").
var doubledNumber = regexp.MustCompile(`(\d{3,})\D{0,3}(\d{3,})`)

// TestNumbersNeverPrintTwice walks every scam type, region and language:
// no channel line shows its number twice, and no number follows itself.
func TestNumbersNeverPrintTwice(t *testing.T) {
	r, cat := newRenderer(t)
	for _, st := range cat.ScamTypes() {
		for _, lang := range languages {
			for _, region := range []string{"", "CN", "TW", "HK", "SG", "GB", "US", "AU"} {
				v := syntheticVerdict(st, lang)
				for _, text := range []string{r.Render(v, Options{Region: region}).Text, r.AfterLoss(intent.Loss{}, v, Options{Region: region}, Plain).Text} {
					for _, m := range doubledNumber.FindAllStringSubmatch(text, -1) {
						if m[1] == m[2] {
							t.Fatalf("%s/%s/%s prints %q twice:\n%s", st.Slug, lang, region, m[1], text)
						}
					}
					for _, line := range strings.Split(text, "\n") {
						if !strings.HasPrefix(line, "☎️") {
							continue
						}
						seen := map[string]bool{}
						for _, n := range numberPattern.FindAllString(line, -1) {
							if len(digitsOf(n)) >= 3 && seen[digitsOf(n)] {
								t.Fatalf("%s/%s/%s: channel line %q shows %s twice", st.Slug, lang, region, line, n)
							}
							seen[digitsOf(n)] = true
						}
					}
				}
			}
		}
	}
}

// TestFirstScreenFitsAPhone: the first screen of every warning, in every
// language and region, is at most eight phone lines and holds the verdict,
// the thing to do now and a channel; More holds the why.
func TestFirstScreenFitsAPhone(t *testing.T) {
	r, cat := newRenderer(t)
	for _, tc := range goldenCases(cat) {
		for _, region := range []string{"", "CN", "TW", "HK", "GB", "US", "AU", "SG"} {
			got := r.Render(tc.verdict, Options{Lang: tc.opts.Lang, Region: region})
			frame := r.texts[r.audienceFor(tc.verdict, Options{Lang: tc.opts.Lang, Region: region}).textLang]
			if n := phoneLines(got.Short); n > maxShortLines {
				t.Errorf("%s/%s: first screen is %d phone lines:\n%s", tc.name, region, n, got.Short)
			}
			if !strings.HasPrefix(got.Short, frame.HeadlineScam) || !strings.Contains(got.Short, "👉") || !strings.Contains(got.Short, "☎️") {
				t.Errorf("%s/%s: first screen lacks the verdict, the step or a channel:\n%s", tc.name, region, got.Short)
			}
			if strings.Contains(got.Short, frame.Why) || !strings.Contains(got.More, frame.Why) {
				t.Errorf("%s/%s: the why belongs behind the button:\n%s\n---\n%s", tc.name, region, got.Short, got.More)
			}
			if got.Text != got.Short+"\n\n"+got.More {
				t.Errorf("%s/%s: Text is not Short then More", tc.name, region)
			}
			html := r.RenderHTML(tc.verdict, Options{Lang: tc.opts.Lang, Region: region})
			if plainFromHTML(html.Short) != got.Short || plainFromHTML(html.More) != got.More {
				t.Errorf("%s/%s: HTML and plain first screens differ", tc.name, region)
			}
		}
	}
}

func TestUpdate(t *testing.T) {
	r, cat := newRenderer(t)
	st, _ := cat.ScamType("ecommerce_logistics_refund")
	prev := classifier.Verdict{Level: classifier.LevelScam, Type: st.Slug, Stage: catalog.StagePivot, Language: LangEn,
		Signals: []classifier.Hit{hit("en_piv_funds_risk", classifier.RolePivot, "your account has been compromised")}}
	next := prev
	next.Signals = append(append([]classifier.Hit(nil), prev.Signals...), hit("en_mm_gift_card", classifier.RoleMoneyMove, "buy two Apple gift cards and send me the codes"))
	tests := []struct {
		name       string
		prev, next classifier.Verdict
		isUpdate   bool
		want       []string
		not        []string
	}{
		{"new demand", prev, next, true, []string{"Still a likely scam", "New:", "buy two Apple gift cards", "Don't buy any cards"}, []string{"your account has been compromised", "Why we think so"}},
		{"nothing new", next, next, true, []string{"Still a likely scam", "Nothing new"}, []string{"New:"}},
		{"a rise is a whole reply", classifier.Verdict{Level: classifier.LevelSuspicious, Type: st.Slug}, next, false, nil, nil},
		{"another scam type is a whole reply", classifier.Verdict{Level: classifier.LevelScam, Type: "gift_card_payment"}, next, false, nil, nil},
		{"no warning, no update", classifier.Verdict{}, classifier.Verdict{}, false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsUpdate(tt.prev, tt.next); got != tt.isUpdate {
				t.Fatalf("IsUpdate = %v, want %v", got, tt.isUpdate)
			}
			if !tt.isUpdate {
				return
			}
			got := r.Update(tt.prev, tt.next, Options{}, Plain)
			for _, want := range tt.want {
				if !strings.Contains(got.Text, want) {
					t.Errorf("update lacks %q:\n%s", want, got.Text)
				}
			}
			for _, bad := range tt.not {
				if strings.Contains(got.Text, bad) {
					t.Errorf("update repeats %q:\n%s", bad, got.Text)
				}
			}
			if n := phoneLines(got.Text); n > maxShortLines {
				t.Errorf("update is %d phone lines:\n%s", n, got.Text)
			}
			if html := r.Update(tt.prev, tt.next, Options{}, HTML); plainFromHTML(html.Text) != got.Text {
				t.Errorf("HTML update differs:\n%s", html.Text)
			}
		})
	}
}

// TestAfterLoss: the steps for the loss, the region's report lines with
// their verified numbers only, the evidence to keep; never another region's
// numbers.
func TestAfterLoss(t *testing.T) {
	r, _ := newRenderer(t)
	reader, err := intent.New()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, said string
		verdict    classifier.Verdict
		opts       Options
		want, not  []string
	}{
		{"mainland, card codes sent", "我已经把卡密发给他了，怎么办？", classifier.Verdict{Language: LangZh}, Options{Region: "CN"},
			[]string{"发卡方", "110", "96110", "保留证据", "卡号"}, []string{"165", "18222", "止付"}},
		{"mainland by script alone", "我已经转账了", classifier.Verdict{Language: LangZh}, Options{},
			[]string{"止付", "110", "96110"}, []string{"165"}},
		{"Taiwan, paid", "我已經匯款了", classifier.Verdict{Language: LangZhHant}, Options{Region: "TW"},
			[]string{"止付", "165", "110", "https://165.npa.gov.tw/", "帳戶"}, []string{"96110", "賬戶", "轉賬"}},
		{"Hong Kong, code given", "我已經把驗證碼告訴佢", classifier.Verdict{Language: LangZhHant}, Options{Region: "HK"},
			[]string{"18222", "密碼"}, []string{"110", "96110", "999"}},
		{"UK, paid", "I already paid them £500", classifier.Verdict{Language: LangEn}, Options{Region: "GB"},
			[]string{"stop the payment", "0300 123 2040", "reportfraud.police.uk", "159"}, []string{"110", "96110", "0808 164 6000"}},
		{"US, gift cards", "I bought the gift cards and sent him the codes", classifier.Verdict{Language: LangEn}, Options{Region: "US"},
			[]string{"card issuer", "reportfraud.ftc.gov", "ic3.gov"}, []string{"110"}},
		{"Australia, remote access", "I installed AnyDesk like he said", classifier.Verdict{Language: LangEn}, Options{Region: "AU"},
			[]string{"uninstall", "cyber.gov.au", "scamwatch.gov.au", "1300 432 273"}, []string{"110"}},
		{"Singapore, paid", "I transferred the money", classifier.Verdict{Language: LangEn}, Options{Region: "SG"},
			[]string{"999", "1799", "police.gov.sg"}, []string{"110"}},
		{"unknown region: the step without a number", "I already paid", classifier.Verdict{Language: LangEn}, Options{},
			[]string{"police where you live"}, []string{"110", "999", "159", "reportfraud"}},
		{"the brand's own channel", "I gave them the code", classifier.Verdict{Language: LangEn, Brand: "cn_alipay"}, Options{Region: "GB"},
			[]string{"95188", "0300 123 2040"}, []string{"96110"}},
		{"the button: steps follow what was asked", "", classifier.Verdict{Language: LangEn, Signals: []classifier.Hit{hit("en_mm_gift_card", classifier.RoleMoneyMove, "buy gift cards")}}, Options{Region: "GB"},
			[]string{"card issuer"}, []string{"stop the payment"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loss := reader.Loss(tt.said)
			if tt.said != "" && !loss.Reported() {
				t.Fatalf("intent does not read %q as a loss", tt.said)
			}
			got := r.AfterLoss(loss, tt.verdict, tt.opts, Plain)
			for _, want := range tt.want {
				if !strings.Contains(got.Text, want) {
					t.Errorf("lacks %q:\n%s", want, got.Text)
				}
			}
			for _, bad := range tt.not {
				if regexp.MustCompile(`(^|\D)` + regexp.QuoteMeta(bad) + `($|\D)`).MatchString(got.Text) {
					t.Errorf("shows %q:\n%s", bad, got.Text)
				}
			}
			if html := r.AfterLoss(loss, tt.verdict, tt.opts, HTML); plainFromHTML(html.Text) != got.Text {
				t.Errorf("HTML differs:\n%s", html.Text)
			}
		})
	}
}

func TestGreeting(t *testing.T) {
	r, _ := newRenderer(t)
	tests := []struct{ lang, want string }{
		{"zh", "转发给我"},
		{"zh-TW", "轉發給我"},
		{"en", "Forward me"},
		{"", "Forward me"},
	}
	for _, tt := range tests {
		got := r.Greeting(Options{Lang: tt.lang}, Plain)
		if !strings.Contains(got.Text, tt.want) || got.More != "" {
			t.Errorf("Greeting(%q):\n%s", tt.lang, got.Text)
		}
		if strings.Contains(got.Text, r.texts[LangZh].HeadlineNone) {
			t.Errorf("a greeting is answered with 'no signs':\n%s", got.Text)
		}
	}
}

// TestQuestions: a question about a script names the scam and says no.
func TestQuestions(t *testing.T) {
	r, _ := newRenderer(t)
	tests := []struct {
		name    string
		verdict classifier.Verdict
		want    []string
		not     []string
	}{
		{"should I borrow? — no", classifier.Verdict{Level: classifier.LevelScam, Frame: classifier.FrameQuestion, Type: "ecommerce_logistics_refund", Stage: catalog.StagePivot, Language: LangZh,
			Signals: []classifier.Hit{hit("zh_mm_borrow_loan_app", classifier.RoleMoneyMove, "去借呗借钱")}},
			[]string{"❌ 不要这样做", "冒充电商物流客服", "不要借钱"}, []string{"没有发现已知的诈骗迹象"}},
		{"is the double compensation real? — a known scam", classifier.Verdict{Level: classifier.LevelNone, Frame: classifier.FrameQuestion, Type: "ecommerce_logistics_refund", Stage: catalog.StageOpen, Language: LangZh},
			[]string{"⚠️ 这是一种已知的骗局", "冒充电商物流客服", "接下来"}, []string{"没有发现已知的诈骗迹象"}},
		{"should I send the codes? — no", classifier.Verdict{Level: classifier.LevelScam, Frame: classifier.FrameQuestion, Type: "gift_card_payment", Language: LangEn,
			Signals: []classifier.Hit{hit("en_mm_gift_card", classifier.RoleMoneyMove, "send the gift card codes")}},
			[]string{"❌ No, don't do it", "Don't buy any cards"}, []string{"No known scam signs"}},
		{"a question about nothing known", classifier.Verdict{Level: classifier.LevelNone, Frame: classifier.FrameQuestion, Language: LangEn},
			[]string{"No known scam signs"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := r.Render(tt.verdict, Options{Region: "CN"})
			for _, want := range tt.want {
				if !strings.Contains(got.Text, want) {
					t.Errorf("lacks %q:\n%s", want, got.Text)
				}
			}
			for _, bad := range tt.not {
				if strings.Contains(got.Text, bad) {
					t.Errorf("shows %q:\n%s", bad, got.Text)
				}
			}
		})
	}
}

// mainlandWords are the mainland words a Taiwan or Hong Kong reader should
// not meet in our own Traditional texts (quotes of the chat aside).
var mainlandWords = map[string][]string{
	catalog.HantTaiwan: {"轉賬", "賬戶", "賬號", "共享屏幕", "屏幕", "鏈接", "渠道", "軟件", "信息", "登錄", "監護人", "短信", "視頻", "網絡",
		"公檢法", "國家機關", "公安機關", "在線", "遠程", "小票", "銀行流水", "身份證", "到帳", "小程序"},
	// Hong Kong writes 戶口 for an account, 速遞 for a courier, 網上 for
	// online, and neither the mainland's nor Taiwan's words for the rest.
	catalog.HantHongKong: {"轉賬", "賬戶", "帳戶", "賬號", "共享屏幕", "鏈接", "登錄", "監護人", "短信", "視頻",
		"公檢法", "國家機關", "公安機關", "快遞", "在線", "線上", "遠程", "遠端", "小票", "銀行流水", "身分證", "簡訊", "到帳", "小程序",
		"管道", "軟體", "網路", "平臺"},
}

// TestTraditionalRepliesUseLocalWords renders every zh-Hant text a user can
// get — every scam type as a warning, a question, an update, after a loss,
// a card to warn the family, a group warning, and the greeting — for Taiwan
// and Hong Kong, and scans them for mainland words (and, for Hong Kong,
// Taiwan's).
func TestTraditionalRepliesUseLocalWords(t *testing.T) {
	r, cat := newRenderer(t)
	for variant, words := range mainlandWords {
		region := variant
		opts := Options{Lang: "zh-Hant", Region: region}
		var texts []string
		for _, st := range cat.ScamTypes() {
			v := syntheticVerdict(st, LangZhHant)
			v.Signals = nil // the chat's own words may be anything
			for _, level := range []classifier.Level{classifier.LevelScam, classifier.LevelSuspicious, classifier.LevelNone} {
				v.Level = level
				texts = append(texts, r.Render(v, opts).Text)
				q := v
				q.Frame = classifier.FrameQuestion
				texts = append(texts, r.Render(q, opts).Text)
			}
			v.Level = classifier.LevelScam
			texts = append(texts, r.Update(v, v, opts, Plain).Text)
			texts = append(texts, r.AfterLoss(intent.Loss{Kinds: []string{intent.LossPayment, intent.LossCards, intent.LossCode, intent.LossScreen}}, v, opts, Plain).Text)
			texts = append(texts, r.ShareCard(v, opts, Plain).Text)
			texts = append(texts, r.GroupWarning(v, GroupOptions{Lang: opts.Lang, Region: region}))
		}
		texts = append(texts, r.Greeting(opts, Plain).Text)
		for _, text := range texts {
			for _, word := range words {
				if strings.Contains(text, word) {
					t.Fatalf("%s reply has %q, a word of another region:\n%s", variant, word, text)
				}
			}
		}
	}
}
