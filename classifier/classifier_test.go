package classifier

import (
	"context"
	"strings"
	"testing"
)

// testSignals is a small signal set that exercises the mechanics without
// depending on the tuning of signals.yaml.
const testSignals = `
version: 1
cues:
  negation: ["不会", "never", "don't", "请勿"]
  reporting: ["让我", "asked me", "told me"]
signals:
  - {id: t_imp, role: impersonation, weight: 0.3, lang: any, types: [ecommerce_logistics_refund], phrases: ["淘宝客服", "customer service"]}
  - {id: t_pretext, role: pretext, weight: 0.3, lang: any, types: [ecommerce_logistics_refund], phrases: ["双倍赔偿", "double compensation"]}
  - {id: t_pivot, role: pivot, weight: 0.8, lang: any, types: [ecommerce_logistics_refund], phrases: ["信用分太低", "credit score is too low"]}
  - {id: t_gift, role: money_move, weight: 0.9, lang: any, types: [gift_card_payment], hard: true, phrases: ["买礼品卡", "buy gift cards", "lipinka"]}
  - {id: t_code, role: money_move, weight: 0.9, lang: any, hard: true, phrases: ["验证码告诉我", "tell me the code"]}
  - {id: t_buy_near, role: money_move, weight: 0.9, lang: any, hard: true, near: {first: ["buy", "买"], then: ["gift card", "礼品卡"], window: 16}}
  - {id: t_code_near, role: money_move, weight: 0.9, lang: any, hard: true, near: {first: ["告诉我"], then: ["验证码"], window: 8, any_order: true}}
  - {id: t_warn, role: warning, weight: 0.8, lang: any, phrases: ["谨防诈骗", "beware of scams"]}
  - {id: t_ask, role: inquiry, weight: 0.5, lang: any, phrases: ["是诈骗吗", "is this a scam"]}
`

func testClassifier(t *testing.T) *Classifier {
	t.Helper()
	set, err := LoadSignals([]byte(testSignals))
	if err != nil {
		t.Fatalf("load test signals: %v", err)
	}
	c, err := New(set, []Brand{{ID: "cn_taobao_tmall", Aliases: []string{"淘宝", "taobao"}}, {ID: "cn_dangdang", Aliases: []string{"当当"}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// expectLevel classifies lines (conv) as subtest name and wants a level
// from least to most.
func expectLevel(t *testing.T, c *Classifier, name string, lines []string, least, most Level) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		v := c.Classify(context.Background(), conv(lines...))
		if !v.Level.AtLeast(least) || v.Level.rank() > most.rank() {
			t.Errorf("%s %.3f (frame %s), want %s to %s", v.Level, v.Score, v.Frame, least, most)
		}
	})
}

func conv(lines ...string) Conversation {
	var c Conversation
	for _, l := range lines {
		from := SpeakerOther
		if len(l) > 3 && l[:3] == "me:" {
			from, l = SpeakerUser, l[3:]
		}
		c.Messages = append(c.Messages, Message{From: from, Text: l})
	}
	return c
}

func TestClassifyMechanics(t *testing.T) {
	c := testClassifier(t)
	tests := []struct {
		name      string
		conv      Conversation
		level     Level
		hardStop  bool
		firstWarn int
	}{
		{"escalates across messages",
			conv("您好，我是淘宝客服", "您的快递丢失，可以双倍赔偿", "您的信用分太低，无法到账", "您需要去买礼品卡"),
			LevelScam, true, 2},
		{"a demanded money move without context is suspicious, not a hard stop",
			conv("要买礼品卡吗"), LevelSuspicious, false, 0},
		{"negated demand is a warning",
			conv("我是淘宝客服", "我们不会让您买礼品卡", "请勿把验证码告诉我们以外的人"),
			LevelNone, false, -1},
		{"user's own words are not evidence",
			conv("me:我是淘宝客服，双倍赔偿，买礼品卡"), LevelNone, false, -1},
		{"user reporting the other party's words is evidence, but second-hand",
			conv("me:淘宝客服让我买礼品卡，信用分太低"), LevelSuspicious, false, 0},
		{"user asking alone is not a scam",
			conv("me:is this a scam?"), LevelNone, false, -1},

		{"obfuscated hard stop",
			conv("this is customer service", "you get double compensation", "now b.u.y g.i.f.t c.a.r.d.s"), LevelScam, true, 2},
		{"verb and object with words between",
			conv("this is customer service", "double compensation for you", "please buy two Apple gift cards"), LevelScam, true, 2},
		{"object before verb in Chinese",
			conv("淘宝客服：双倍赔偿", "把您刚收到的验证码告诉我"), LevelScam, true, 1},
		{"a homophone spelling is matched by sound",
			conv("淘宝客服：双倍赔偿", "请把验证马高诉我"), LevelScam, true, 1},
		{"half pinyin is matched by sound",
			conv("淘宝客服：双倍赔偿", "请把yanzheng码告su我"), LevelScam, true, 1},
		{"a keyword split across messages",
			conv("淘宝客服：双倍赔偿", "您去买两张礼品", "卡，买好发我"), LevelScam, true, 2},
		{"a finished sentence is not joined to the next message",
			conv("淘宝客服：双倍赔偿", "您去买两张礼品。", "卡不用"), LevelNone, false, -1},
		{"a comma breaks the pair",
			conv("淘宝客服：双倍赔偿", "我买了水果，礼品卡不用"), LevelNone, false, -1},
		{"pinyin money move",
			conv("淘宝客服：双倍赔偿", "去买 li pin ka"), LevelScam, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := c.Classify(context.Background(), tt.conv)
			if v.Level != tt.level || v.HardStop != tt.hardStop || v.FirstAlertIndex != tt.firstWarn {
				t.Errorf("level=%s hard=%v first=%d, want level=%s hard=%v first=%d; signals %+v",
					v.Level, v.HardStop, v.FirstAlertIndex, tt.level, tt.hardStop, tt.firstWarn, v.Signals)
			}
		})
	}
}

