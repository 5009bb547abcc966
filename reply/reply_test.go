package reply

import (
	"context"
	"flag"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/transcript"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the current output")

func newRenderer(t *testing.T) (*Renderer, *catalog.Catalog) {
	t.Helper()
	cat, err := catalog.Load()
	if err != nil {
		t.Fatalf("catalog.Load: %v", err)
	}
	r, err := New(cat)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r, cat
}

// syntheticHits are what a verdict of each language quotes: two of the other
// party's phrases (one with its own meaning, one explained by its role), plus
// a warning against the phrase and the user's own words, neither of which
// may be quoted.
var syntheticHits = map[string][]classifier.Hit{
	LangZh: {
		{Signal: "zh_piv_account_risk", Role: classifier.RolePivot, Match: "您的账户存在风险", Act: classifier.ActAssert, Speaker: classifier.SpeakerOther},
		{Signal: "zh_mm_verification_code", Role: classifier.RoleMoneyMove, MessageIndex: 2, Match: "把验证码告诉我", Act: classifier.ActAssert, Speaker: classifier.SpeakerOther},
		{Signal: "zh_mm_buy_gift_card", Role: classifier.RoleMoneyMove, MessageIndex: 3, Match: "不要买礼品卡", Act: classifier.ActNegated, Speaker: classifier.SpeakerOther},
		{Signal: "zh_mm_screen_share", Role: classifier.RoleMoneyMove, MessageIndex: 4, Match: "我开了屏幕共享", Act: classifier.ActAssert, Speaker: classifier.SpeakerUser},
	},
	LangZhHant: {
		{Signal: "zh_piv_account_risk", Role: classifier.RolePivot, Match: "您的帳戶存在風險", Act: classifier.ActAssert, Speaker: classifier.SpeakerOther},
		{Signal: "zh_mm_verification_code", Role: classifier.RoleMoneyMove, MessageIndex: 2, Match: "把驗證碼告訴我", Act: classifier.ActAssert, Speaker: classifier.SpeakerOther},
		{Signal: "zh_mm_buy_gift_card", Role: classifier.RoleMoneyMove, MessageIndex: 3, Match: "不要買禮品卡", Act: classifier.ActNegated, Speaker: classifier.SpeakerOther},
	},
	LangEn: {
		{Signal: "en_piv_funds_risk", Role: classifier.RolePivot, Match: "your account has been compromised", Act: classifier.ActAssert, Speaker: classifier.SpeakerOther},
		{Signal: "en_mm_hand_over_code", Role: classifier.RoleMoneyMove, MessageIndex: 2, Match: "read me the code we just sent", Act: classifier.ActAssert, Speaker: classifier.SpeakerOther},
		{Signal: "en_mm_gift_card", Role: classifier.RoleMoneyMove, MessageIndex: 3, Match: "never buy gift cards", Act: classifier.ActNegated, Speaker: classifier.SpeakerOther},
	},
}

// syntheticVerdict is a scam of type st at the pivot stage, impersonating
// the type's first brand.
func syntheticVerdict(st catalog.ScamType, lang string) classifier.Verdict {
	v := classifier.Verdict{
		Level: classifier.LevelScam, Score: 0.9, Type: st.Slug, Stage: catalog.StagePivot,
		Signals: syntheticHits[lang], Language: lang, FirstAlertIndex: 2,
	}
	if len(st.Impersonates) > 0 {
		v.Brand = st.Impersonates[0]
	}
	return v
}

type goldenCase struct {
	name    string
	verdict classifier.Verdict
	opts    Options
}

// goldenCases are every scam type in zh and en, and a few in zh-Hant with
// and without a region.
func goldenCases(cat *catalog.Catalog) []goldenCase {
	var cases []goldenCase
	for _, st := range cat.ScamTypes() {
		for _, lang := range []string{LangZh, LangEn} {
			cases = append(cases, goldenCase{st.Slug + "." + lang, syntheticVerdict(st, lang), Options{Lang: "auto"}})
		}
	}
	hant := []struct{ slug, region string }{
		{"ecommerce_logistics_refund", ""},
		{"cancel_membership_or_installment", "TW"},
		{"bank_impersonation_safe_account", "HK"},
		{"impersonate_police_government", "TW"},
	}
	for _, h := range hant {
		st, _ := cat.ScamType(h.slug)
		cases = append(cases, goldenCase{h.slug + "." + LangZhHant, syntheticVerdict(st, LangZhHant), Options{Lang: "auto", Region: h.region}})
	}
	// The LLM stage's explanation, with characters HTML must escape and a
	// direction override that must not survive.
	explained := []struct{ lang, text string }{
		{LangEn, "The <b>\"agent\"</b> moves you off the platform & asks for a code‮ — real support never does."},
		{LangZh, "对方让你离开平台并索要验证码<script>，正规客服不会这样做。"},
	}
	for _, e := range explained {
		st, _ := cat.ScamType("ecommerce_logistics_refund")
		v := syntheticVerdict(st, e.lang)
		v.Explanation, v.Engines = e.text, []string{"heuristic", "llm"}
		cases = append(cases, goldenCase{"llm_explanation." + e.lang, v, Options{Lang: "auto"}})
	}
	return cases
}

