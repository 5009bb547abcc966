package classifier

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scamguard/scamguard/catalog"
)

// TestModelRoundTrip: a model survives its file format, and the format
// refuses what is not one.
func TestModelRoundTrip(t *testing.T) {
	m := &WordModel{Bias: -2.5, Weights: map[uint32]float32{7: 0.5, 3: 1.25, 9: 0.0001}}
	bin := EncodeModel(m, []uint32{3, 7, 9})
	got, err := DecodeModel(bin)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bias != m.Bias || len(got.Weights) != 2 || got.Weights[3] != 1.25 || got.Weights[7] != 0.5 {
		t.Errorf("decoded %+v, want bias -2.5 and weights 3:1.25 7:0.5 (9 rounds to 0)", got)
	}
	for _, bad := range [][]byte{nil, []byte("SGWM1"), append([]byte("XXXXX"), bin[5:]...), bin[:len(bin)-1]} {
		if _, err := DecodeModel(bad); err == nil {
			t.Errorf("DecodeModel(%q) accepted a broken file", bad)
		}
	}
	if _, err := EmbeddedModel(); err != nil {
		t.Fatalf("the embedded model does not load: %v", err)
	}
}

// TestModelOnlyAddsEvidence: whatever text is added to a conversation, in a
// message of its own or inside one, the model's probability never falls.
// This is what keeps a scammer's "钱会原路退回" from talking it down.
func TestModelOnlyAddsEvidence(t *testing.T) {
	c := productionClassifier(t)
	rng := rand.New(rand.NewPCG(7, 7))
	words := []string{"钱会原路退回，请放心。", "We will never ask for your PIN.", "谨防诈骗！", "thanks", "官方客服", "正规平台", "😀", "safe and secure", "退款", "祝您生活愉快"}
	base := []Message{
		{From: SpeakerOther, Text: "您好，我是淘宝客服，您的快递丢失了，我们双倍赔偿"},
		{From: SpeakerOther, Text: "您的支付宝信用分不足，需要去借呗借款刷流水"},
	}
	for range 200 {
		state := NewState()
		var before float64
		for i, m := range base {
			c.Observe(state, m)
			if i == len(base)-1 {
				before = c.model.Probability(state)
			}
		}
		extra := words[rng.IntN(len(words))]
		for k := rng.IntN(3); k >= 0; k-- {
			extra += " " + words[rng.IntN(len(words))]
		}
		c.Observe(state, Message{From: Speaker([]Speaker{SpeakerOther, SpeakerUser}[rng.IntN(2)]), Text: extra})
		if after := c.model.Probability(state); after < before {
			t.Fatalf("adding %q lowered the model's probability from %.4f to %.4f", extra, before, after)
		}
	}
}

// TestModelFeaturesIgnoreDisguise: a number written with a thousands comma,
// in full width, or an emoji inside a word gives the words it would plain.
func TestModelFeaturesIgnoreDisguise(t *testing.T) {
	features := func(text string) string {
		var b strings.Builder
		f := Normalize(text)
		EachWordFeature(f, text, 0, func(h uint32) { b.WriteString(string(rune(h%5000 + 0x4e00))) })
		return b.String()
	}
	pairs := [][2]string{
		{"send back $3,590 in gift cards", "send back $3590 in gift cards"},
		{"请先汇入运费２，９８０元", "请先汇入运费2980元"},
		{"buy gi🎁ft cards now", "buy gift cards now"},
	}
	for _, p := range pairs {
		if a, b := features(p[0]), features(p[1]); a != b {
			t.Errorf("%q and %q give different words", p[0], p[1])
		}
	}
	if features("buy gift, cards") == features("buy gift cards") {
		t.Error("a comma did not end a pair of words")
	}
	if features("buy gi ft cards") == features("buy gift cards") {
		t.Error("a space inside a word was read as a disguise")
	}
}

