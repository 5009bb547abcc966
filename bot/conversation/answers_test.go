package conversation

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
)

// TestAnswerEncoding checks the stored form of an answer: everything the
// buttons and a review case read comes back (hits' byte offsets aside),
// repeats of a phrase are kept once, an answer stored before formats still
// reads, and one of an unknown format reads as expired.
func TestAnswerEncoding(t *testing.T) {
	c, err := classifier.Default(catalog.MustLoad().ImpersonableBrands())
	if err != nil {
		t.Fatal(err)
	}
	script := []string{
		"您好，我是淘宝理赔中心的客服。您的快递在运输途中丢失了，我们给您办理双倍理赔。",
		"系统显示您的支付宝芝麻信用分太低，理赔款暂时无法到账。",
		"然后用我给您的当当账号购买礼品卡，把卡号卡密发给我做验证。",
	}
	var messages []classifier.Message
	for _, text := range append(script, script...) {
		messages = append(messages, classifier.Message{From: classifier.SpeakerOther, Text: text})
	}
	verdict := c.Classify(t.Context(), classifier.Conversation{Messages: messages})
	verdict.Engines, verdict.Explanation = []string{"heuristic", "llm"}, "They ask for gift cards."
	if verdict.Level != classifier.LevelScam || len(verdict.Signals) < 6 {
		t.Fatalf("the test needs a scam verdict with signals; got %s with %d", verdict.Level, len(verdict.Signals))
	}
	answer := Answer{Verdict: verdict, Lang: "auto", Region: "CN", Consent: true, User: 42,
		Created: time.Unix(1796648687, 0), FirstSeq: 3, LastSeq: 8, Feedback: "helpful"}
	blob, err := encodeAnswer(answer)
	if err != nil {
		t.Fatal(err)
	}
	whole, _ := json.Marshal(answer)
	if len(blob) > len(whole)/2 {
		t.Errorf("stored answer is %d bytes, the answer as JSON %d: want at most half", len(blob), len(whole))
	}
	if n := strings.Count(string(blob), `"运输途中丢失"`); n != 1 {
		t.Errorf("a phrase the script repeats is stored %d times, want once: %s", n, blob)
	}
	back, err := decodeAnswer(blob)
	if err != nil {
		t.Fatal(err)
	}
	want := answer
	want.Verdict.Signals = nil
	for _, h := range verdict.Signals {
		h.Start, h.End = 0, 0
		want.Verdict.Signals = append(want.Verdict.Signals, h)
	}
	if !reflect.DeepEqual(back, want) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, want)
	}

	old, _ := json.Marshal(map[string]any{"verdict": verdict, "lang": "en", "region": "HK", "consent": true})
	back, err = decodeAnswer(old)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back.Verdict, verdict) || back.Lang != "en" || back.Region != "HK" || !back.Consent || back.LastSeq != 0 {
		t.Errorf("an answer stored before formats read as %+v", back)
	}

	if _, err := decodeAnswer([]byte(`{"f":3,"l":"scam"}`)); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("an answer of an unknown format: %v, want ErrNoAnswer", err)
	}
}
