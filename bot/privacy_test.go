package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/llm/llmtest"
	"github.com/scamguard/scamguard/store"
)

// personalValues are what the conversations below carry and what must
// never be at rest, in a log, a metric or a request to the LLM. Numbers
// are also looked for without their separators.
var personalValues = []string{
	// phones
	"13812345678", "+86 139-8765-4321", "13987654321", "400-820-1234", "4008201234",
	// card, resident ID, bank accounts
	"6222021234567890128", "11010519491231002X", "6217001234567890", "GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819",
	// order and tracking numbers
	"JD0012345678", "SF1402 3378 9921", "SF140233789921",
	// e-mails
	"refund.team@jd-service.com", "li.ming@qq.com",
	// street addresses
	"张江路88号", "3栋1201室", "221B Baker Street",
	// names
	"王小明", "李四", "John Smith", "Maria Lopez",
}

// privateScamZh and privateScamEn are refund scripts that carry every kind
// of personal value; privateGrey a grey-zone one the LLM is asked about.
var (
	privateScamZh = []string{
		"您好，我是京东客服，我叫王小明，您的订单JD0012345678出现异常，需要为您办理退款",
		"请拨打13812345678或+86 139-8765-4321联系我，也可以发邮件到refund.team@jd-service.com",
		"退款需要验证您的身份证号11010519491231002X和银行卡号6222021234567890128，请把收到的验证码告诉我",
		"收件人：李四，地址上海市浦东新区张江路88号3栋1201室，快递单号SF1402 3378 9921",
	}
	privateScamEn = []string{
		"Hello, this is Amazon customer service. My name is John Smith.",
		"Your refund is pending, call 400-820-1234 or email li.ming@qq.com",
		"Transfer the fee to GB29 NWBK 6016 1331 9268 19 or card 6217 0012 3456 7890, Name: Maria Lopez",
		"Buy two Apple gift cards, send them to 221B Baker Street and tell me the codes",
	}
	privateGrey = []string{greyCourier, "我叫王小明，住在上海市浦东新区张江路88号3栋1201室，邮箱li.ming@qq.com"}
	groupLines  = []string{
		"我叫王小明，是顺丰快递的客服，您的快递SF1402 3378 9921丢失了",
		"理赔请拨打13812345678，或者把银行卡号6222021234567890128发给我，我帮您退款",
	}
)

