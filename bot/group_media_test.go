package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/store"
)

// groupMarker proves the group's earlier updates are done: /help (which
// repeats the introduction) runs on the group's lane after them, and its
// answer leaves after anything they sent. It returns what the group got
// before that answer.
func (h *harness) groupMarker(group int64) []string {
	h.t.Helper()
	before := len(h.sent(group))
	h.api.Push(telegramtest.GroupText(group, telegramtest.User(groupAdminID, "Group Admin"), "/help"))
	// As waitRead: the group's lane reads its screenshots first.
	deadline := time.Now().Add(4 * time.Minute)
	for {
		got := texts(h.sent(group))
		for i := before; i < len(got); i++ {
			if strings.Contains(got[i], "/settings") {
				return got[:i]
			}
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("group %d never answered the /help marker: %q", group, got)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestGroupScreenshotsAreReadUnderTheGroupsBudget(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = requireOCR(t)
	h.start()
	const family, quiet, spent = -5401, -5402, -5403
	for _, g := range []int64{family, quiet, spent} {
		h.addBot(g)
	}
	if err := h.store.SaveSettings(context.Background(), quiet, store.Settings{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	if err := h.store.Client().Set(context.Background(), "sg:{c:"+strconv.Itoa(spent)+"}:shot-budget", 20, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	pages := refundPages(t, [2]int{0, 5}, [2]int{3, 8})
	mum := telegramtest.User(541, "Mum")
	for _, g := range []int64{family, quiet, spent} {
		var album []models.Update
		for i, data := range pages {
			id := "g" + strconv.FormatInt(-g, 10) + "-" + strconv.Itoa(i)
			h.api.AddFile(id, data)
			album = append(album, telegramtest.GroupImageFile(g, mum, id, len(data)))
		}
		h.api.Push(telegramtest.Album("album"+strconv.FormatInt(-g, 10), album...)...)
	}

	// The family group hears one warning, addressed to Mum; the bot says
	// nothing about the pictures themselves.
	got := h.groupMarker(family)
	if len(got) != 2 {
		t.Fatalf("the family group got %q, want the introduction and one warning", got)
	}
	contains(t, got[1], "tg://user?id=541", "诈骗")
	conv, err := h.store.Load(context.Background(), family)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != 8 {
		t.Errorf("the family's thread holds %d messages, want the 8 read once each", len(conv.Window))
	}

	// A quiet group's pictures and a group over its budget are not read.
	for _, g := range []int64{quiet, spent} {
		if got := h.groupMarker(g); len(got) != 1 {
			t.Errorf("group %d got %q, want only the introduction", g, got)
		}
	}
	for _, c := range h.api.Calls("getFile") {
		if id := c.Params["file_id"]; strings.HasPrefix(id, "g5402") || strings.HasPrefix(id, "g5403") {
			t.Errorf("getFile %s: a quiet group's or a spent budget's picture was fetched", id)
		}
	}
	if n := len(h.api.Calls("sendChatAction")); n != 0 {
		t.Errorf("%d sendChatAction calls in groups, want none (a group hears the bot only when it matters)", n)
	}
}

// An album is one message to the group: in a group warned from
// "suspicious" on, an album whose first page is suspicious and whose
// second makes it a scam is warned about once, not once per page. A
// captioned picture is its turns then its caption, judged together: the
// first messages of a script and a member's "they asked me for gift cards"
// are a scam that neither is alone; a caption asking the bot is answered
// about the picture.
func TestGroupAlbumWarnsOnceAndCaptionsJoinTheTurns(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.screenshots = requireOCR(t)
	h.start()
	const rising, captioned, asked = -5404, -5405, -5406
	for _, g := range []int64{rising, captioned, asked} {
		h.addBot(g)
	}
	if err := h.store.SaveSettings(context.Background(), rising, store.Settings{Sensitivity: "high"}); err != nil {
		t.Fatal(err)
	}
	mum := telegramtest.User(542, "Mum")
	var album []models.Update
	for i, data := range refundPages(t, [2]int{0, 4}, [2]int{2, 8}) {
		id := "rising-" + strconv.Itoa(i)
		h.api.AddFile(id, data)
		album = append(album, telegramtest.GroupImageFile(rising, mum, id, len(data)))
	}
	h.api.Push(telegramtest.Album("album5404", album...)...)
	page := refundPages(t, [2]int{0, 3})[0]
	h.api.AddFile("captioned", page)
	photo := telegramtest.GroupImageFile(captioned, mum, "captioned", len(page))
	const caption = "他让我买礼品卡，把卡号卡密发给他"
	photo.Message.Caption = caption
	scam := refundPages(t, [2]int{0, 5})[0]
	h.api.AddFile("asked", scam)
	question := telegramtest.GroupImageFile(asked, mum, "asked", len(scam))
	question.Message.Caption = "@" + h.api.BotUser().Username + " 这是真的吗？"
	h.api.Push(photo, question)

	// The threads first: a picture that was not read (OCR past its
	// timeout on a loaded machine) shows there.
	heard := map[int64][]string{}
	for _, g := range []int64{rising, captioned, asked} {
		heard[g] = h.groupMarker(g)
	}
	for group, want := range map[int64]int{rising: 8, captioned: 4, asked: 6} {
		conv, err := h.store.Load(context.Background(), group)
		if err != nil {
			t.Fatal(err)
		}
		if len(conv.Window) != want {
			t.Errorf("group %d's thread holds %d messages, want %d", group, len(conv.Window), want)
		}
		if group == captioned && len(conv.Window) > 0 && conv.Window[len(conv.Window)-1].Text != caption {
			t.Errorf("the thread ends %q, want the caption after the picture's turns", conv.Window[len(conv.Window)-1].Text)
		}
	}
	for _, g := range []struct {
		group int64
		want  string
	}{
		{rising, "tg://user?id=542"}, // one warning for the album
		{captioned, "诈骗"},            // a warning
		{asked, "诈骗"},                // the answer: the question alone has no known signs
	} {
		if got := heard[g.group]; len(got) != 2 {
			t.Errorf("group %d got %q, want the introduction and one message", g.group, got)
		} else {
			contains(t, got[1], g.want)
		}
	}
}
