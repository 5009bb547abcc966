package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
)

// TestCaseIsBuiltFromTheAnswerAndTheWindow checks that a reply's review
// buttons queue a case built from its answer and the conversation's
// window: the messages the answer covered, the verdict pointing into them
// and the reply; a 👍 pressed before is on it. When the window has moved
// on since the answer, the case holds what remains and the card says how
// many earlier messages are not shown.
func TestCaseIsBuiltFromTheAnswerAndTheWindow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// A window of six: the second burst pushes the first two messages of
	// the first out.
	st, err := store.Open(context.Background(), store.Config{Addrs: []string{h.redis.Addr}, Window: 6}, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	h.store = st
	h.enableReview(modChat, moderator)
	h.start()
	const chat = 8601
	h.forwardBurst(chat, foundingScam[:5]...)
	first := h.waitSent(chat, 1)[0]
	id := caseIDOf(buttonData(t, first, "human"))
	h.api.Push(telegramtest.Callback(chat, chat, 0, buttonData(t, first, "up")))
	h.forwardBurst(chat, orderStatus...)
	h.waitSent(chat, 2)
	if _, err := h.review.Case(context.Background(), id); err == nil {
		t.Errorf("case %s is in review before anyone asked for it", id)
	}

	h.api.Push(telegramtest.Callback(chat, chat, 0, buttonData(t, first, "human")))
	card := h.waitSent(modChat, 1)[0]
	c, err := h.review.Case(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != review.StatusOpen || c.Chat != chat || c.User != chat || c.Feedback != "helpful" || !c.AskedHuman() {
		t.Errorf("queued case: status %s chat %d user %d feedback %q reasons %v", c.Status, c.Chat, c.User, c.Feedback, c.Reasons)
	}
	// Messages 3 to 5 of the answer are still in the window; 1 and 2 are not.
	var texts []string
	for _, m := range c.Transcript {
		texts = append(texts, m.Text)
	}
	if c.Earlier != 2 || len(texts) != 3 || texts[0] != foundingScam[2] || texts[2] != foundingScam[4] {
		t.Errorf("case transcript %q with %d earlier messages; want messages 3 to 5 of the first burst and 2", texts, c.Earlier)
	}
	if c.Verdict.Level != "scam" || c.Reply == "" || c.Language == "" || c.Created.IsZero() {
		t.Errorf("case verdict %s reply %.40q language %q created %v", c.Verdict.Level, c.Reply, c.Language, c.Created)
	}
	pointed := 0
	for _, s := range c.Verdict.Signals {
		switch {
		case s.MessageIndex == -1:
		case s.MessageIndex < 0 || s.MessageIndex >= len(c.Transcript):
			t.Errorf("signal %s points at message %d of %d", s.ID, s.MessageIndex, len(c.Transcript))
		case !strings.Contains(c.Transcript[s.MessageIndex].Text, s.Match):
			t.Errorf("signal %s quotes %q, not in the message it points at: %q", s.ID, s.Match, c.Transcript[s.MessageIndex].Text)
		default:
			pointed++
		}
	}
	if pointed == 0 {
		t.Errorf("no signal points into the transcript: %+v", c.Verdict.Signals)
	}
	contains(t, card.Params["text"], "2 earlier messages had left")
}

// TestRepliesFromBeforeStillAnswer checks answers and drafts stored before
// answers carried what a case is built from: an answer with its draft
// still queues the draft, and one whose draft is gone answers that it
// expired; neither breaks the chat, and its other buttons still work.
func TestRepliesFromBeforeStillAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const chat = 8602
	ctx := context.Background()
	verdict := `{"level":"scam","score":1,"type":"ecommerce_logistics_refund","stage":"payment","frame":"live","brand":"cn_taobao_tmall",` +
		`"signals":[{"id":"zh_mm_buy_gift_card","role":"money_move","message_index":0,"start":0,"end":15,"match":"购买礼品卡","act":"assert","weight":0.95,"speaker":"other"}],` +
		`"hard_stop":true,"engines":["heuristic"],"first_alert_index":0,"language":"zh"}`
	withDraft := review.NewCaseID(chat)
	if _, err := h.review.Draft(ctx, review.Case{ID: withDraft, Chat: chat, User: chat,
		Transcript: []review.Message{{From: "other", Text: "用我给您的当当账号购买礼品卡"}}, Verdict: review.Verdict{Level: "scam"}, Reply: "🚨", Language: "zh"}); err != nil {
		t.Fatal(err)
	}
	withoutDraft := review.NewCaseID(chat)
	key := fmt.Sprintf("sg:{c:%d}:answers", chat)
	old := `{"verdict":` + verdict + `,"lang":"zh","region":"CN"}`
	if err := h.store.Client().HSet(ctx, key, withDraft, store.Pack([]byte(old)), withoutDraft, store.Pack([]byte(old)), "last", withoutDraft).Err(); err != nil {
		t.Fatal(err)
	}

	h.api.Push(telegramtest.Callback(chat, chat, 0, "case:"+withoutDraft+":human"))
	h.api.Push(telegramtest.Callback(chat, chat, 0, "case:"+withDraft+":human"))
	h.waitSent(modChat, 1)
	answers := h.api.WaitCalls(t, "answerCallbackQuery", 2, 10*time.Second)
	if !strings.Contains(answers[0].Params["text"], "expired") {
		t.Errorf("a reply from before whose draft is gone answered %q, want that it expired", answers[0].Params["text"])
	}
	if c, err := h.review.Case(ctx, withDraft); err != nil || c.Status != review.StatusOpen || len(c.Transcript) != 1 {
		t.Errorf("the draft from before was not queued: %+v (%v)", c, err)
	}
	// The other buttons of a reply from before read its answer.
	h.api.Push(telegramtest.Callback(chat, chat, 0, "lost:"+withoutDraft))
	h.waitSent(chat, 1)
}
