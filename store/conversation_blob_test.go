package store

import (
	"context"
	"testing"
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