// TestGolden compares both renderers with testdata/golden; run
// `go test ./reply -update` after a deliberate change and read the diff.
func TestGolden(t *testing.T) {
	r, cat := newRenderer(t)
	cases := goldenCases(cat)
	if want := 2*len(cat.ScamTypes()) + 4 + 2; len(cases) != want || len(cat.ScamTypes()) != 23 {
		t.Fatalf("%d golden cases for %d scam types", len(cases), len(cat.ScamTypes()))
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain := r.Render(tc.verdict, tc.opts)
			rich := r.RenderHTML(tc.verdict, tc.opts)
			if wantLang := tc.verdict.Language; plain.Lang != wantLang || rich.Lang != wantLang {
				t.Errorf("lang = %q/%q, want %q", plain.Lang, rich.Lang, wantLang)
			}
			compareGolden(t, filepath.Join("testdata", "golden", tc.name+".txt"), plain.Text)
			compareGolden(t, filepath.Join("testdata", "golden", tc.name+".html"), rich.Text)
		})
	}
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./reply -update to create it): %v", err)
	}
	if got+"\n" != string(want) {
		t.Errorf("%s differs (run go test ./reply -update and review the diff)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// TestGoldenShape checks what every golden reply must say, so -update cannot
// bless a broken one.
func TestGoldenShape(t *testing.T) {
	r, cat := newRenderer(t)
	for _, tc := range goldenCases(cat) {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := cat.ScamType(tc.verdict.Type)
			textLang := r.audienceFor(tc.verdict, tc.opts).textLang
			frame := r.texts[textLang]
			got := r.Render(tc.verdict, tc.opts)
			pivot, _ := st.Stage(catalog.StagePivot)
			if next := pivot.Next.In(textLang); r.fits(r.audienceFor(tc.verdict, tc.opts), next) && !strings.Contains(got.Text, frame.Next+"\n"+next) {
				t.Errorf("reply lacks what they ask next, %q:\n%s", next, got.Text)
			}
			remembered := false
			for _, never := range st.NeverDoes.In(textLang) {
				remembered = remembered || strings.Contains(got.Text, frame.Remember+never) || strings.Contains(got.Text, frame.Remember+" "+never)
			}
			if !remembered && slices.ContainsFunc(st.NeverDoes.In(textLang), func(s string) bool { return r.fits(r.audienceFor(tc.verdict, tc.opts), s) }) {
				t.Errorf("reply lacks a counter-fact that fits the reader:\n%s", got.Text)
			}
			for _, want := range []string{
				frame.HeadlineScam, st.Names.In(textLang), frame.DoScam[1], frame.VerifyShort,
			} {
				if !strings.Contains(got.Text, want) {
					t.Errorf("reply lacks %q:\n%s", want, got.Text)
				}
			}
			hits := syntheticHits[tc.verdict.Language]
			if !strings.Contains(got.Text, hits[0].Match) || !strings.Contains(got.Text, hits[1].Match) {
				t.Errorf("reply does not quote the other party's phrases:\n%s", got.Text)
			}
			for _, h := range hits[2:] {
				if strings.Contains(got.Text, frame.QuoteOpen+h.Match) {
					t.Errorf("reply quotes %q, which is %s by %s", h.Match, h.Act, h.Speaker)
				}
			}
			if len(got.Verify) == 0 {
				t.Fatal("no channel to verify through")
			}
			for _, item := range got.Verify {
				if !strings.Contains(got.Text, item.Value) && !strings.Contains(got.Text, item.Name) {
					t.Errorf("verify item %+v is not shown", item)
				}
			}
			if got.Lang == LangZhHant && strings.ContainsAny(got.Text, "诈骗请这们说") {
				t.Errorf("Traditional reply has Simplified characters:\n%s", got.Text)
			}
		})
	}
}

