package store

import (
	"context"
	"testing"
	"time"
)

// TestStateAndVerdictTogether checks the layout of the conv hash: a JSON
// state and verdict are saved as one blob in the state field (no verdict
// field), read back apart by Load and by Edit, and a conversation saved
// before, with a verdict field of its own, still reads.
func TestStateAndVerdictTogether(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			s := be.open(t, Config{})
			ctx := context.Background()
			const chat = 77
			state, verdict := `{"messages":1,"tail":"call 13812345678"}`, `{"level":"scam","signals":[{"match":"x"}]}`
			if _, err := s.Append(ctx, chat, Entry{ID: 1, From: "other", Text: "one"}); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(ctx, chat, Snapshot{BaseSeq: 0, Seq: 1, State: []byte(state), Verdict: []byte(verdict)}); err != nil {
				t.Fatal(err)
			}
			fields, err := s.client.HGetAll(ctx, s.chatKey(chat, "conv")).Result()
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := fields["verdict"]; ok {
				t.Errorf("a JSON verdict was saved in a field of its own: %q", fields["verdict"])
			}
			conv, err := s.Load(ctx, chat)
			if err != nil {
				t.Fatal(err)
			}
			if string(conv.State) != `{"messages":1,"tail":"call [phone]"}` || string(conv.Verdict) != verdict {
				t.Errorf("read back state %s verdict %s; want them as saved, redacted", conv.State, conv.Verdict)
			}

			// A conversation saved before: state and verdict each packed
			// in a field of its own.
			old := `{"level":"suspicious"}`
			if err := s.client.HSet(ctx, s.chatKey(chat, "conv"), "state", pack([]byte(`{"messages":1}`)), "verdict", pack([]byte(old))).Err(); err != nil {
				t.Fatal(err)
			}
			if conv, err = s.Load(ctx, chat); err != nil {
				t.Fatal(err)
			}
			if string(conv.State) != `{"messages":1}` || string(conv.Verdict) != old {
				t.Errorf("an older save read as state %s verdict %s", conv.State, conv.Verdict)
			}
			// Saving over it leaves one blob, the old verdict field gone.
			if err := s.Save(ctx, chat, Snapshot{BaseSeq: 1, Seq: 1, State: []byte(state), Verdict: []byte(verdict)}); err != nil {
				t.Fatal(err)
			}
			if n, _ := s.client.HExists(ctx, s.chatKey(chat, "conv"), "verdict").Result(); n {
				t.Error("the verdict field of the older save stayed")
			}
			before, err := s.Edit(ctx, chat, Entry{ID: 1, From: "other", Text: "uno"})
			if err != nil {
				t.Fatal(err)
			}
			if string(before) != verdict {
				t.Errorf("Edit returned the verdict before as %s, want %s", before, verdict)
			}
		})
	}
}

// TestWindowEntryFormat checks the window's entries: every field comes
// back, a text with line breaks and spaces included, the entry is stored
// redacted, and an entry stored before as JSON still reads and can be
// edited.
func TestWindowEntryFormat(t *testing.T) {
	at := time.Unix(1796648687, 0)
	cases := []struct {
		name string
		in   Entry
	}{
		{"other", Entry{ID: 7, From: "other", Text: "您好 我是客服\n请拨打 x", Time: at}},
		{"user, hidden", Entry{ID: 0, From: "user", Text: "", Time: at, Hidden: true}},
		{"no speaker", Entry{ID: 12345678901, Text: "{not json", Time: at}},
		{"a named speaker", Entry{ID: 3, From: "bot", Text: "h", Time: at}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stored, err := encodeEntry(c.in)
			if err != nil {
				t.Fatal(err)
			}
			back, err := decodeEntry(string(stored))
			if err != nil {
				t.Fatal(err)
			}
			want := storedEntry{ID: c.in.ID, From: c.in.From, Text: c.in.Text, Time: at.Unix(), Hidden: c.in.Hidden}
			if back != want {
				t.Errorf("round trip of %q: %+v, want %+v", stored, back, want)
			}
		})
	}
	if _, err := encodeEntry(Entry{From: "o"}); err == nil {
		t.Error("a speaker named like a code was stored")
	}

	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			s := be.open(t, Config{})
			ctx := context.Background()
			const chat = 78
			old := `{"id":5,"from":"user","text":"我的订单","time":1796648687,"hidden":true}`
			if err := s.client.RPush(ctx, s.chatKey(chat, "msgs"), old).Err(); err != nil {
				t.Fatal(err)
			}
			if err := s.client.HSet(ctx, s.chatKey(chat, "conv"), "seq", 1).Err(); err != nil {
				t.Fatal(err)
			}
			conv, err := s.Append(ctx, chat, Entry{ID: 6, From: "other", Text: "请拨打13812345678", Time: at})
			if err != nil {
				t.Fatal(err)
			}
			got := conv.Window
			if len(got) != 2 || got[0].ID != 5 || got[0].From != "user" || got[0].Text != "我的订单" || !got[0].Hidden ||
				got[1].ID != 6 || got[1].Text != "请拨打[phone]" || !got[1].Time.Equal(at) || got[1].Seq != 2 {
				t.Fatalf("window %+v", got)
			}
			if _, err := s.Edit(ctx, chat, Entry{ID: 5, From: "user", Text: "我的订单呢"}); err != nil {
				t.Fatalf("edit of an entry stored as JSON: %v", err)
			}
			if conv, err = s.Load(ctx, chat); err != nil || conv.Window[0].Text != "我的订单呢" {
				t.Errorf("after the edit: %+v (%v)", conv.Window, err)
			}
		})
	}
}
