package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// refundScam is a realistic conversation of 20 messages (the README's
// example, continued): what one active chat holds in Redis.
var refundScam = []store.Entry{
	{From: "other", Text: "您好，我是淘宝理赔中心的客服，工号8861。"},
	{From: "other", Text: "请问您上周在淘宝买的那件羽绒服，订单尾号是3307对吗？"},
	{From: "user", Text: "对，怎么了？"},
	{From: "other", Text: "您的快递在运输途中丢失了，我们这边给您办理双倍理赔。"},
	{From: "user", Text: "快递单号是SF1402 3378 9921吗？"},
	{From: "other", Text: "是的，系统显示已经丢件，理赔金额是578元。"},
	{From: "other", Text: "系统显示您的支付宝芝麻信用分太低，理赔款暂时无法到账。"},
	{From: "user", Text: "那怎么办？"},
	{From: "other", Text: "需要您先在借呗把额度借出来，刷一下流水提高信用分，钱马上原路退回。"},
	{From: "user", Text: "我借呗额度只有5000"},
	{From: "other", Text: "没关系，5000就够了，借出来转到您的银行卡上。"},
	{From: "other", Text: "请提供一下您的银行卡号，我帮您核对。"},
	{From: "user", Text: "6222021234567890128"},
	{From: "other", Text: "好的，稍后您会收到一个验证码，请告诉我。"},
	{From: "other", Text: "然后用我给您的当当账号购买礼品卡，把卡号卡密发给我做验证。"},
	{From: "user", Text: "为什么要买礼品卡？"},
	{From: "other", Text: "这是为了验证您的消费能力，验证完就全部退回给您。"},
	{From: "other", Text: "这个过程不要挂电话，也不要告诉家人，以免影响理赔进度。"},
	{From: "user", Text: "我的手机号是13812345678，你加我微信吧"},
	{From: "other", Text: "好的，请尽快操作，超过30分钟理赔通道就会关闭。"},
}

// classifierFold is what the bot does between reading and saving: the classifier's JSON state, Observe
// for each message it has not seen, the verdict as JSON.
func classifierFold(c *classifier.Classifier) func([]byte, []store.Entry) ([]byte, []byte, error) {
	return func(raw []byte, pending []store.Entry) ([]byte, []byte, error) {
		state := classifier.NewState()
		if raw != nil {
			if err := json.Unmarshal(raw, state); err != nil {
				return nil, nil, fmt.Errorf("decode state: %w", err)
			}
		}
		for _, e := range pending {
			c.Observe(state, classifier.Message{From: classifier.Speaker(e.From), Text: e.Text})
		}
		next, err := json.Marshal(state)
		if err != nil {
			return nil, nil, err
		}
		verdict, err := json.Marshal(c.Verdict(state))
		return next, verdict, err
	}
}

func newClassifier(tb testing.TB) *classifier.Classifier {
	tb.Helper()
	cat, err := catalog.Load()
	if err != nil {
		tb.Fatal(err)
	}
	set, err := classifier.LoadSignals(classifier.EmbeddedSignals())
	if err != nil {
		tb.Fatal(err)
	}
	c, err := classifier.New(set, classifier.BrandsFromCatalog(cat.ImpersonableBrands()))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func openServer(tb testing.TB) *store.Store {
	tb.Helper()
	server := storetest.StartServer(tb)
	s, err := store.Open(context.Background(), store.Config{Addrs: []string{server.Addr}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// conversationBudget bounds the store's keys of one active conversation of
// 20 messages: Redis memory scales with active chats, so it is a budget.
// Measured 3.6 KB (5.4 KB before the window lines and the state and
// verdict deflated together); the 8 KB is for the whole chat, its
// answers included (bot's TestConversationMemoryWithDrafts).
const conversationBudget = 4 << 10

func TestConversationMemory(t *testing.T) {
	ctx := context.Background()
	s := openServer(t)
	fold := classifierFold(newClassifier(t))
	const chat = -1001234567890
	var verdict []byte
	for i, msg := range refundScam {
		msg.Time = time.Unix(1_700_000_000+int64(i)*30, 0)
		var err error
		if _, verdict, err = store.Record(ctx, s, chat, msg, fold); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveSettings(ctx, chat, store.Settings{Language: "zh"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(verdict), `"level":"scam"`) {
		t.Errorf("the stored verdict is not scam: %s", verdict)
	}
	total := int64(0)
	keys, err := s.Client().Keys(ctx, s.ChatKeyPattern(chat)).Result()
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range keys {
		// SAMPLES 0 measures every element, not an estimate.
		bytes, err := s.Client().MemoryUsage(ctx, key, 0).Result()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("MEMORY USAGE %s = %d bytes", key, bytes)
		total += bytes
	}
	t.Logf("one conversation of %d messages: %d bytes in %d keys (budget %d)", len(refundScam), total, len(keys), conversationBudget)
	if total > conversationBudget {
		t.Errorf("a %d-message conversation takes %d bytes, budget %d", len(refundScam), total, conversationBudget)
	}
}

// BenchmarkAppend measures the hot path's one round trip against a local
// redis-server: append, trim, expire, read window and state.
func BenchmarkAppend(b *testing.B) {
	ctx := context.Background()
	s := openServer(b)
	msg := refundScam[3]
	msg.Time = time.Now()
	for i := 0; b.Loop(); i++ {
		if _, err := s.Append(ctx, int64(i%100), msg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecord measures the whole state step of one message with the
// real classifier: append and read, decode the state, Observe, encode, save.
func BenchmarkRecord(b *testing.B) {
	ctx := context.Background()
	s := openServer(b)
	fold := classifierFold(newClassifier(b))
	for i := 0; b.Loop(); i++ {
		msg := refundScam[i%len(refundScam)]
		msg.Time = time.Now()
		// 100 chats of 20 messages each, as a busy bot holds them.
		if _, _, err := store.Record(ctx, s, int64(i/len(refundScam)%100), msg, fold); err != nil {
			b.Fatal(err)
		}
	}
}
