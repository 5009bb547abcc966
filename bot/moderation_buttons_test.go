package bot_test

import (
	"context"
	"encoding/json"
	"html"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/review"
)

// queueCase has chat's user forward a scam and ask a human, and returns the
// case id and the message id of its card in the moderators' chat.
func (h *harness) queueCase(t *testing.T, chat int64) (id string, card int) {
	t.Helper()
	h.forwardBurst(chat, foundingScam...)
	human := buttonData(t, h.waitSent(chat, 1)[0], "human")
	cardsBefore := len(h.sent(modChat))
	h.api.Push(telegramtest.Callback(chat, chat, 0, human))
	cards := h.waitSent(modChat, cardsBefore+1)
	var message struct {
		MessageID int `json:"message_id"`
	}
	if err := json.Unmarshal(cards[len(cards)-1].Result, &message); err != nil {
		t.Fatal(err)
	}
	return caseIDOf(human), message.MessageID
}

// press has the moderator press data on the card and returns the answer
// to the press (answerCallbackQuery's text).
func (h *harness) press(t *testing.T, card int, data string) string {
	t.Helper()
	before := len(h.api.Calls("answerCallbackQuery"))
	h.api.Push(telegramtest.Callback(modChat, moderator, card, data))
	answers := h.api.WaitCalls(t, "answerCallbackQuery", before+1, 10*time.Second)
	return answers[before].Params["text"]
}

// TestModeratorRetypeBackLegitSkipAndStats walks the card's buttons other
// than a plain confirm: change type shows the type choices on the card,
// back restores the decision buttons, a type chosen there confirms with
// that type; not a scam dismisses (the user, who was warned, hears it);
// skip closes without a judgement (the user hears nothing); /stats counts
// the three.
func TestModeratorRetypeBackLegitSkipAndStats(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	ctx := context.Background()
	const retyped, dismissed, skipped = 8101, 8102, 8103

	id, card := h.queueCase(t, retyped)
	if got := h.press(t, card, "mv:t:"+id); got != "" {
		t.Errorf("change type answered %q, want nothing", got)
	}
	markups := h.api.WaitCalls(t, "editMessageReplyMarkup", 1, 10*time.Second)
	if markups[0].Params["message_id"] != itoa(int64(card)) {
		t.Errorf("change type edited message %s, want the card %d", markups[0].Params["message_id"], card)
	}
	types := callbackData(t, markups[0])
	if !slices.Contains(types, "mv:b:"+id) {
		t.Fatalf("the type choices have no back button: %v", types)
	}
	c, err := h.review.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	chosen := ""
	for _, data := range types {
		if slug, ok := strings.CutPrefix(data, "mv:s:"+id+":"); ok && slug != c.Verdict.Type {
			chosen = data
			break
		}
	}
	if chosen == "" {
		t.Fatalf("no type to change to besides the bot's %q: %v", c.Verdict.Type, types)
	}
	h.press(t, card, "mv:b:"+id)
	markups = h.api.WaitCalls(t, "editMessageReplyMarkup", 2, 10*time.Second)
	if back := callbackData(t, markups[1]); !slices.Contains(back, "mv:l:"+id) || !slices.Contains(back, "mv:k:"+id) {
		t.Errorf("back did not restore the decision buttons: %v", back)
	}
	if c, _ := h.review.Case(ctx, id); c.Status != review.StatusOpen {
		t.Errorf("change type and back decided the case: %s", c.Status)
	}
	if got := h.press(t, card, chosen); got != "Decision stored" {
		t.Errorf("a type chosen answered %q", got)
	}
	wantType := strings.TrimPrefix(chosen, "mv:s:"+id+":")
	if c, err := h.review.Case(ctx, id); err != nil || c.Status != review.StatusConfirmed || c.FinalType() != wantType {
		t.Errorf("after choosing %s: status %s, type %s (%v)", wantType, c.Status, c.FinalType(), err)
	}

	id, card = h.queueCase(t, dismissed)
	if got := h.press(t, card, "mv:l:"+id); got != "Decision stored" {
		t.Errorf("not a scam answered %q", got)
	}
	if c, _ := h.review.Case(ctx, id); c.Status != review.StatusDismissed || c.Decision == nil || c.Decision.Outcome != review.OutcomeLegit {
		t.Errorf("not a scam left the case %s %+v", c.Status, c.Decision)
	}
	if sent := h.waitSent(dismissed, 2); len(sent) != 2 {
		t.Errorf("the warned user got %d messages, want the warning and the reviewers' follow-up", len(sent))
	}

	id, card = h.queueCase(t, skipped)
	if got := h.press(t, card, "mv:k:"+id); got != "Decision stored" {
		t.Errorf("skip answered %q", got)
	}
	if c, _ := h.review.Case(ctx, id); c.Status != review.StatusSkipped {
		t.Errorf("skip left the case %s", c.Status)
	}
	// The user asked a human: a skip answers them too ("could not tell").
	if sent := h.waitSent(skipped, 2); len(sent) != 2 {
		t.Errorf("a skipped case's user got %d messages, want the warning and the reviewer's answer", len(sent))
	} else {
		contains(t, sent[1].Params["text"], "无法确定")
	}
	edits := h.api.WaitCalls(t, "editMessageText", 3, 10*time.Second)
	for _, e := range edits {
		contains(t, e.Params["text"], "Decision:")
	}

	statsBefore := len(h.sent(modChat))
	h.api.Push(telegramtest.GroupText(modChat, telegramtest.User(moderator, "Moderator"), "/stats"))
	stats := h.waitSent(modChat, statsBefore+1)
	contains(t, stats[len(stats)-1].Params["text"], "open 0 · confirmed 1 · not a scam 1 · skipped 1",
		"50% right (1 confirmed, 1 dismissed)", typeNameEn(wantType)+": 1")
}

// "Ask a human" always gets an answer: the press says when to expect it,
// and the user hears back when a moderator decides — also when the
// moderator agrees with the bot, or skips the case.
func TestAskAHumanAlwaysGetsAnAnswer(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.start()
	for i, tc := range []struct {
		name, verb, says string
	}{
		{"the moderator agrees it is a scam", "s", "结论一致：这是诈骗"},
		{"the moderator dismisses the warning", "l", "之前的提醒过于谨慎"},
		{"the moderator skips", "k", "无法确定"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			chat := int64(8301 + i)
			id, card := h.queueCase(t, chat)
			answers := h.api.Calls("answerCallbackQuery")
			var note string
			for _, a := range answers {
				if a.Params["text"] != "" && strings.Contains(a.Params["text"], "within a day") {
					note = a.Params["text"]
				}
			}
			if note == "" {
				t.Errorf("asking a human was answered %q, want when to expect an answer", texts(answers))
			}
			if got := h.press(t, card, "mv:"+tc.verb+":"+id); got != "Decision stored" {
				t.Fatalf("the decision was answered %q", got)
			}
			sent := h.waitSent(chat, 2)
			if len(sent) != 2 {
				t.Fatalf("the user got %d messages, want the reply and one answer from the reviewer", len(sent))
			}
			contains(t, sent[1].Params["text"], tc.says)
		})
	}
}

// typeNameEn is a scam type's English name as a card writes it (HTML).
func typeNameEn(slug string) string {
	st, _ := catalog.MustLoad().ScamType(slug)
	return html.EscapeString(st.Names.En)
}
