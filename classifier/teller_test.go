package classifier

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// syntheticTeller is a teller model whose every feature of each text in
// weights weighs that much, with bias -10: a mechanism test that does not
// depend on what the fit learned.
func syntheticTeller(weights map[string]float32) *WordModel {
	m := &WordModel{Bias: -10, Weights: map[uint32]float32{}}
	for text, w := range weights {
		var f Folded
		f.fold(text)
		EachWordFeature(&f, text, 0, func(h uint32) { m.Weights[h] = w })
	}
	return m
}

// TestTheTellerModelsReading: what the teller model raises follows what was
// told so far, and only while it is told alone.
func TestTheTellerModelsReading(t *testing.T) {
	base := productionClassifier(t).WithModel(nil)
	c := base.WithTeller(syntheticTeller(map[string]float32{
		"zzalarm":          20,
		"zzcalm":           -40,
		"beware of scams":  -40,
		"never ask for it": -40,
	}))
	classify := func(lines ...string) Verdict {
		return c.Classify(context.Background(), conv(lines...))
	}
	t.Run("raises what is told alone", func(t *testing.T) {
		v := classify("me:my mum is on the phone zzalarm")
		if v.Level != LevelScam || v.FirstAlertIndex != 0 || !slices.Contains(v.Engines, "words") {
			t.Errorf("%s from %d by %v, want scam from 0 by words", v.Level, v.FirstAlertIndex, v.Engines)
		}
		if v := base.WithTeller(nil).Classify(context.Background(), conv("me:my mum is on the phone zzalarm")); v.Level != LevelNone {
			t.Fatalf("without the teller model: %s, want none (the case tests nothing)", v.Level)
		}
	})
	t.Run("the teller's later words take it back", func(t *testing.T) {
		// Unlike a phrase's peak: "we rang the bank on the card's number,
		// it was them" ends a relay that looked like a script.
		v := classify("me:my mum is on the phone zzalarm", "me:zzcalm")
		if v.Level != LevelNone || v.FirstAlertIndex != -1 {
			t.Errorf("%s from %d, want none from -1", v.Level, v.FirstAlertIndex)
		}
	})
	t.Run("a relayed reassurance does not", func(t *testing.T) {
		// The caller's "beware of scams", relayed, is the caller's.
		for _, said := range []string{"me:they also said beware of scams", "me:beware of scams, they said"} {
			if v := classify("me:my mum is on the phone zzalarm", said); v.Level != LevelScam {
				t.Errorf("%q: %s, want scam", said, v.Level)
			}
		}
	})
	t.Run("another party speaking ends the reading", func(t *testing.T) {
		// The teller model was fitted on conversations told alone; once
		// someone else's words are in, the engine judges them.
		if v := classify("me:my mum is on the phone zzalarm", "hello, thanks for your order"); v.Level != LevelNone {
			t.Errorf("%s, want none", v.Level)
		}
	})
	t.Run("a story told as over is not read", func(t *testing.T) {
		if v := classify("me:昨天有人打电话给我妈 zzalarm", "me:她直接挂了，没理他"); v.Level != LevelNone || v.Frame != FrameRetold {
			t.Errorf("%s (frame %s), want none (retold)", v.Level, v.Frame)
		}
	})
}

// TestTheTellerOnRelaysNoPhraseKnows: the embedded teller model on relays
// in words no phrase matches (my own, not any set's), and an honest one.
func TestTheTellerOnRelaysNoPhraseKnows(t *testing.T) {
	c := productionClassifier(t)
	plain := c.WithTeller(nil)
	for _, tc := range []struct {
		name  string
		lines []string
		want  Level
	}{
		{"a grandmother emptying her passbook on a caller's word", []string{
			"me:我奶奶现在在银行门口 电话一直没挂",
			"me:对面的人让她把存折里的钱全取出来 说有人冒用她身份办了卡 要查她的钱干不干净"}, LevelScam},
		{"a grandfather sent to the post office for a collector", []string{
			"me:阿公剛剛接到一通電話 說是健保局 說他的卡被人盜用",
			"me:然後轉給一個什麼檢察官 現在叫他去郵局把錢領出來交給來收的人"}, LevelScam},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if v := plain.Classify(context.Background(), conv(tc.lines...)); v.Level.AtLeast(tc.want) {
				t.Fatalf("without the teller model: %s already (the case tests nothing)", v.Level)
			}
			if v := c.Classify(context.Background(), conv(tc.lines...)); v.Level != tc.want {
				t.Errorf("%s %.2f (frame %s), want %s", v.Level, v.Score, v.Frame, tc.want)
			}
		})
	}
	// Guard: the fraud team was real, rung back on the card's number.
	expectLevel(t, c, "an honest fraud call verified", []string{
		"me:my grandpa got a call from his bank's fraud team about a card payment he didn't recognise",
		"me:we hung up and rang the number on the back of his card, it really was them, they cancelled the card and are posting a new one"},
		LevelNone, LevelNone)
}

// TestOldStatesHaveNoTellerReading: a state stored before the teller model
// existed decodes with no teller level and reads as it did.
func TestOldStatesHaveNoTellerReading(t *testing.T) {
	c := productionClassifier(t)
	state := NewState()
	c.Observe(state, Message{From: SpeakerOther, Text: "您好，这里是淘宝客服"})
	state.TellerLevel, state.TellerAlertIndex = "", 0
	v := c.Verdict(state)
	if v.Level != state.Peak || v.FirstAlertIndex != state.FirstAlertIndex {
		t.Errorf("verdict %s from %d, want the peak %s from %d", v.Level, v.FirstAlertIndex, state.Peak, state.FirstAlertIndex)
	}
}

// TestFitTellerIsReproducible: ./fitmodel -teller gives the same bytes for
// the same data, fits only what was told alone, and teller.bin is what
// teller.txt says was fitted.
func TestFitTellerIsReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the generator")
	}
	infos := fitTwice(t, []string{
		`{"id":"a1","label":"scam","messages":[{"from":"user","text":"my nan is at the bank now, the caller wants her savings moved today"}]}`,
		`{"id":"a2","label":"scam","messages":[{"from":"user","text":"dad is on the phone with the police, they want cash handed to a courier"}]}`,
		`{"id":"a3","label":"legit","messages":[{"from":"user","text":"my nan got a call, we rang the bank on the card's number, it was them"}]}`,
		`{"id":"a4","label":"legit","messages":[{"from":"user","text":"dad hung up on a fake police call yesterday, all fine"}]}`,
		`{"id":"a5","label":"scam","messages":[{"from":"other","text":"this conversation is not told alone"}]}`,
	}, "-teller")
	for _, txt := range infos {
		if !strings.Contains(txt, "4 conversations (2 scams)") {
			t.Errorf("teller.txt should count the 4 conversations told alone:\n%s", txt)
		}
	}
	expectShippedDigest(t, "teller.txt", "teller.bin")
}