// tagPattern finds HTML tags; Telegram accepts only a few.
var tagPattern = regexp.MustCompile(`<(/?)([a-zA-Z]+)([^>]*)>`)

// plainFromHTML undoes the markup: what Telegram shows of an HTML reply.
func plainFromHTML(s string) string {
	return html.UnescapeString(tagPattern.ReplaceAllString(s, ""))
}

// TestHTMLSaysWhatPlainSays: both writers walk one structure, so the HTML
// reply without its tags is the plain reply.
func TestHTMLSaysWhatPlainSays(t *testing.T) {
	r, cat := newRenderer(t)
	for _, tc := range goldenCases(cat) {
		plain := r.Render(tc.verdict, tc.opts).Text
		rich := r.RenderHTML(tc.verdict, tc.opts).Text
		if got := plainFromHTML(rich); got != plain {
			t.Errorf("%s: HTML and plain text say different things\n--- html\n%s\n--- plain\n%s", tc.name, got, plain)
		}
	}
}

func TestHTMLEscapesHostileText(t *testing.T) {
	r, _ := newRenderer(t)
	hostile := []string{
		`<script>alert("x")</script>`,
		`Tom & Jerry's "refund" <b>desk</b>`,
		`<a href="http://evil.example">click</a>`,
		"\u202eevil\u202c code",
	}
	var hits []classifier.Hit
	for i, match := range hostile {
		role := []classifier.Role{classifier.RoleMoneyMove, classifier.RolePivot, classifier.RolePretext, classifier.RoleLink}[i]
		hits = append(hits, classifier.Hit{Signal: "x", Role: role, Match: match, Act: classifier.ActAssert, Speaker: classifier.SpeakerOther})
	}
	v := classifier.Verdict{Level: classifier.LevelScam, Type: "bank_impersonation_safe_account", Stage: catalog.StagePivot, Signals: hits, Language: LangEn}
	got := r.RenderHTML(v, Options{Region: "US"}).Text
	for _, bad := range []string{"<script", `href="http://evil`, "<b>desk", "\u202e", `"refund"`, "Tom & Jerry"} {
		if strings.Contains(got, bad) {
			t.Errorf("HTML contains %q unescaped:\n%s", bad, got)
		}
	}
	for _, want := range []string{"&lt;script&gt;", "Tom &amp; Jerry&#39;s &#34;refund&#34;"} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML lacks the escaped %q:\n%s", want, got)
		}
	}
	for _, m := range tagPattern.FindAllStringSubmatch(got, -1) {
		switch m[2] {
		case "b", "i":
			if m[3] != "" {
				t.Errorf("tag %q has attributes", m[0])
			}
		case "a":
			if m[1] == "" && !strings.HasPrefix(m[3], ` href="https://`) && !strings.HasPrefix(m[3], ` href="http://`) {
				t.Errorf("link %q is not an official address", m[0])
			}
		default:
			t.Errorf("tag %q is not one Telegram supports", m[0])
		}
	}
	if plain := r.Render(v, Options{Region: "US"}).Text; !strings.Contains(plain, `Tom & Jerry's "refund"`) {
		t.Errorf("plain text should quote as written:\n%s", plain)
	}
}

func TestHTMLFitsTelegramLimit(t *testing.T) {
	r, _ := newRenderer(t)
	huge := strings.Repeat("&😀<验证码>", 5000) // escapes and surrogate pairs make it long in every measure
	var hits []classifier.Hit
	for _, role := range quoteOrder {
		hits = append(hits, classifier.Hit{Signal: "x", Role: role, Match: string(role) + huge, Act: classifier.ActAssert, Speaker: classifier.SpeakerOther})
	}
	v := classifier.Verdict{Level: classifier.LevelScam, Type: "ecommerce_logistics_refund", Stage: catalog.StagePivot, Brand: "cn_taobao_tmall", Signals: hits, Language: LangZh}
	got := r.RenderHTML(v, Options{})
	if n := utf16Len(got.Text); n > TelegramLimit {
		t.Fatalf("HTML reply is %d UTF-16 units, limit %d", n, TelegramLimit)
	}
	assertKeepsAdviceAndChannels(t, r, got)
	if strings.Count(got.Text, "• “") != maxQuotes {
		t.Errorf("huge matches should be shortened, not dropped, when the reply fits:\n%s", got.Text)
	}
}

