package bot_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/store"
)

var inviteLink = regexp.MustCompile(`https://t\.me/([A-Za-z0-9_]+)\?start=(grd_[a-z2-7]+)`)

func TestGuardianInviteConfirmAlertRevoke(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const mum, ann = 6101, 6102 // a private chat's id is its user's
	say := func(chat int64, text string) {
		upd := telegramtest.Text(chat, chat, text)
		upd.Message.From.FirstName = map[int64]string{mum: "Mum", ann: "Ann"}[chat]
		h.api.Push(upd)
	}
	press := func(chat int64, data string) {
		upd := telegramtest.Callback(chat, chat, 0, data)
		upd.CallbackQuery.From.FirstName = map[int64]string{mum: "Mum", ann: "Ann"}[chat]
		h.api.Push(upd)
	}

	// Mum asks for an invitation link.
	say(mum, "/guardian")
	sent := h.waitSent(mum, 1)
	link := inviteLink.FindStringSubmatch(sent[0].Params["text"])
	if link == nil {
		t.Fatalf("/guardian answered %q, want an invitation link", sent[0].Params["text"])
	}
	if link[1] != h.api.BotUser().Username {
		t.Errorf("the link names bot %q, want %q", link[1], h.api.BotUser().Username)
	}
	contains(t, sent[0].Params["text"], "no guardians")

	// Ann opens it: she is asked, nothing is linked yet.
	say(ann, "/start "+link[2])
	ask := h.waitSent(ann, 1)
	contains(t, ask[0].Params["text"], "Mum")
	buttons := callbackData(t, ask[0])
	if len(buttons) != 2 || !strings.HasPrefix(buttons[0], "grd:ok:") {
		t.Fatalf("the invitation's buttons are %v", buttons)
	}
	if g, _ := h.store.Guardians(context.Background(), mum); len(g) != 0 {
		t.Fatalf("linked before the guardian accepted: %+v", g)
	}

	// Ann accepts; both are told.
	press(ann, buttons[0])
	accepted := h.waitSent(ann, 2)
	contains(t, accepted[1].Params["text"], "guardian", "Mum")
	linked := h.waitSent(mum, 2)
	contains(t, linked[1].Params["text"], "Ann")
	// The same link cannot be used twice.
	press(ann, buttons[0])
	h.waitSent(ann, 3)

	// Mum forwards a scam: she gets her answer, Ann a short note.
	h.forwardBurst(mum, foundingScam...)
	h.waitSent(mum, 3)
	notes := h.waitSent(ann, 4)
	note := notes[3].Params["text"]
	contains(t, note, "Mum", "UTC")
	for _, private := range []string{"工号8861", "当当账号", "羽绒服"} {
		if strings.Contains(note, private) {
			t.Errorf("the guardian's note quotes the conversation (%q):\n%s", private, note)
		}
	}
	// More of the same conversation does not alert again.
	h.forwardBurst(mum, "快点操作，不然理赔款就退不回来了，礼品卡卡密发我")
	h.waitSent(mum, 4)
	if n := len(h.sent(ann)); n != 4 {
		t.Errorf("Ann got %d messages, want no second alert for the same conversation", n)
	}

	// Mum revokes from her side; Ann is told.
	say(mum, "/guardian")
	list := h.waitSent(mum, 5)
	remove := callbackData(t, list[4])
	if len(remove) != 1 || remove[0] != "grd:rm:6102" {
		t.Fatalf("the guardian list offers %v, want a button to remove Ann", remove)
	}
	press(mum, remove[0])
	removed := h.waitSent(ann, 5)
	contains(t, removed[4].Params["text"], "Mum")
	if g, _ := h.store.Guardians(context.Background(), mum); len(g) != 0 {
		t.Fatalf("after revoking Mum still has guardians %+v", g)
	}

	// A new scam conversation: no alert after the revocation.
	say(mum, "/new")
	h.waitSent(mum, 6)
	h.forwardBurst(mum, foundingScam...)
	h.waitSent(mum, 7)
	// Mum's marker proves her lane queued whatever alert it would; Ann's
	// proves Ann's send queue delivered it (settle sends both).
	if n := len(h.settle(ann)); n != 5 {
		t.Errorf("Ann got %d messages, want no alert after the link was revoked", n)
	}
}

func TestGuardianInvalidAndOwnInvitation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const user = 6201
	h.api.Push(telegramtest.Text(user, user, "/start grd_nosuchtoken"))
	sent := h.waitSent(user, 1)
	contains(t, sent[0].Params["text"], "expired")
	h.api.Push(telegramtest.Text(user, user, "/guardian"))
	sent = h.waitSent(user, 2)
	link := inviteLink.FindStringSubmatch(sent[1].Params["text"])
	if link == nil {
		t.Fatalf("no link in %q", sent[1].Params["text"])
	}
	h.api.Push(telegramtest.Text(user, user, "/start "+link[2]))
	sent = h.waitSent(user, 3)
	contains(t, sent[2].Params["text"], "your own guardian")
	// In a group, /guardian points to the private chat.
	const group = -6201
	h.api.Push(telegramtest.GroupText(group, telegramtest.User(user, "Mum"), "/guardian"))
	contains(t, h.waitSent(group, 1)[0].Params["text"], "private chat")
}

func TestForgetRemovesGuardianLinksBothWays(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	ctx := context.Background()
	const user, guardian, ward = 9501, 9502, 9503
	link := func(token string, who, by int64) {
		if err := h.store.SaveGuardianInvite(ctx, token, store.GuardianInvite{User: who, Name: "u"}); err != nil {
			t.Fatal(err)
		}
		if _, ok, err := h.store.AcceptGuardianInvite(ctx, token, store.GuardianLink{ID: by, Name: "g"}); !ok || err != nil {
			t.Fatalf("accept %s: %v %v", token, ok, err)
		}
	}
	link("t1", user, guardian) // guardian looks after user
	link("t2", ward, user)     // user looks after ward
	h.api.Push(telegramtest.Text(user, user, "/forget"))
	h.waitSent(user, 1)
	for _, check := range []struct {
		name  string
		links func(context.Context, int64) ([]store.GuardianLink, error)
		id    int64
	}{
		{"user's guardians", h.store.Guardians, user},
		{"guardian's wards", h.store.Wards, guardian},
		{"user's wards", h.store.Wards, user},
		{"ward's guardians", h.store.Guardians, ward},
	} {
		links, err := check.links(ctx, check.id)
		if err != nil || len(links) != 0 {
			t.Errorf("after /forget, %s: %v (%v)", check.name, links, err)
		}
	}
}
