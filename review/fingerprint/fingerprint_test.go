package fingerprint

import (
	"bufio"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

const script = "您好，我是京东客服，您的订单JD20240518339102因物流丢件需要理赔，请添加客服QQ 2309883321办理退款"

func TestSameScriptSameSignature(t *testing.T) {
	want, ok := Of(script)
	if !ok {
		t.Fatal("the script has no signature")
	}
	for _, tc := range []struct {
		name, text string
		// exact: the same signature; else near (the normaliser folds
		// most, not all, Traditional characters).
		exact bool
	}{
		{"other order number and QQ", "您好，我是京东客服，您的订单JD20250101777666因物流丢件需要理赔，请添加客服QQ 1122334455办理退款", true},
		{"punctuation and spaces", "您好 我是京东客服!!您的订单JD20240518339102 因物流丢件需要理赔 请添加客服QQ：2309883321 办理退款。", true},
		{"full-width", "您好，我是京东客服，您的订单ＪＤ２０２４０５１８３３９１０２因物流丢件需要理赔，请添加客服ＱＱ　２３０９８８３３２１办理退款", true},
		{"Traditional", "您好，我是京東客服，您的訂單JD20240518339102因物流丟件需要理賠，請添加客服QQ 2309883321辦理退款", false},
		{"redacted copy", "您好，我是京东客服，您的订单[number]因物流丢件需要理赔，请添加客服QQ [number]办理退款", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Of(tc.text)
			if !ok {
				t.Fatal("no signature")
			}
			agree := Agree(got, want)
			if tc.exact && agree != Hashes {
				t.Errorf("agree = %d of %d; want identical signatures", agree, Hashes)
			}
			if !tc.exact && !Near(got, want) {
				t.Errorf("agree = %d of %d; want at least %d", agree, Hashes, MinAgree)
			}
		})
	}
}

func TestNear(t *testing.T) {
	base, _ := Of(script)
	for _, tc := range []struct {
		name string
		text string
		near bool
	}{
		{"another shop name", "您好，我是淘宝客服，您的订单JD20240518339102因物流丢件需要理赔，请添加客服QQ 2309883321办理退款", true},
		{"english version of something else", "Hello, this is Amazon support. Your parcel was lost and we will refund you, please install AnyDesk", false},
		{"honest delivery message", "您好，您的快递已经放在小区门口的快递柜，取件码已经发到您的手机上了，请及时领取", false},
		{"honest refund reply", "您好，退款已经原路退回到您的支付账户，一般一到三个工作日到账，请留意查收", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sig, ok := Of(tc.text)
			if !ok {
				t.Fatal("no signature")
			}
			if got := Near(sig, base); got != tc.near {
				t.Errorf("Near = %v (agree %d of %d); want %v", got, Agree(sig, base), Hashes, tc.near)
			}
		})
	}
}

func TestShortMessagesHaveNoSignature(t *testing.T) {
	for _, text := range []string{"", "您好", "ok, thanks!", "请稍等，我查一下", "123456789012345678", "[phone] [card]"} {
		if _, ok := Of(text); ok {
			t.Errorf("Of(%q) has a signature; want none (too short to identify a script)", text)
		}
	}
}

func TestFingerprintSkipsShortAndRepeated(t *testing.T) {
	sigs := Fingerprint([]string{"您好", script, "好的", script + "。", "Your account will be suspended today unless you verify it at the link below"})
	if len(sigs) != 2 {
		t.Fatalf("got %d signatures; want 2 (the script once, the English message)", len(sigs))
	}
}

func TestBandsAndEncoding(t *testing.T) {
	a, _ := Of(script)
	b, _ := Of("Your account will be suspended today unless you verify it at the link below")
	if len(a.Bands()) != BandCount {
		t.Fatalf("got %d bands; want %d", len(a.Bands()), BandCount)
	}
	shared := 0
	for i, key := range a.Bands() {
		if b.Bands()[i] == key {
			shared++
		}
	}
	if shared != 0 {
		t.Errorf("unrelated messages share %d bands", shared)
	}
	parsed, err := Parse(a.String())
	if err != nil || parsed != a {
		t.Errorf("Parse(String()) = %v, %v; want the signature back", parsed, err)
	}
	if _, err := Parse("zz"); err == nil {
		t.Error("Parse accepted garbage")
	}
}

