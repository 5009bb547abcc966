package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/store/storetest"
)

// joinFold is a fold whose "verdict" is every text it has seen, so a test
// can tell which texts a state was built from.
func joinFold(state []byte, pending []Entry) ([]byte, []byte, error) {
	seen := string(state)
	for _, e := range pending {
		seen += e.Text + "|"
	}
	return []byte(seen), []byte(seen), nil
}

func TestEditReplacesTheMessageAndRefolds(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			s := be.open(t, Config{Window: 3})
			ctx := context.Background()
			const chat = 42
			for i, text := range []string{"one", "two", "three", "four"} {
				if _, _, err := record(ctx, s, chat, Entry{ID: int64(i + 1), From: "other", Text: text}, joinFold); err != nil {
					t.Fatal(err)
				}
			}
			before, after, err := edit(ctx, s, chat, Entry{ID: 3, From: "other", Text: "THREE call 13812345678"}, joinFold)
			if err != nil {
				t.Fatal(err)
			}
			if string(before) != "one|two|three|four|" {
				t.Errorf("verdict before the edit %q", before)
			}
			// The state is rebuilt from the window (two, three, four) with
			// the caller's text of the edited message, unredacted.
			if string(after) != "two|THREE call 13812345678|four|" {
				t.Errorf("verdict after the edit %q", after)
			}
			conv, err := s.Load(ctx, chat)
			if err != nil {
				t.Fatal(err)
			}
			if got := conv.Window[1]; got.ID != 3 || !strings.HasPrefix(got.Text, "THREE call ") || strings.Contains(got.Text, "13812345678") {
				t.Errorf("stored edit %+v: want id 3, the new text, the phone number redacted", got)
			}
			if conv.StateSeq != 4 || conv.Seq != 4 {
				t.Errorf("after the edit seq %d state_seq %d, want 4 and 4", conv.Seq, conv.StateSeq)
			}
			// The next message continues from the rebuilt state, which
			// was saved redacted: nothing personal is at rest.
			_, verdict, err := record(ctx, s, chat, Entry{ID: 5, From: "other", Text: "five"}, joinFold)
			if err != nil || string(verdict) != "two|THREE call [phone]|four|five|" {
				t.Errorf("after the edit, the next message folded to %q (%v)", verdict, err)
			}
			// A message that left the window cannot be edited, and nothing changes.
			if _, _, err := edit(ctx, s, chat, Entry{ID: 1, From: "other", Text: "ONE"}, joinFold); !errors.Is(err, ErrNotInWindow) {
				t.Errorf("editing a message outside the window: %v, want ErrNotInWindow", err)
			}
			if _, _, err := edit(ctx, s, 999, Entry{ID: 1, Text: "x"}, joinFold); !errors.Is(err, ErrNotInWindow) {
				t.Errorf("editing in an empty chat: %v, want ErrNotInWindow", err)
			}
		})
	}
}

func TestForgetConversationKeepsSettings(t *testing.T) {
	s := openStore(t, Config{Addrs: []string{storetest.StartServer(t).Addr}})
	ctx := context.Background()
	if _, _, err := record(ctx, s, 7, Entry{ID: 1, From: "other", Text: "hello"}, joinFold); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveSettings(ctx, 7, Settings{Language: "en"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetConversation(ctx, 7); err != nil {
		t.Fatal(err)
	}
	conv, err := s.Load(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if conv.Seq != 0 || len(conv.Window) != 0 || conv.Settings.Language != "en" {
		t.Errorf("after ForgetConversation: seq %d, %d messages, settings %+v; want empty conversation, settings kept", conv.Seq, len(conv.Window), conv.Settings)
	}
}

func TestMessagesKeepSettingsAlive(t *testing.T) {
	s := openStore(t, Config{Addrs: []string{storetest.StartServer(t).Addr}, SettingsTTL: 48 * time.Hour})
	ctx := context.Background()
	if err := s.SaveSettings(ctx, 8, Settings{Language: "en"}); err != nil {
		t.Fatal(err)
	}
	key := s.chatKey(8, "settings")
	if err := s.client.PExpire(ctx, key, time.Hour).Err(); err != nil {
		t.Fatal(err)
	}
	if _, _, err := record(ctx, s, 8, Entry{ID: 1, From: "other", Text: "hello"}, joinFold); err != nil {
		t.Fatal(err)
	}
	if ttl := s.client.PTTL(ctx, key).Val(); ttl <= 47*time.Hour {
		t.Errorf("after a message the settings live %v more, want the settings TTL (48h) again", ttl)
	}
}
