package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// TestGroupThreadStartsAfresh covers the thread reset: a message after a
// quiet spell longer than the thread gap (2 hours), or after a long thread
// in which nothing looked like a scam, is recorded, the thread forgotten,
// and the message recorded again as the first of a new thread.
func TestGroupThreadStartsAfresh(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	mum := telegramtest.User(4242, "Mum")
	// post pushes lines into group, the first `old` of them dated three
	// hours back, and returns the group's thread once they are handled.
	post := func(group int64, old int, lines ...string) (seq int64, window []string) {
		t.Helper()
		for i, line := range lines {
			upd := telegramtest.GroupText(group, mum, line)
			if i < old {
				upd.Message.Date = int(time.Now().Add(-3 * time.Hour).Unix())
			}
			h.api.Push(upd)
		}
		h.settle(group)
		conv, err := h.store.Load(context.Background(), group)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range conv.Window {
			window = append(window, e.Text)
		}
		return conv.Seq, window
	}

	t.Run("after a quiet spell", func(t *testing.T) {
		const steady, quiet = -5301, -5302
		h.addBot(steady)
		h.addBot(quiet)
		if seq, window := post(steady, 0, pastedScam...); seq != int64(len(pastedScam)) || len(window) != len(pastedScam) {
			t.Fatalf("a thread without a gap: seq %d, %d messages kept; want %d", seq, len(window), len(pastedScam))
		}
		seq, window := post(quiet, len(pastedScam)-1, pastedScam...)
		if seq != 1 || len(window) != 1 || !strings.Contains(window[0], "礼品卡") {
			t.Errorf("the message after three quiet hours: seq %d, thread %q; want it alone in a new thread", seq, window)
		}
	})

	t.Run("after a long thread with no sign", func(t *testing.T) {
		const chatty = -5303
		h.addBot(chatty)
		var lines []string
		for i := range 60 {
			lines = append(lines, fmt.Sprintf("第%d张照片拍得真好看，周末一起去公园吧", i+1))
		}
		if seq, _ := post(chatty, 0, lines...); seq != 60 {
			t.Fatalf("60 harmless messages: seq %d, want 60 (no reset yet)", seq)
		}
		seq, window := post(chatty, 0, "第61条：晚饭吃饺子")
		if seq != 1 || len(window) != 1 || !strings.Contains(window[0], "饺子") {
			t.Errorf("the 61st harmless message: seq %d, thread %q; want it alone in a new thread", seq, window)
		}
	})
}