func TestVerdictPointsBackToOriginalText(t *testing.T) {
	c := testClassifier(t)
	msgs := conv("我是淘宝客服", "双倍赔偿", "请去买 禮.品🎁卡")
	v := c.Classify(context.Background(), msgs)
	found := false
	for _, h := range v.Signals {
		if h.Signal == "t_gift" {
			found = true
			if h.MessageIndex != 2 || h.Match != "买 禮.品🎁卡" || msgs.Messages[2].Text[h.Start:h.End] != h.Match {
				t.Errorf("hit %+v does not point at the original text", h)
			}
		}
	}
	if !found {
		t.Fatalf("no t_gift hit in %+v", v.Signals)
	}
	if v.Brand != "cn_taobao_tmall" {
		t.Errorf("brand = %q, want cn_taobao_tmall", v.Brand)
	}
	if v.Stage != "payment" {
		t.Errorf("stage = %q, want payment", v.Stage)
	}
}

// TestFirstAlertIndexMatchesPrefixes checks the incremental first alert
// against re-classifying every prefix from scratch.
func TestFirstAlertIndexMatchesPrefixes(t *testing.T) {
	c := testClassifier(t)
	full := conv("hello", "this is customer service", "double compensation for you", "ok", "your credit score is too low", "buy gift cards")
	v := c.Classify(context.Background(), full)
	want := -1
	for i := range full.Messages {
		prefix := Conversation{Messages: full.Messages[:i+1]}
		if c.Classify(context.Background(), prefix).Level.AtLeast(LevelSuspicious) {
			want = i
			break
		}
	}
	if want < 0 || v.FirstAlertIndex != want {
		t.Errorf("FirstAlertIndex = %d, prefix search says %d", v.FirstAlertIndex, want)
	}
}