// TestModelRaisesOnlyLiveEvidence: the model raises a live script that the
// phrases alone leave suspicious, and raises nothing in a retelling or a
// conversation with no live signal.
func TestModelRaisesOnlyLiveEvidence(t *testing.T) {
	c := productionClassifier(t)
	plain := c.WithModel(nil)
	check := func(name string, conv Conversation, wantRaised bool) {
		t.Helper()
		v := c.Classify(context.Background(), conv)
		h := plain.Classify(context.Background(), conv)
		raised := v.Level.rank() > h.Level.rank()
		if raised != wantRaised {
			t.Errorf("%s: heuristics %s, with the model %s (engines %v); raised = %v, want %v", name, h.Level, v.Level, v.Engines, raised, wantRaised)
		}
		if raised && !strings.Contains(strings.Join(v.Engines, ","), "words") {
			t.Errorf("%s: raised without naming the word model in engines %v", name, v.Engines)
		}
		if h.Level == LevelNone && v.Level != LevelNone && len(h.Signals) == 0 {
			t.Errorf("%s: raised a conversation with no signal at all", name)
		}
	}
	check("a claims script handed to a 'specialist'", conv(
		"您好，我是快递公司理赔中心的，您的包裹在运输途中丢失了，我们这边给您三倍赔偿",
		"您加一下我们理赔专员的微信，他会一步步教您操作，理赔款直接退到您的账户",
	), true)
	check("a prize with its postage and tax to pay", conv(
		"恭喜您抽中周年庆iPhone一支",
		"请先汇入运费及税金2980元，即可安排寄出",
	), true)
	check("retold", conv(
		"me:我妈昨天接到个电话，对方说是淘宝客服，快递丢了双倍赔偿，要她去借呗借钱刷流水，她没理他，直接挂了。",
	), false)
	check("no signal", conv("明天下午三点开会，记得带上周的报表", "me:好的"), false)
}

func productionClassifier(t *testing.T) *Classifier {
	t.Helper()
	c, err := Default(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.model == nil {
		t.Fatal("Default has no word model")
	}
	return c
}

// TestFitModelIsReproducible: the generator gives the same bytes for the
// same data, and model.bin is what model.txt says was fitted.
func TestFitModelIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	fitTwice(t, []string{
		`{"id":"a1","label":"scam","messages":[{"from":"other","text":"buy gift cards and send me the codes now"}]}`,
		`{"id":"a2","label":"scam","messages":[{"from":"other","text":"read me the code we just texted you"}]}`,
		`{"id":"a3","label":"legit","messages":[{"from":"other","text":"your parcel arrives tomorrow between 9 and 12"}]}`,
		`{"id":"a4","label":"legit","messages":[{"from":"other","text":"thanks for your order, it ships tomorrow"}]}`,
	})
	expectShippedDigest(t, "model.txt", "model.bin")
}

// fitTwice runs ./fitmodel with flags twice on the conversations in lines
// (JSON Lines), wants two readable and identical models, and returns the
// provenance (-info) each fit wrote.
func fitTwice(t *testing.T, lines []string, flags ...string) []string {
	t.Helper()
	dir := t.TempDir()
	data := filepath.Join(dir, "data.jsonl")
	if err := os.WriteFile(data, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var bins [][]byte
	var infos []string
	for k := range 2 {
		out := filepath.Join(dir, "m"+string(rune('0'+k))+".bin")
		info := filepath.Join(dir, "m"+string(rune('0'+k))+".txt")
		args := append(append([]string{"run", "./fitmodel"}, flags...), "-out", out, "-info", info, data)
		if msg, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			t.Fatalf("fitmodel %v: %v\n%s", flags, err, msg)
		}
		bin, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := DecodeModel(bin); err != nil {
			t.Fatalf("fitmodel %v wrote an unreadable model: %v", flags, err)
		}
		txt, err := os.ReadFile(info)
		if err != nil {
			t.Fatal(err)
		}
		bins, infos = append(bins, bin), append(infos, string(txt))
	}
	if !bytes.Equal(bins[0], bins[1]) {
		t.Error("two fits of the same data gave different models")
	}
	return infos
}