// TestHTMLDropsQuotesFirst lowers the limit until the reply must give
// something up: the quotes go, the advice and the channels stay.
func TestHTMLDropsQuotesFirst(t *testing.T) {
	r, _ := newRenderer(t)
	v := syntheticVerdict(mustType(t, r, "ecommerce_logistics_refund"), LangZh)
	full := r.RenderHTML(v, Options{}).Text
	m := r.compose(v, Options{})
	short := writeHTML(m.shortBlocks())
	m.quotes = nil
	withoutQuotes := short + "\n\n" + writeHTML(m.moreBlocks())
	m.remember, m.next = "", nil
	essentials := short + "\n\n" + writeHTML(m.moreBlocks())

	tests := []struct {
		name       string
		limit      int
		wantQuotes bool
		wantNext   bool
	}{
		{"room for everything", utf16Len(full), true, true},
		{"one unit short", utf16Len(full) - 1, true, true}, // shorter quotes are enough
		{"no room for quotes", utf16Len(withoutQuotes), false, true},
		{"only the essentials", utf16Len(essentials), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r.htmlLimit = tt.limit
			defer func() { r.htmlLimit = TelegramLimit }()
			got := r.RenderHTML(v, Options{})
			if n := utf16Len(got.Text); n > tt.limit {
				t.Fatalf("%d units over a limit of %d", n, tt.limit)
			}
			if has := strings.Contains(got.Text, r.texts[LangZh].Why); has != tt.wantQuotes {
				t.Errorf("quotes shown = %v, want %v:\n%s", has, tt.wantQuotes, got.Text)
			}
			if has := strings.Contains(got.Text, r.texts[LangZh].Next); has != tt.wantNext {
				t.Errorf("next shown = %v, want %v:\n%s", has, tt.wantNext, got.Text)
			}
			assertKeepsAdviceAndChannels(t, r, got)
		})
	}
}

func assertKeepsAdviceAndChannels(t *testing.T, r *Renderer, got Reply) {
	t.Helper()
	for _, step := range r.texts[got.Lang].DoScam {
		if !strings.Contains(got.Text, html.EscapeString(step)) {
			t.Errorf("advice %q was cut:\n%s", step, got.Text)
		}
	}
	for _, item := range got.Verify {
		if !strings.Contains(got.Text, html.EscapeString(item.Value)) && !strings.Contains(got.Text, html.EscapeString(item.Name)) {
			t.Errorf("channel %q was cut:\n%s", item.Value, got.Text)
		}
	}
}

func mustType(t *testing.T, r *Renderer, slug string) catalog.ScamType {
	t.Helper()
	st, ok := r.catalog.ScamType(slug)
	if !ok {
		t.Fatalf("no scam type %s", slug)
	}
	return st
}

var safeWord = regexp.MustCompile(`(?i)\bsafe(ly|ty)?\b|安全`)

// TestNoneNeverSaysSafe: "no known scam signs" is all we know, so the reply
// never calls a conversation safe, in any language or region.
func TestNoneNeverSaysSafe(t *testing.T) {
	r, _ := newRenderer(t)
	for _, lang := range languages {
		for _, region := range []string{"", "CN", "HK", "TW", "GB", "US"} {
			v := classifier.Verdict{Level: classifier.LevelNone, Language: lang, FirstAlertIndex: -1}
			for _, got := range []Reply{r.Render(v, Options{Region: region}), r.RenderHTML(v, Options{Region: region})} {
				// The verdict is everything above the channels; a channel's
				// own note ("reach your bank safely") is no verdict.
				verdict, _, found := strings.Cut(got.Text, r.texts[r.audienceFor(v, Options{Region: region}).textLang].Verify)
				if !found {
					t.Errorf("%s/%s: no channels section:\n%s", lang, region, got.Text)
				}
				if loc := safeWord.FindStringIndex(verdict); loc != nil {
					t.Errorf("%s/%s: none-level reply says %q:\n%s", lang, region, verdict[loc[0]:loc[1]], got.Text)
				}
				if !strings.HasPrefix(got.Text, "ℹ️") && !strings.HasPrefix(got.Text, "<b>ℹ️") {
					t.Errorf("%s/%s: none-level headline missing:\n%s", lang, region, got.Text)
				}
				if len(got.Verify) == 0 {
					t.Errorf("%s/%s: no channel to check through", lang, region)
				}
			}
		}
	}
}

