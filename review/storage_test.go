package review

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// TestStorageOnEveryBackend runs the review queue's storage contract on a
// single node, a Cluster and the embedded store: the scripts must work
// wherever the bot runs.
func TestStorageOnEveryBackend(t *testing.T) {
	single := storetest.StartServer(t)
	cluster := storetest.StartCluster(t)
	for _, b := range []struct {
		name  string
		addrs []string
	}{{"single", []string{single.Addr}}, {"cluster", cluster.Addrs}, {"embedded", nil}} {
		t.Run(b.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := store.DefaultConfig()
			cfg.Addrs, cfg.Prefix = b.addrs, fmt.Sprintf("rvtest%d:", rand.Uint32())
			st, err := store.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatalf("open store: %v", err)
			}
			t.Cleanup(func() { st.Close() })
			s := New(st, Config{}).db
			now := time.Now()
			draft := record{ID: "c1", Chat: 7, Doc: []byte(`{"id":"c1"}`), Level: "scam", Type: "t", Lang: "zh", Created: now}
			if err := s.DraftCase(ctx, draft); err != nil {
				t.Fatalf("draft: %v", err)
			}
			if err := s.DraftCase(ctx, record{ID: "bad id!", Chat: 7}); err == nil {
				t.Error("a case id with spaces was accepted")
			}
			first, err := s.QueueCase(ctx, 7, "c1", "ask_human", now)
			if err != nil || !first {
				t.Fatalf("first queue = %v, %v; want queued", first, err)
			}
			again, err := s.QueueCase(ctx, 7, "c1", "wrong", now)
			if err != nil || again {
				t.Fatalf("second queue = %v, %v; want not queued again", again, err)
			}
			if _, err := s.QueueCase(ctx, 7, "missing", "wrong", now); !errors.Is(err, ErrNotFound) {
				t.Errorf("queue a missing case: %v; want ErrNotFound", err)
			}
			rec, ok, err := s.NextCase(ctx, "a", time.Hour)
			if err != nil || !ok || rec.ID != "c1" || len(rec.Reasons) != 2 || rec.Status != StatusOpen {
				t.Fatalf("NextCase(a) = %+v %v %v", rec, ok, err)
			}
			if _, ok, _ := s.NextCase(ctx, "b", time.Hour); ok {
				t.Error("b got a's fresh case")
			}
			if n, err := s.ReclaimCases(ctx, "b", 0); err != nil || n != 1 {
				t.Fatalf("ReclaimCases = %d, %v; want 1", n, err)
			}
			previous, decided, err := s.DecideCase(ctx, 7, "c1", StatusConfirmed, 42, now, "x")
			if err != nil || previous != StatusOpen || decided.Status != StatusConfirmed || decided.DecidedBy != 42 || decided.DecidedType != "x" {
				t.Fatalf("DecideCase = %q %+v %v", previous, decided, err)
			}
			if _, ok, _ := s.NextCase(ctx, "b", 0); ok {
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
			if _, err := s.Case(ctx, "c1"); !errors.Is(err, ErrNotFound) {
				t.Errorf("case after forget: %v", err)
			}

			bands := [][]string{{"0:aa", "1:bb"}, {"0:cc", "1:dd"}}
			if err := s.AddSignatures(ctx, fingerprintsScam, "c1", []string{"sig0", "sig1"}, bands); err != nil {
				t.Fatal(err)
			}
			found, err := s.SignatureCandidates(ctx, fingerprintsScam, []string{"1:dd", "9:zz"})
			if err != nil || len(found) != 1 || found[0] != (storedSignature{Case: "c1", Index: 1, Signature: "sig1", CaseSignatures: 2}) {
				t.Fatalf("SignatureCandidates = %+v, %v", found, err)
			}
			if found, _ := s.SignatureCandidates(ctx, fingerprintsLegit, []string{"1:dd"}); len(found) != 0 {
				t.Error("the legit set holds the scam set's signature")
			}
			if err := s.RemoveSignatures(ctx, fingerprintsScam, "c1", bands); err != nil {
				t.Fatal(err)
			}
			if found, _ := s.SignatureCandidates(ctx, fingerprintsScam, []string{"1:dd"}); len(found) != 0 {
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
