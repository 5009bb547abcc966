package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestCasesOnEveryBackend runs the review queue's storage contract on a
// single node, a Cluster and the embedded store: the scripts must work
// wherever the bot runs.
func TestCasesOnEveryBackend(t *testing.T) {
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			s := b.open(t, Config{})
			now := time.Now()
			draft := CaseRecord{ID: "c1", Chat: 7, Doc: []byte(`{"id":"c1"}`), Level: "scam", Type: "t", Lang: "zh", Created: now, Status: "draft"}
			if err := s.DraftCase(ctx, draft); err != nil {
				t.Fatalf("draft: %v", err)
			}
			if err := s.DraftCase(ctx, CaseRecord{ID: "bad id!", Chat: 7}); err == nil {
				t.Error("a case id with spaces was accepted")
			}
			first, err := s.QueueCase(ctx, 7, "c1", "ask_human", "open", now)
			if err != nil || !first {
				t.Fatalf("first queue = %v, %v; want queued", first, err)
			}
			again, err := s.QueueCase(ctx, 7, "c1", "wrong", "open", now)
			if err != nil || again {
				t.Fatalf("second queue = %v, %v; want not queued again", again, err)
			}
			if _, err := s.QueueCase(ctx, 7, "missing", "wrong", "open", now); !errors.Is(err, ErrCaseNotFound) {
				t.Errorf("queue a missing case: %v; want ErrCaseNotFound", err)
			}
			rec, ok, err := s.NextCase(ctx, "a", time.Hour, "open")
			if err != nil || !ok || rec.ID != "c1" || len(rec.Reasons) != 2 || rec.Status != "open" {
				t.Fatalf("NextCase(a) = %+v %v %v", rec, ok, err)
			}
			if _, ok, _ := s.NextCase(ctx, "b", time.Hour, "open"); ok {
				t.Error("b got a's fresh case")
			}
			if n, err := s.ReclaimCases(ctx, "b", 0); err != nil || n != 1 {
				t.Fatalf("ReclaimCases = %d, %v; want 1", n, err)
			}
			previous, decided, err := s.DecideCase(ctx, 7, "c1", "confirmed", 42, now, "x")
			if err != nil || previous != "open" || decided.Status != "confirmed" || decided.DecidedBy != 42 || decided.DecidedType != "x" {
				t.Fatalf("DecideCase = %q %+v %v", previous, decided, err)
			}
			if _, ok, _ := s.NextCase(ctx, "b", 0, "open"); ok {
				t.Error("a decided case is still handed out")
			}
			if marked, _ := s.MarkFollowUp(ctx, "c1"); !marked {
				t.Error("first MarkFollowUp = false")
			}
			if marked, _ := s.MarkFollowUp(ctx, "c1"); marked {
				t.Error("second MarkFollowUp = true")
			}
			listed, err := s.ListCases(ctx, now.Add(-time.Hour), now.Add(time.Hour), 10)
			if err != nil || len(listed) != 1 {
				t.Fatalf("ListCases = %d, %v; want 1", len(listed), err)
			}
			if n, err := s.ForgetChatCases(ctx, 7); err != nil || n != 1 {
				t.Fatalf("ForgetChatCases = %d, %v; want 1", n, err)
			}
			if _, err := s.Case(ctx, "c1"); !errors.Is(err, ErrCaseNotFound) {
				t.Errorf("case after forget: %v", err)
			}

			bands := [][]string{{"0:aa", "1:bb"}, {"0:cc", "1:dd"}}
			if err := s.AddSignatures(ctx, FingerprintsScam, "c1", []string{"sig0", "sig1"}, bands); err != nil {
				t.Fatal(err)
			}
			found, err := s.SignatureCandidates(ctx, FingerprintsScam, []string{"1:dd", "9:zz"})
			if err != nil || len(found) != 1 || found[0] != (StoredSignature{Case: "c1", Index: 1, Signature: "sig1", CaseSignatures: 2}) {
				t.Fatalf("SignatureCandidates = %+v, %v", found, err)
			}
			if found, _ := s.SignatureCandidates(ctx, FingerprintsLegit, []string{"1:dd"}); len(found) != 0 {
				t.Error("the legit set holds the scam set's signature")
			}
			if err := s.RemoveSignatures(ctx, FingerprintsScam, "c1", bands); err != nil {
				t.Fatal(err)
			}
			if found, _ := s.SignatureCandidates(ctx, FingerprintsScam, []string{"1:dd"}); len(found) != 0 {
				t.Error("a removed signature is still found")
			}

			if err := s.SaveLoginNonce(ctx, "n1", 42, time.Minute); err != nil {
				t.Fatal(err)
			}
			if mod, ok, err := s.ConsumeLoginNonce(ctx, "n1"); err != nil || !ok || mod != 42 {
				t.Fatalf("ConsumeLoginNonce = %d %v %v", mod, ok, err)
			}
			if _, ok, _ := s.ConsumeLoginNonce(ctx, "n1"); ok {
				t.Error("a sign-in nonce worked twice")
			}
			if err := s.SaveSession(ctx, "tok", 42, "csrf", time.Minute); err != nil {
				t.Fatal(err)
			}
			if mod, csrf, ok, err := s.Session(ctx, "tok"); err != nil || !ok || mod != 42 || csrf != "csrf" {
				t.Fatalf("Session = %d %q %v %v", mod, csrf, ok, err)
			}
			s.DeleteSession(ctx, "tok")
			if _, _, ok, _ := s.Session(ctx, "tok"); ok {
				t.Error("a deleted session still works")
			}
		})
	}
}
