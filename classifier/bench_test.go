package classifier

import (
	"context"
	"strings"
	"testing"
)

// benchMessages are ~300-byte messages, Chinese and English, scam and honest.
var benchMessages = func() []string {
	raw := []string{
		"您好，我是淘宝理赔中心的客服，您的快递在运输途中丢失了，我们给您办理双倍理赔。系统显示您的芝麻信用分太低，需要先在借呗借款刷流水，然后购买当当礼品卡把卡密发给我。",
		"您好，已为您提交退款申请，退款会在1-3个工作日内原路退回到您的支付账户，您可以在我的订单里查看进度，平台客服不会要求您提供验证码。请问还有什么可以帮您的吗？",
		"Hello, this is Amazon customer support. We refunded you $2,000 too much by mistake. Go to Target, buy Apple gift cards for $1,900 and read me the numbers on the back. Stay on the line.",
		"Hi! Your order 114-2231 has shipped and should arrive on Thursday. You can track it in the app under Your Orders. Reply here if anything goes wrong and we will sort out a refund for you.",
	}
	out := make([]string, len(raw))
	for i, m := range raw {
		for len(m) < 300 {
			m += " " + m
		}
		out[i] = m[:strings.LastIndex(m[:300], " ")+1]
	}
	return out
}()

// BenchmarkObserveMessage measures one ~300-byte message through
// normalisation, matching and scoring, on one core.
func BenchmarkObserveMessage(b *testing.B) {
	set, err := LoadSignals(EmbeddedSignals())
	if err != nil {
		b.Fatal(err)
	}
	heuristics, err := New(set, nil)
	if err != nil {
		b.Fatal(err)
	}
	model, err := EmbeddedModel()
	if err != nil {
		b.Fatal(err)
	}
	teller, err := EmbeddedTeller()
	if err != nil {
		b.Fatal(err)
	}
	bytes := 0
	for _, m := range benchMessages {
		bytes += len(m)
	}
	// told-alone: the same messages as the protected person's own, which
	// the teller model reads too (teller.go).
	for _, run := range []struct {
		name string
		c    *Classifier
		from Speaker
	}{{"with-model", heuristics.WithModel(model).WithTeller(teller), SpeakerOther}, {"heuristics", heuristics, SpeakerOther}, {"told-alone", heuristics.WithModel(model).WithTeller(teller), SpeakerUser}} {
		b.Run(run.name, func(b *testing.B) {
			b.SetBytes(int64(bytes / len(benchMessages)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				state := NewState()
				run.c.Observe(state, Message{From: run.from, Text: benchMessages[i%len(benchMessages)]})
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// BenchmarkClassifyConversation measures a 20-message conversation.
func BenchmarkClassifyConversation(b *testing.B) {
	set, err := LoadSignals(EmbeddedSignals())
	if err != nil {
		b.Fatal(err)
	}
	c, _ := New(set, nil)
	var conv Conversation
	for i := 0; i < 20; i++ {
		conv.Messages = append(conv.Messages, Message{From: SpeakerOther, Text: benchMessages[i%len(benchMessages)]})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.Classify(context.Background(), conv)
	}
	b.ReportMetric(float64(b.N*len(conv.Messages))/b.Elapsed().Seconds(), "msgs/s")
}
