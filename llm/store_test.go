package llm

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/scamguard/scamguard/llm/llmtest"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// TestStoreCacheAndBudgetOnRedis wires the Judge as the bot does, on a
// real redis-server: two Judges (two replicas) share the answer cache and
// the budget.
func TestStoreCacheAndBudgetOnRedis(t *testing.T) {
	s, srv := redisAndModel(t)
	replica := func() *Judge {
		return storeJudge(t, s, srv, func(cfg *Config) { cfg.UserPerHour, cfg.GlobalPerHour = 1, 0 })
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

// TestDebounceIsSharedByReplicas: two Judges (two replicas) on one
// redis-server judge one conversation within the debounce interval, with
// different evidence (so neither the answer cache nor a process's own
// memory can answer): the model is called once. Concurrent reviews of one
// conversation from both also make one call.
func TestDebounceIsSharedByReplicas(t *testing.T) {
	s, srv := redisAndModel(t)
	replica := func() *Judge {
		j := storeJudge(t, s, srv, func(cfg *Config) { cfg.Debounce = time.Minute })
		j.ShareDebounce(s)
		return j
	}
	a, b := replica(), replica()
	first, second := request(t, greyBank), request(t, greyCourier)
	first.Conversation, second.Conversation = "5001", "5001"
	if res := a.Review(t.Context(), first); res.Outcome != OutcomeAnswered {
		t.Fatalf("first replica: %s (%s)", res.Outcome, res.Reason)
	}
	if res := b.Review(t.Context(), second); res.Outcome != OutcomeDebounced {
		t.Errorf("second replica within the interval: %s (%s), want debounced", res.Outcome, res.Reason)
	}
	if srv.Calls() != 1 {
		t.Errorf("%d model calls for one conversation within the interval, want 1", srv.Calls())
	}

	// At the same moment, from both replicas: one call.
	// New words, so that neither is answered from the first pair's cache.
	third, fourth := request(t, greyBank+"\nme:really?"), request(t, greyCourier+"\nme:really?")
	third.Conversation, fourth.Conversation = "5002", "5002"
	var wg sync.WaitGroup
	outcomes := make([]Outcome, 2)
	for i, pair := range []struct {
		j   *Judge
		req Request
	}{{a, third}, {b, fourth}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			outcomes[i] = pair.j.Review(t.Context(), pair.req).Outcome
		}()
	}
	wg.Wait()
	if srv.Calls() != 2 {
		t.Errorf("%d model calls after two concurrent reviews of a new conversation, want 2 in all (outcomes %v)", srv.Calls(), outcomes)
	}
}

// redisAndModel starts a redis-server with a store on it and the fake LLM.
func redisAndModel(t *testing.T) (*store.Store, *llmtest.Server) {
	t.Helper()
	server := storetest.StartServer(t)
	s, err := store.Open(t.Context(), store.Config{Addrs: []string{server.Addr}, Prefix: fmt.Sprintf("llmtest%d:", rand.Uint32())},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, llmtest.NewServer(t, llmtest.Answering(scamAnswer))
}

// storeJudge is one replica's Judge, wired to s as the bot wires it.
func storeJudge(t *testing.T, s *store.Store, srv *llmtest.Server, adjust func(*Config)) *Judge {
	t.Helper()
	cat, _ := engines(t)
	cfg := DefaultConfig()
	cfg.BaseURL = srv.URL
	adjust(&cfg)
	j, err := New(cfg, cat, StoreCache(s), StoreBudget(s, cfg.UserPerHour, cfg.GlobalPerHour), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	return j
}