func TestNextStep(t *testing.T) {
	r, _ := newRenderer(t)
	st := mustType(t, r, "ecommerce_logistics_refund")
	stage := func(name string) catalog.StageText { s, _ := st.Stage(name); return s }
	frame := r.texts[LangEn]
	tests := []struct {
		name, stage string
		level       classifier.Level
		wantLabel   string
		want        []string
	}{
		{"open", catalog.StageOpen, classifier.LevelScam, frame.Next, []string{stage(catalog.StageOpen).Next.En}},
		{"credibility", catalog.StageCredibility, classifier.LevelScam, frame.Next, []string{stage(catalog.StageCredibility).Next.En}},
		{"pivot", catalog.StagePivot, classifier.LevelScam, frame.Next, []string{stage(catalog.StagePivot).Next.En}},
		{"payment says what the payment step looks like", catalog.StagePayment, classifier.LevelScam, frame.PaymentStep,
			[]string{stage(catalog.StagePayment).What.En, stage(catalog.StagePayment).Next.En}},
		{"unknown stage starts at the opening", "", classifier.LevelScam, frame.Next, []string{stage(catalog.StageOpen).Next.En}},
		{"suspicious has no next", catalog.StagePivot, classifier.LevelSuspicious, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := r.compose(classifier.Verdict{Level: tt.level, Type: st.Slug, Stage: tt.stage, Language: LangEn}, Options{})
			if m.nextLabel != tt.wantLabel || strings.Join(m.next, "|") != strings.Join(tt.want, "|") {
				t.Errorf("next = %q %q, want %q %q", m.nextLabel, m.next, tt.wantLabel, tt.want)
			}
		})
	}
}

func TestReplyLang(t *testing.T) {
	tests := []struct{ option, conversation, want string }{
		{"auto", "zh", LangZh},
		{"", "zh-Hant", LangZhHant},
		{"auto", "en", LangEn},
		{"zh-Hant", "zh", LangZhHant},
		{"zh-TW", "en", LangZhHant},
		{"zh_HK", "en", LangZhHant},
		{"zh-CN", "zh-Hant", LangZh},
		{"en-GB", "zh", LangEn},
		{"fr", "zh", LangEn},
	}
	for _, tt := range tests {
		if got := replyLang(tt.option, tt.conversation); got != tt.want {
			t.Errorf("replyLang(%q, %q) = %q, want %q", tt.option, tt.conversation, got, tt.want)
		}
	}
}

// TestFoundingCase runs the real classifier on the founding conversation
// (fake courier/Taobao agent, double compensation, Sesame credit too low,
// borrow from Jiebei/Weilidai, buy Dangdang gift cards).
func TestFoundingCase(t *testing.T) {
	r, cat := newRenderer(t)
	c, err := classifier.Default(cat.ImpersonableBrands())
	if err != nil {
		t.Fatalf("classifier.Default: %v", err)
	}
	data, err := os.ReadFile("../examples/refund-scam.txt")
	if err != nil {
		t.Fatal(err)
	}
	conv, err := transcript.Parse(data)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	v := c.Classify(context.Background(), conv)
	if v.Level != classifier.LevelScam || v.Type != "ecommerce_logistics_refund" {
		t.Fatalf("verdict %s/%s, want scam/ecommerce_logistics_refund", v.Level, v.Type)
	}
	brand, ok := cat.Brand(v.Brand)
	if !ok || (brand.Kind != catalog.KindPlatform && brand.Kind != catalog.KindCourier) {
		t.Fatalf("brand %q, want the platform or the courier", v.Brand)
	}
	for _, render := range []func(classifier.Verdict, Options) Reply{r.Render, r.RenderHTML} {
		got := render(v, Options{Lang: "auto"})
		text := plainFromHTML(got.Text)
		var viaApp, via96110 bool
		for _, item := range got.Verify {
			viaApp = viaApp || item.BrandID == v.Brand && item.Kind == catalog.VerifyApp && strings.Contains(text, item.Value)
			via96110 = via96110 || item.Value == "96110"
		}
		if !viaApp {
			t.Errorf("no verify line through the %s app: %+v", v.Brand, got.Verify)
		}
		if !via96110 || !strings.Contains(text, "96110") {
			t.Errorf("96110 is missing:\n%s", text)
		}
		for _, want := range []string{"🚨", "借钱", "礼品卡"} {
			if !strings.Contains(text, want) {
				t.Errorf("founding reply lacks %q:\n%s", want, text)
			}
		}
	}
}

var (
	urlPattern    = regexp.MustCompile(`https?://[^\s"<]+`)
	numberPattern = regexp.MustCompile(`\d(?:[- ]?\d)*`)
)