// syncBuffer is a log sink for a bot that logs from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestNothingPersonalAtRest(t *testing.T) {
	t.Parallel()
	// The model repeats personal data in its reasons (it never sees any,
	// but a model may make some up): neither the cached answer nor the
	// case may keep it. A name with no cue cannot be told from other words
	// (see redact.Personal), so the made-up one has its cue.
	model := llmtest.NewServer(t, llmtest.Answering(llmtest.Answer{
		IsScam: true, Level: "scam", Stage: "open", Confidence: 0.9,
		Reasons: []string{"他说我叫王小明，要你打13812345678，发邮件到li.ming@qq.com"},
	}))
	h := newHarness(t)
	logs := &syncBuffer{}
	h.logTo = logs
	h.enableReview(modChat, moderator)
	h.enableLLM(model.URL, 5*time.Second)
	h.start()
	const zh, en, grey, group = 8101, 8102, 8103, -100810

	updates := h.forwardBurst(zh, privateScamZh...)
	h.forwardBurst(en, privateScamEn...)
	h.forwardBurst(grey, privateGrey...)
	replyZh := h.waitSent(zh, 1)[0]
	h.waitSent(en, 1)
	h.waitSent(grey, 1)
	if !strings.Contains(replyZh.Params["text"], headlineScamZh) {
		t.Fatalf("the zh script is not called a scam:\n%s", replyZh.Params["text"])
	}
	if model.Calls() == 0 {
		t.Fatal("the grey-zone conversation was not sent to the LLM: the test would not look at what is sent")
	}

	// The user disagrees and asks a human: the case is queued, its card
	// posted, and a moderator confirms it (fingerprints are stored).
	wrong := buttonData(t, replyZh, "down")
	h.api.Push(telegramtest.Callback(zh, zh, 0, wrong), telegramtest.Callback(zh, zh, 0, buttonData(t, replyZh, "human")))
	card := h.waitSent(modChat, 1)[0]
	var cardMessage struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(card.Result, &cardMessage); err != nil {
		t.Fatal(err)
	}
	h.api.Push(telegramtest.Callback(modChat, moderator, cardMessage.MessageID, "mv:s:"+caseIDOf(wrong)))
	h.api.WaitCalls(t, "editMessageText", 1, 10*time.Second)
	// An edit with a new number, then a marker: the lane is FIFO, so once
	// the marker is answered the edit has been stored.
	h.api.Push(telegramtest.Edited(updates[1], "请拨打13812345678或+86 139-8765-4321联系我，座机400-820-1234"))
	h.api.Push(telegramtest.Text(zh, zh, "/help"))
	h.waitSent(zh, 2) // the reply and /help (the decision agrees with the reply: no follow-up)

	h.addBot(group)
	for _, line := range groupLines {
		h.api.Push(telegramtest.GroupText(group, telegramtest.User(4242, "Mum"), line))
	}
	h.api.Push(telegramtest.GroupText(group, telegramtest.User(4242, "Mum"), "/help"))
	waitFor(t, "the group's /help", func() bool {
		for _, sent := range h.sent(group) {
			if sent.Params["reply_to_message_id"] != "" || strings.Contains(sent.Params["reply_parameters"], "message_id") {
				if strings.Contains(sent.Params["text"], "/check") {
					return true
				}
			}
		}
		return false
	})

	// Every key the bot wrote, every value decompressed.
	stored := scanStore(t, h.store)
	findings := 0
	for key, value := range stored {
		for _, leaked := range personalIn(value + " " + key) {
			findings++
			t.Errorf("key %s holds %q: %.200q", key, leaked, value)
		}
	}
	t.Logf("scanned %d keys, %d personal values found", len(stored), findings)
	if len(stored) < 20 {
		t.Errorf("only %d keys were written: the scenario did not exercise the store", len(stored))
	}
	for i, req := range model.Requests() {
		for _, leaked := range personalIn(req.System + req.User) {
			t.Errorf("LLM request %d carries %q", i, leaked)
		}
	}
	for _, leaked := range personalIn(logs.String()) {
		t.Errorf("the log carries %q", leaked)
	}
	for _, leaked := range personalIn(h.get(t, "/metrics")) {
		t.Errorf("/metrics carries %q", leaked)
	}
	// Quotes shown to the user come from the live message, not from Redis.
	if !strings.Contains(replyZh.Params["text"], "13812345678") && !strings.Contains(replyZh.Params["text"], "验证码") {
		t.Errorf("the reply quotes nothing of the live messages:\n%s", replyZh.Params["text"])
	}
}

// scanStore reads every key under the store's prefix: strings, hashes
// (field and value), lists, sets, sorted sets and streams, with
// compressed blobs unpacked. It returns key → everything in it.
func scanStore(t *testing.T, st *store.Store) map[string]string {
	t.Helper()
	ctx := context.Background()
	client := st.Client()
	out := map[string]string{}
	unpack := func(v string) string {
		blob, err := store.Unpack([]byte(v))
		if err != nil {
			t.Errorf("unpack a stored value: %v", err)
			return v
		}
		return string(blob)
	}
	iter := client.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		key := iter.Val()
		kind, err := client.Type(ctx, key).Result()
		if err != nil {
			t.Fatal(err)
		}
		var parts []string
		switch kind {
		case "none":
			// Gone between SCAN and TYPE: a send queue's pace key lives
			// one interval after its chat's queue empties.
			continue
		case "string":
			v, _ := client.Get(ctx, key).Result()
			parts = append(parts, unpack(v))
		case "hash":
			fields, _ := client.HGetAll(ctx, key).Result()
			for f, v := range fields {
				parts = append(parts, f, unpack(v))
			}
		case "list":
			parts, _ = client.LRange(ctx, key, 0, -1).Result()
		case "set":
			parts, _ = client.SMembers(ctx, key).Result()
		case "zset":
			parts, _ = client.ZRange(ctx, key, 0, -1).Result()
		case "stream":
			entries, _ := client.XRange(ctx, key, "-", "+").Result()
			for _, e := range entries {
				for f, v := range e.Values {
					parts = append(parts, f, fmt.Sprint(v))
				}
			}
		default:
			t.Errorf("key %s has type %s, which the scan does not read", key, kind)
		}
		out[key] = strings.Join(parts, "\n")
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// personalIn returns the personal values found in text, also with the
// separators of numbers removed ("138 1234 5678").
func personalIn(text string) []string {
	compact := strings.NewReplacer(" ", "", "-", "", "+", "").Replace(text)
	var found []string
	for _, v := range personalValues {
		if strings.Contains(text, v) || strings.Contains(compact, strings.NewReplacer(" ", "", "-", "", "+", "").Replace(v)) {
			found = append(found, v)
		}
	}
	return found
}
