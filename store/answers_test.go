package store

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// TestAnswers checks a chat's answers: the latest is found, an id saved
// again becomes the latest, the oldest beyond KeptAnswers go, a change
// keeps the order, the stored document is redacted, and a hash written
// before (a field per answer) still reads and is moved into the document
// by the next save.
func TestAnswers(t *testing.T) {
	for _, be := range backends(t) {
		t.Run(be.name, func(t *testing.T) {
			s := be.open(t, Config{})
			ctx := context.Background()
			const chat = 90
			answer := func(n int) []byte { return []byte(fmt.Sprintf(`{"n":%d,"quote":"call 13812345678"}`, n)) }
			redacted := func(n int) string { return fmt.Sprintf(`{"n":%d,"quote":"call [phone]"}`, n) }
			if _, _, err := s.LastAnswer(ctx, chat); !errors.Is(err, ErrNoAnswer) {
				t.Errorf("last answer of a chat with none: %v", err)
			}
			for n := range KeptAnswers + 2 {
				if err := s.SaveAnswer(ctx, chat, fmt.Sprint("a", n), answer(n)); err != nil {
					t.Fatal(err)
				}
			}
			id, blob, err := s.LastAnswer(ctx, chat)
			if err != nil || id != fmt.Sprint("a", KeptAnswers+1) || string(blob) != redacted(KeptAnswers+1) {
				t.Errorf("last answer %s %s (%v)", id, blob, err)
			}
			if _, err := s.Answer(ctx, chat, "a1"); !errors.Is(err, ErrNoAnswer) {
				t.Errorf("an answer beyond the kept ones: %v, want ErrNoAnswer", err)
			}
			if blob, err := s.Answer(ctx, chat, "a2"); err != nil || string(blob) != redacted(2) {
				t.Errorf("the oldest kept answer: %s (%v)", blob, err)
			}
			if err := s.ReplaceAnswer(ctx, chat, "a2", answer(20)); err != nil {
				t.Fatal(err)
			}
			if id, _, _ := s.LastAnswer(ctx, chat); id != fmt.Sprint("a", KeptAnswers+1) {
				t.Errorf("a changed answer became the latest: %s", id)
			}
			if blob, _ := s.Answer(ctx, chat, "a2"); string(blob) != redacted(20) {
				t.Errorf("changed answer reads %s", blob)
			}
			if err := s.ReplaceAnswer(ctx, chat, "a0", answer(0)); !errors.Is(err, ErrNoAnswer) {
				t.Errorf("changing an answer not kept: %v, want ErrNoAnswer", err)
			}
			if err := s.SaveAnswer(ctx, chat, "a2", answer(2)); err != nil {
				t.Fatal(err)
			}
			if id, _, _ := s.LastAnswer(ctx, chat); id != "a2" {
				t.Errorf("an answer saved again is not the latest: %s", id)
			}

			// A hash written before: a field per answer, "last" naming the latest.
			const old = 91
			key := s.answersKey(old)
			if err := s.client.HSet(ctx, key, "x1", pack([]byte(`{"lang":"en"}`)), "x2", `{"lang":"zh"}`, "last", "x2").Err(); err != nil {
				t.Fatal(err)
			}
			if id, blob, err := s.LastAnswer(ctx, old); err != nil || id != "x2" || string(blob) != `{"lang":"zh"}` {
				t.Errorf("last answer of an older hash: %s %s (%v)", id, blob, err)
			}
			if err := s.SaveAnswer(ctx, old, "y", []byte(`{"lang":"auto"}`)); err != nil {
				t.Fatal(err)
			}
			fields, err := s.client.HKeys(ctx, key).Result()
			if err != nil || len(fields) != 2 {
				t.Errorf("after a save the hash has fields %v (%v), want all and ver", fields, err)
			}
			for _, id := range []string{"x1", "x2", "y"} {
				if _, err := s.Answer(ctx, old, id); err != nil {
					t.Errorf("answer %s after the move: %v", id, err)
				}
			}
		})
	}
}

// TestSaveAnswerComparesAndSets checks that two writers saving answers of
// one chat at once lose none: each save reads the answers again when
// another saved first.
func TestSaveAnswerComparesAndSets(t *testing.T) {
	s := openStore(t, Config{})
	ctx := context.Background()
	const chat, writers = 92, 4
	done := make(chan error, writers)
	for w := range writers {
		go func() { done <- s.SaveAnswer(ctx, chat, fmt.Sprint("w", w), []byte(`{}`)) }()
	}
	for range writers {
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	for w := range writers {
		if _, err := s.Answer(ctx, chat, fmt.Sprint("w", w)); err != nil {
			t.Errorf("answer of writer %d: %v", w, err)
		}
	}
}
