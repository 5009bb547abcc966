package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/review"
)

// TestAskAHumanUnansweredIsToldEvenAfterARestart: a user asks a human and
// no moderator decides within the configured time (here two seconds); the
// bot is restarted meanwhile. The new bot, reading the due-set in Redis,
// tells the user once that nobody could look yet, that the warning stands
// and to verify through official channels. A user whose case a moderator
// decided in time hears the decision only.
func TestAskAHumanUnansweredIsToldEvenAfterARestart(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.review = review.New(h.store, review.Config{Moderators: review.NewModerators(moderator), AnswerWithin: 2 * time.Second})
	h.start()
	const waiting, decided = 8401, 8402
	asked := time.Now()
	h.queueCase(t, waiting)
	id, card := h.queueCase(t, decided)
	if got := h.press(t, card, "mv:s:"+id); got != "Decision stored" {
		t.Fatalf("the decision was answered %q", got)
	}
	if sent := h.settle(waiting); len(sent) != 1 && time.Since(asked) < 2*time.Second {
		t.Fatalf("before the answer was due the user got %q", texts(sent))
	}
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	h.start()
	sent := h.waitSent(waiting, 2)
	if len(sent) != 2 {
		t.Fatalf("the waiting user got %q, want the reply and one note", texts(sent))
	}
	if time.Since(asked) < 2*time.Second {
		t.Errorf("the note came %v after asking, before it was due", time.Since(asked))
	}
	contains(t, sent[1].Params["text"], "还没有审核员来得及查看", "提醒不变", "官方App")
	// The decided user's follow-up is the decision's, never the note.
	for _, m := range h.waitSent(decided, 2) {
		if strings.Contains(m.Params["text"], "还没有审核员") {
			t.Errorf("the user whose case was decided got the no-answer note: %q", m.Params["text"])
		}
	}
	// Nothing more comes to the waiting user: a marker is answered after
	// anything the due-set could still send.
	h.api.Push(telegramtest.Text(waiting, waiting, "/help"))
	if got := h.waitSent(waiting, 3); len(got) != 3 {
		t.Errorf("after the note the user got %q, want only the /help answer more", texts(got[2:]))
	}
}
