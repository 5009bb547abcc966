package llm

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"testing"

	"github.com/scamguard/scamguard/llm/llmtest"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// TestStoreCacheAndBudgetOnRedis wires the Judge as the bot does, on a
// real redis-server: two Judges (two replicas) share the answer cache and
// the budget.
func TestStoreCacheAndBudgetOnRedis(t *testing.T) {
	server := storetest.StartServer(t)
	s, err := store.Open(t.Context(), store.Config{Addrs: []string{server.Addr}, Prefix: fmt.Sprintf("llmtest%d:", rand.Uint32())},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv := llmtest.NewServer(t, llmtest.Answering(scamAnswer))
	cat, _ := engines(t)
	replica := func() *Judge {
		cfg := DefaultConfig()
		cfg.BaseURL, cfg.UserPerHour, cfg.GlobalPerHour = srv.URL, 1, 0
		j, err := New(cfg, cat, StoreCache(s), StoreBudget(s, cfg.UserPerHour, cfg.GlobalPerHour), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	a, b := replica(), replica()
	if res := a.Review(t.Context(), request(t, greyBank)); res.Outcome != OutcomeAnswered {
		t.Fatalf("first: %s (%s)", res.Outcome, res.Reason)
	}
	if res := b.Review(t.Context(), request(t, greyBank)); res.Outcome != OutcomeCached || res.Verdict.Explanation == "" {
		t.Errorf("second replica, same text: %s", res.Outcome)
	}
	if res := b.Review(t.Context(), request(t, greyCourier)); res.Outcome != OutcomeOverBudget {
		t.Errorf("second replica, same user, new text: %s, want over budget", res.Outcome)
	}
	if srv.Calls() != 1 {
		t.Errorf("%d calls, want 1", srv.Calls())
	}
}
