package review

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkKnownScam looks up a five-message window against 1,000
// confirmed scam cases on a real redis-server (one round trip).
func BenchmarkKnownScam(b *testing.B) {
	ctx := context.Background()
	st := openStore(b)
	q := newQueue(b, st)
	for i := range 1000 {
		c := scamCase(int64(i + 1))
		// Distinct scripts: each case names another shop and amount.
		for j := range c.Transcript {
			c.Transcript[j].Text = fmt.Sprintf("店铺%d号：%s，编号第%c%c批", i, c.Transcript[j].Text, rune(0x4E00+i%2000), rune(0x4E00+(i*7)%2000))
		}
		id, err := q.Draft(ctx, c)
		if err != nil {
			b.Fatal(err)
		}
		q.Submit(ctx, c.Chat, id, ReasonAskHuman)
		if _, err := q.Decide(ctx, id, Decision{By: modA, Outcome: OutcomeScam}); err != nil {
			b.Fatal(err)
		}
	}
	window := []string{
		"您好，我是快递员，您的包裹因地址不详退回仓库，请问需要重新派送吗？麻烦确认一下",
		"好的，请您在我们的小程序里填写正确的收货地址，我们明天上午为您重新派送",
		"请注意查收，如果有问题可以拨打官方客服电话咨询，祝您生活愉快，再见",
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if match, _, err := q.KnownScam(ctx, window); err != nil || match {
			b.Fatalf("KnownScam = %v, %v", match, err)
		}
	}
}