// expectShippedDigest wants the shipped model file bin to be the one its
// provenance file info says was fitted.
func expectShippedDigest(t *testing.T, info, bin string) {
	t.Helper()
	txt, err := os.ReadFile(info)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(txt), digestPrefix(data)) {
		t.Errorf("%s does not name %s's digest: refit with the command the README gives, or restore %s", info, bin, bin)
	}
}

func digestPrefix(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:16]
}

// TestModelHoldsBackSharedWords: a suspicious level that phrases alone
// reached from words honest chats share with scripts (a refund to the
// original payment method, a business transfer, IT remote help from the
// company's own tool) is held back when the model finds nothing of a
// script; two hard money moves asked for in separate words are not.
func TestModelHoldsBackSharedWords(t *testing.T) {
	c := productionClassifier(t)
	plain := c.WithModel(nil)
	check := func(name string, cv Conversation, wantHeld bool) {
		t.Helper()
		v := c.Classify(context.Background(), cv)
		h := plain.Classify(context.Background(), cv)
		held := h.Level == LevelSuspicious && v.Level == LevelNone
		if held != wantHeld {
			t.Errorf("%s: heuristics %s %.3f, with the model %s %.3f; held = %v, want %v", name, h.Level, h.Score, v.Level, v.Score, held, wantHeld)
		}
		if !wantHeld && h.Level != LevelSuspicious {
			t.Errorf("%s: heuristics %s, want suspicious (what the model could hold back)", name, h.Level)
		}
	}
	check("a supplier's payment for goods", conv(
		"王总，上周那批货的货款我们会计已经转账过去了，对公户，麻烦查收",
		"me:收到了，发票下午寄出",
	), true)
	check("IT support through the company tool", conv(
		"Hi, IT helpdesk here about your ticket. I can remote in through the company's TeamViewer if that's OK?",
		"me:sure",
		"Done, cleared the cache. Closing the ticket.",
	), true)
	check("borrow, then move it to a safe account", conv(
		"需要您先在借呗把额度借出来，转到我们的安全账户。",
	), false)
	// A new number alone is held whatever the model says
	// (TestANewNumberAloneIsNoWarning); the ask that comes next is the
	// script's move.
	asked := c.Classify(context.Background(), conv(
		"Hi Dad, it's Tom. My phone died for good so this is my new number",
		"me:Thanks, saved it",
		"Can you pay a bill for me today? My banking app is locked, I'll pay you back tomorrow",
	))
	if asked.Level != LevelScam {
		t.Errorf("a new number, then a bill to pay for them: %s %.3f, want scam", asked.Level, asked.Score)
	}
}

// TestAnsweringNoDoesNotNegateWhatFollows: a bare "不用，" / "No," answers
// the question before it; the demand after its comma stands.
func TestAnsweringNoDoesNotNegateWhatFollows(t *testing.T) {
	c := productionClassifier(t)
	v := c.Classify(context.Background(), conv(
		"您好，这边是您信用卡中心的，您的卡要换新版了，旧卡月底停用",
		"me:要去营业厅吗",
		"不用，等下您手机会收到一条短信，里面有六位数字，您念给我听就帮您线上换好",
	))
	if v.Level != LevelScam {
		t.Errorf("a code read out after a bare 不用: %s %.3f, want scam", v.Level, v.Score)
	}
	for _, h := range v.Signals {
		if h.Role == RoleMoneyMove && h.Act == ActNegated {
			t.Errorf("%s %q negated by the bare 不用", h.Signal, h.Match)
		}
	}
}