// TestThresholdOnCorpus checks MinAgree against the evaluation corpora:
// no honest service message may be the near-duplicate of a scam message,
// and a scam message with two changed characters must still match in most
// cases. It is where MinAgree's documented figures come from.
func TestThresholdOnCorpus(t *testing.T) {
	dir := corpusDir(t)
	var scam, honest []string
	for _, file := range []string{"zh-fraud-dialogues-golfxiao.jsonl", "zh-fraud-dialogues-teleantifraud.jsonl", "robocalls-ftc.jsonl", "en-sms-mendeley.jsonl"} {
		scam = append(scam, otherMessages(t, filepath.Join(dir, file), "scam")...)
	}
	for _, file := range []string{"zh-service-dialogues-teleantifraud.jsonl", "zh-service-dialogues-crosswoz.jsonl", "en-customer-care-twitter.jsonl", "en-service-dialogues-sgd.jsonl", "en-sms-mendeley.jsonl", "team-hard-cases.jsonl"} {
		honest = append(honest, otherMessages(t, filepath.Join(dir, file), "legit")...)
	}
	index := map[string][]int{}
	var scamSigs []Signature
	for _, text := range scam {
		if sig, ok := Of(text); ok {
			for _, band := range sig.Bands() {
				index[band] = append(index[band], len(scamSigs))
			}
			scamSigs = append(scamSigs, sig)
		}
	}
	falseMatches := 0
	for _, text := range honest {
		sig, ok := Of(text)
		if !ok {
			continue
		}
		for _, band := range sig.Bands() {
			for _, i := range index[band] {
				if Near(sig, scamSigs[i]) {
					falseMatches++
					t.Logf("honest %q matches a scam message", text)
				}
			}
		}
	}
	if falseMatches > 0 {
		t.Errorf("%d honest messages match scam messages; want 0", falseMatches)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	tried, kept := 0, 0
	for _, text := range scam {
		sig, ok := Of(text)
		if !ok || tried == 3000 {
			continue
		}
		tried++
		runes := []rune(text)
		for range 2 {
			i := rng.IntN(len(runes))
			if runes[i] < 128 {
				runes[i] = 'a' + rune(rng.IntN(26))
			} else {
				runes[i] = 0x4E00 + rune(rng.IntN(2000))
			}
		}
		if edited, _ := Of(string(runes)); Near(edited, sig) {
			kept++
		}
	}
	if rate := float64(kept) / float64(tried); rate < 0.8 {
		t.Errorf("%d of %d scam messages with two changed characters still match (%.2f); want at least 0.80", kept, tried, rate)
	}
}

func otherMessages(t *testing.T, path, label string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("open corpus: %v", err)
	}
	defer f.Close()
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 1<<20), 1<<24)
	var texts []string
	for scanner.Scan() {
		var item struct {
			Label    string `json:"label"`
			Messages []struct {
				From string `json:"from"`
				Text string `json:"text"`
			} `json:"messages"`
		}
		if err := json.Unmarshal(scanner.Bytes(), &item); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if item.Label != label {
			continue
		}
		for _, m := range item.Messages {
			if m.From == "other" {
				texts = append(texts, m.Text)
			}
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return texts
}

// corpusDir finds ../shared/data/corpus upwards from the package, or
// SCAMGUARD_CORPUS; it skips locally without it and fails in CI (as eval's).
func corpusDir(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("SCAMGUARD_CORPUS"); dir != "" {
		return dir
	}
	wd, _ := os.Getwd()
	for dir := wd; filepath.Dir(dir) != dir; dir = filepath.Dir(dir) {
		candidate := filepath.Join(dir, "shared", "data", "corpus")
		if _, err := os.Stat(filepath.Join(candidate, "team-hard-cases.jsonl")); err == nil {
			return candidate
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("corpus not found: CI must have ../shared/data/corpus beside the clone (or set SCAMGUARD_CORPUS)")
	}
	t.Skip("corpus not found (../shared/data/corpus); set SCAMGUARD_CORPUS")
	return ""
}

func FuzzOf(f *testing.F) {
	f.Add(script)
	f.Add("\xff\xfe[phone]①⓪")
	f.Fuzz(func(t *testing.T, text string) {
		a, okA := Of(text)
		b, okB := Of(text)
		if a != b || okA != okB {
			t.Fatal("Of is not deterministic")
		}
		if okA && Agree(a, a) != Hashes {
			t.Fatal("a signature disagrees with itself")
		}
	})
}

func BenchmarkOf(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Of(script)
	}
}
