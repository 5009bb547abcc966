package bot_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/review"
)

func TestCaseButtonsWorkOnlyInTheirChatForTheirUser(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	const owner, other, otherGroup = 8201, 8202, -100820
	h.forwardBurst(owner, foundingScam...)
	reply := h.waitSent(owner, 1)[0]
	id := caseIDOf(buttonData(t, reply, "human"))

	// Another user presses every button of the owner's case from their own
	// chat, a moderator presses a decision in a group that is not the
	// moderators', and a stranger presses a language button in a group.
	for _, action := range []string{"up", "down", "human", "share"} {
		h.api.Push(telegramtest.Callback(other, other, 0, "case:"+id+":"+action))
	}
	h.api.Push(telegramtest.Callback(otherGroup, moderator, 0, "mv:s:"+id))
	h.api.Push(telegramtest.Callback(otherGroup, stranger, 0, "lang:en"))
	// Markers: lanes are FIFO, so once these are answered the presses
	// before them in the same chats have been handled.
	h.api.Push(telegramtest.Text(other, other, "/help"))
	h.api.Push(telegramtest.GroupText(otherGroup, telegramtest.User(stranger, "Stranger"), "/help"))
	h.waitSent(other, 1)
	waitFor(t, "the group's marker", func() bool { return len(h.sent(otherGroup)) > 0 })

	// The chats' lanes run side by side: answers come in any order.
	expired := 0
	for _, a := range h.api.WaitCalls(t, "answerCallbackQuery", 6, 10*time.Second) {
		if strings.Contains(a.Params["text"], "expired") {
			expired++
		}
	}
	if expired != 4 {
		t.Errorf("%d of 4 presses on another chat's case were answered like an unknown case", expired)
	}
	// Nothing was queued: the case is still only the owner's answer,
	// with no feedback on it.
	if c, err := h.review.Case(context.Background(), id); !errors.Is(err, review.ErrNotFound) {
		t.Errorf("presses from elsewhere queued the case: %+v (%v)", c, err)
	}
	if a, err := h.answerOf(owner, id); err != nil || a.Feedback != "" {
		t.Errorf("presses from elsewhere changed the answer: feedback %q (%v)", a.Feedback, err)
	}
	if settings, _ := h.store.Settings(context.Background(), otherGroup); settings.Language != "" {
		t.Errorf("a language button pressed in a group set its language to %q", settings.Language)
	}
	metrics := h.get(t, "/metrics")
	for _, want := range []string{`scamguard_buttons_refused_total{button="case"} 4`, `scamguard_buttons_refused_total{button="moderation"} 1`, `scamguard_buttons_refused_total{button="lang"} 1`} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	// The owner's own press still works.
	h.api.Push(telegramtest.Callback(owner, owner, 0, "case:"+id+":human"))
	h.waitSent(modChat, 1)
	if c, err := h.review.Case(context.Background(), id); err != nil || c.Status != review.StatusOpen {
		t.Errorf("the owner's press did not queue the case: %+v (%v)", c, err)
	}
}

// storedAnswer is the part of an answer as stored (conversation.Answer's
// stored form) that tests read.
type storedAnswer struct {
	Feedback string `json:"fb"`
	From     int64  `json:"from"`
	To       int64  `json:"to"`
}

// answerOf reads chat's answer id as stored.
func (h *harness) answerOf(chat int64, id string) (storedAnswer, error) {
	var a storedAnswer
	blob, err := h.store.Answer(context.Background(), chat, id)
	if err != nil {
		return a, err
	}
	return a, json.Unmarshal(blob, &a)
}