// TestTheModelDoesNotRaiseAStoryToldToUs: the word model, fitted on
// victims' accounts as much as on scripts, raises nothing on a story the
// protected person tells us alone: a relative's loss told after the fact
// stays below scam. Once the other party speaks, it judges again.
func TestTheModelDoesNotRaiseAStoryToldToUs(t *testing.T) {
	c := productionClassifier(t)
	story := conv(`me:My uncle met a woman online who said she was an engineer on an oil rig. Over six months he sent her about $40,000 for "customs fees" and a "medical emergency". We only found out when his bank flagged a wire overseas.`)
	if v := c.Classify(context.Background(), story); v.Level == LevelScam {
		t.Errorf("a loss told after the fact: %s %.3f, want below scam", v.Level, v.Score)
	}
	played := conv(`me:My uncle met a woman online who said she was an engineer on an oil rig. She wants $40,000 for "customs fees" and a "medical emergency".`,
		"Darling please send it today, customs fees must be paid by wire")
	if v := c.Classify(context.Background(), played); v.Level != LevelScam {
		t.Errorf("the same script, then the other party asking: %s %.3f, want scam", v.Level, v.Score)
	}
}

// TestANewNumberAloneIsNoWarning: a relative saying they changed numbers,
// and nothing else, warns of nothing, whatever the word model makes of it;
// the ask that follows in the script raises the level when it comes.
func TestANewNumberAloneIsNoWarning(t *testing.T) {
	c := productionClassifier(t)
	// The phrases alone, without the word model: its hold is not what
	// keeps this quiet.
	plain := c.WithModel(nil)
	for _, alone := range []Conversation{
		conv("爸，我换号了，这是我新手机号，旧的那个卡我注销了，你存一下", "me:好，改备注了"),
		conv("Hi Dad, it's Tom. My phone died for good so this is my new number", "me:Thanks, saved it", "Cool. See you at the weekend"),
	} {
		if v := plain.Classify(context.Background(), alone); v.Level != LevelNone {
			t.Errorf("a new number, nothing asked: %s %.3f, want none", v.Level, v.Score)
		}
	}
	asked := conv("爸，我换号了，这是我新手机号，旧的那个卡我注销了，你存一下", "me:好，改备注了",
		"爸，我这边急用钱，你先转两万到这个卡上，是我朋友的账户，明天还你")
	if v := c.Classify(context.Background(), asked); v.Level == LevelNone {
		t.Errorf("a new number, then money to a friend's account: %s %.3f, want a warning", v.Level, v.Score)
	}
}

// TestSentToTheirOwnChannelAndAskedNothing: an identity and a story that
// send the reader to a channel they control (the number on their card,
// the brand's app, a counter in person) and ask for nothing warn of
// nothing; the same opening that then asks for a move off those channels
// warns.
func TestSentToTheirOwnChannelAndAskedNothing(t *testing.T) {
	// With the catalogue's brands, as the bot runs: an app is the brand's
	// own when the brand is named before it.
	c, err := Default(catalog.MustLoad().ImpersonableBrands())
	if err != nil {
		t.Fatal(err)
	}
	for _, honest := range []Conversation{
		conv("Hello, this is the Chase fraud department calling about suspicious activity on your debit card ending 4471.",
			"me:That wasn't me!", "We've blocked the card. Please hang up and call the number on the back of your card for a new one."),
		conv("【顺丰速运】您的快件今日派送时无人签收，请在顺丰App里选择改期派送或到顺丰站自取。", "me:好，我改到明天"),
		conv("您好，京东客服。您可以在京东APP里“我的-白条-设置-关闭白条”自己操作，关闭前需要结清欠款。"),
	} {
		if v := c.Classify(context.Background(), honest); v.Level != LevelNone {
			t.Errorf("sent to their own channel, nothing asked: %s %.3f, want none (%v)", v.Level, v.Score, honest.Messages)
		}
	}
	for _, script := range []Conversation{
		conv("Hello, this is the Chase fraud department calling about suspicious activity on your debit card ending 4471.",
			"me:That wasn't me!", "You can check in the app later. For now, to secure your funds, transfer them to the safe account I give you."),
		conv("您好，京东客服。您的白条需要关闭，您可以在京东APP里看到，不关闭会影响征信，请下载会议App开启屏幕共享，我指导您操作。"),
	} {
		if v := c.Classify(context.Background(), script); v.Level == LevelNone {
			t.Errorf("their own channel named, then a move away from it: %s %.3f, want a warning (%v)", v.Level, v.Score, script.Messages)
		}
	}
}