func TestLanguage(t *testing.T) {
	c := testClassifier(t)
	for _, tt := range []struct{ text, want string }{
		{"您好，我是淘宝客服", "zh"},
		{"您好，我是淘寶客服，請問", "zh-Hant"},
		{"Hello, this is customer service", "en"},
	} {
		if got := c.Classify(context.Background(), conv(tt.text)).Language; got != tt.want {
			t.Errorf("%q: language %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestLoadSignalsRejectsBadFiles(t *testing.T) {
	for name, doc := range map[string]string{
		"unknown role":      "version: 1\nsignals:\n  - {id: a, role: nope, weight: 0.5, lang: en, phrases: [abc]}\n",
		"duplicate id":      "version: 1\nsignals:\n  - {id: a, role: lure, weight: 0.5, lang: en, phrases: [abc]}\n  - {id: a, role: lure, weight: 0.5, lang: en, phrases: [abd]}\n",
		"weight":            "version: 1\nsignals:\n  - {id: a, role: lure, weight: 1.5, lang: en, phrases: [abc]}\n",
		"hard non-money":    "version: 1\nsignals:\n  - {id: a, role: lure, weight: 0.5, hard: true, lang: en, phrases: [abc]}\n",
		"short phrase":      "version: 1\nsignals:\n  - {id: a, role: lure, weight: 0.5, lang: en, phrases: [\"a.\"]}\n",
		"unknown field":     "version: 1\nsignals:\n  - {id: a, role: lure, weight: 0.5, lang: en, phrases: [abc], extra: 1}\n",
		"version":           "version: 2\nsignals:\n  - {id: a, role: lure, weight: 0.5, lang: en, phrases: [abc]}\n",
		"near without then": "version: 1\nsignals:\n  - {id: a, role: lure, weight: 0.5, lang: en, near: {first: [buy], window: 5}}\n",
	} {
		if _, err := LoadSignals([]byte(doc)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestEmbeddedSignalsLoad(t *testing.T) {
	set, err := LoadSignals(EmbeddedSignals())
	if err != nil {
		t.Fatalf("embedded signals.yaml: %v", err)
	}
	if _, err := New(set, nil); err != nil {
		t.Fatal(err)
	}
}

func FuzzClassify(f *testing.F) {
	c, err := Default(nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{"我是淘宝客服\n双倍赔偿\n买礼品卡", "call 09061743386 now", "\xff\x00", "b.u.y g.i.f.t c.a.r.d", "https://bit.ly/x"} {
		f.Add(seed, uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, users uint8) {
		var conv Conversation
		for i, line := range strings.Split(text, "\n") {
			from := SpeakerOther
			if users&(1<<(i%8)) != 0 {
				from = SpeakerUser
			}
			conv.Messages = append(conv.Messages, Message{From: from, Text: line})
		}
		v := c.Classify(context.Background(), conv)
		if v.Score < 0 || v.Score > 1 {
			t.Fatalf("score %v outside [0,1]", v.Score)
		}
		if (v.FirstAlertIndex >= 0) != v.Level.AtLeast(LevelSuspicious) {
			t.Fatalf("first alert %d with level %s", v.FirstAlertIndex, v.Level)
		}
		for _, h := range v.Signals {
			msg := conv.Messages[h.MessageIndex].Text
			if h.Start < 0 || h.End > len(msg) || h.Start >= h.End || msg[h.Start:h.End] != h.Match {
				t.Fatalf("hit %+v does not point into message %q", h, msg)
			}
		}
	})
}

func TestSoundKey(t *testing.T) {
	for _, tt := range []struct {
		phrase, want string
		ok           bool
	}{
		{"退款", "tuikuan", false},
		{"支付宝", "zhifubao", true},
		{"备用金", "beiyongjin", true},
		{"旅游", "lvyou", false},
	} {
		got, ok := soundKey(foldKey(tt.phrase))
		if got != tt.want || ok != tt.ok {
			t.Errorf("soundKey(%q) = %q, %v; want %q, %v", tt.phrase, got, ok, tt.want, tt.ok)
		}
	}
}
