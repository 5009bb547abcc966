package bot_test

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/sendqueue"
	"github.com/scamguard/scamguard/bot/telegramtest"
)

// droppedHelp reads scamguard_send_dropped_total{what="help"}.
var droppedHelp = regexp.MustCompile(`scamguard_send_dropped_total\{what="help"\} (\d+)`)

// TestOneUserCannotQueueHundredsOfReplies: 200 /help sent at once get at
// most the per-chat cap of answers waiting at any time; the rest are
// dropped and counted, and the chat is answered normally afterwards.
func TestOneUserCannotQueueHundredsOfReplies(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.cfg.ChatInterval = 20 * time.Millisecond // sending is slower than handling
	h.start()
	const chat, spam = 7001, 200
	var updates []models.Update
	for range spam {
		updates = append(updates, telegramtest.Text(chat, chat, "/help"))
	}
	h.api.Push(updates...)
	dropped := 0
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := droppedHelp.FindStringSubmatch(h.get(t, "/metrics")); m != nil {
			dropped, _ = strconv.Atoi(m[1])
		}
		if dropped+len(h.sent(chat)) == spam {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d /help answered and %d dropped, want %d in all", len(h.sent(chat)), dropped, spam)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Handling 200 updates takes far less than 200 × 20 ms of sending, so
	// without a cap nothing would be dropped.
	if dropped < spam/2 {
		t.Errorf("%d of %d /help dropped; the cap (%d waiting) should drop most", dropped, spam, sendqueue.DefaultChatCap)
	}
	h.forwardBurst(chat, foundingScam...)
	sent := h.waitSent(chat, spam-dropped+1)
	contains(t, sent[len(sent)-1].Params["text"], headlineScamZh)
}
