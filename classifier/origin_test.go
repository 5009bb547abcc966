package classifier

import (
	"context"
	"testing"
)

func TestHiddenSenderIsAWeakSignal(t *testing.T) {
	c := testClassifier(t)
	classify := func(hidden bool, texts ...string) Verdict {
		var conv Conversation
		for _, text := range texts {
			conv.Messages = append(conv.Messages, Message{From: SpeakerOther, Text: text, HiddenSender: hidden})
		}
		return c.Classify(context.Background(), conv)
	}
	has := func(v Verdict) bool {
		for _, h := range v.Signals {
			if h.Signal == senderHidden.ID {
				return true
			}
		}
		return false
	}
	plain := classify(true, "明天下午三点一起吃饭吧")
	if !has(plain) || plain.Level != LevelNone {
		t.Errorf("a hidden sender alone: level %s, signals %v; want the signal seen and no warning", plain.Level, plain.Signals)
	}
	if v := classify(false, "明天下午三点一起吃饭吧"); has(v) {
		t.Error("a visible sender produced the hidden-sender signal")
	}
	demand := "请把验证码发给我"
	visible, hidden := classify(false, demand), classify(true, demand)
	if hidden.Score <= visible.Score {
		t.Errorf("a hidden sender should add evidence to a demand: score %.3f hidden vs %.3f visible", hidden.Score, visible.Score)
	}
	// The user's own words carry no such signal.
	own := c.Classify(context.Background(), Conversation{Messages: []Message{{From: SpeakerUser, Text: "好的", HiddenSender: true}}})
	if has(own) {
		t.Error("the user's own message produced the hidden-sender signal")
	}
}