// TestGoldenShowsOnlyVerifiedNumbers: every number of three or more digits
// in a golden reply (addresses aside) is a verified phone or SMS channel of
// the catalog.
func TestGoldenShowsOnlyVerifiedNumbers(t *testing.T) {
	_, cat := newRenderer(t)
	verified := map[string]bool{}
	for _, b := range cat.Brands() {
		for _, ch := range b.Channels {
			if ch.Verified && (ch.Type == catalog.ChannelPhone || ch.Type == catalog.ChannelSMS) {
				verified[digitsOf(ch.Value)] = true
			}
		}
	}
	paths, _ := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if len(paths) == 0 {
		t.Fatal("no golden files")
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		text := urlPattern.ReplaceAllString(string(data), " ")
		for _, loc := range numberPattern.FindAllStringIndex(text, -1) {
			if loc[0] > 0 && isLatin(text[loc[0]-1]) || loc[1] < len(text) && isLatin(text[loc[1]]) {
				continue // part of a name such as "l0086"
			}
			if digits := digitsOf(text[loc[0]:loc[1]]); len(digits) >= 3 && !verified[digits] {
				t.Errorf("%s shows %q, which is no verified channel of the catalog", path, text[loc[0]:loc[1]])
			}
		}
	}
}

func digitsOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func isLatin(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// TestSignalMeaningsNameRealSignals catches a signal renamed in the
// classifier: its phrases would silently fall back to the role's meaning.
func TestSignalMeaningsNameRealSignals(t *testing.T) {
	r, _ := newRenderer(t)
	set, err := classifier.LoadSignals(classifier.EmbeddedSignals())
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]bool{}
	for _, s := range set.Signals {
		known[s.ID] = true
	}
	for id := range r.signalMeanings {
		if !known[id] {
			t.Errorf("texts.yaml signal_meanings names %q, which signals.yaml does not have", id)
		}
	}
}

// TestTraditionalFrameFollowsSimplified: the zh-Hant frame is the zh frame
// converted, so every sentence has a twin of the same length.
func TestTraditionalFrameFollowsSimplified(t *testing.T) {
	r, _ := newRenderer(t)
	zh, hant := r.texts[LangZh], r.texts[LangZhHant]
	pairs := map[string][2]string{
		"headline_scam": {zh.HeadlineScam, hant.HeadlineScam}, "none_note": {zh.NoneNote, hant.NoneNote},
		"why": {zh.Why, hant.Why}, "next": {zh.Next, hant.Next}, "verify": {zh.Verify, hant.Verify},
	}
	for i := range zh.DoScam {
		pairs["do_scam"+string(rune('0'+i))] = [2]string{zh.DoScam[i], hant.DoScam[i]}
	}
	for k := range zh.Roles {
		pairs["roles."+k] = [2]string{zh.Roles[k], hant.Roles[k]}
	}
	for k := range zh.Meanings {
		pairs["meanings."+k] = [2]string{zh.Meanings[k], hant.Meanings[k]}
	}
	for name, p := range pairs {
		if utf8.RuneCountInString(p[0]) != utf8.RuneCountInString(p[1]) || p[0] == p[1] {
			t.Errorf("%s: zh-Hant %q is not the conversion of zh %q", name, p[1], p[0])
		}
	}
	if len(zh.Meanings) != len(hant.Meanings) || len(zh.Roles) != len(hant.Roles) || len(zh.DoScam) != len(hant.DoScam) {
		t.Error("zh-Hant has a different set of texts than zh")
	}
}

func TestExplanationIsShownOnlyForWarningsAndEscaped(t *testing.T) {
	cat := catalog.MustLoad()
	r, err := New(cat)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := cat.ScamType("ecommerce_logistics_refund")
	v := syntheticVerdict(st, LangEn)
	v.Explanation = "They ask for a <code> & \u202efake\u202c support."
	plain := r.Render(v, Options{}).Text
	rich := r.RenderHTML(v, Options{}).Text
	if !strings.Contains(plain, "In short: They ask for a <code> & fake support.") {
		t.Errorf("plain reply lacks the cleaned explanation:\n%s", plain)
	}
	if !strings.Contains(rich, "<b>In short:</b> They ask for a &lt;code&gt; &amp; fake support.") || strings.Contains(rich, "\u202e") {
		t.Errorf("HTML reply lacks the escaped explanation:\n%s", rich)
	}
	v.Level, v.Type = classifier.LevelNone, ""
	if out := r.Render(v, Options{}).Text; strings.Contains(out, "In short") {
		t.Errorf("explanation shown for no known signs:\n%s", out)
	}
}
