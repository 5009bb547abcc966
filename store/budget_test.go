package store

import (
	"context"
	"testing"
	"time"
)

func TestAllowLLMCall(t *testing.T) {
	ctx := context.Background()
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			s := b.open(t, Config{})
			now := time.Unix(1_700_000_000, 0)
			calls := []struct {
				user string
				want bool
			}{
				{"u1", true}, {"u1", true}, {"u1", false}, // per-user cap 2
				{"u2", true}, {"u3", false}, // global cap 3 (u1 twice, u2 once)
			}
			for i, c := range calls {
				got, err := s.allowLLMCallAt(ctx, c.user, 2, 3, now)
				if err != nil {
					t.Fatal(err)
				}
				if got != c.want {
					t.Errorf("call %d by %s: allowed %v, want %v", i, c.user, got, c.want)
				}
			}
			// A new hour, new buckets.
			if got, err := s.allowLLMCallAt(ctx, "u1", 2, 3, now.Add(time.Hour)); err != nil || !got {
				t.Errorf("next hour: %v %v", got, err)
			}
			// Caps of 0 mean no cap.
			for i := 0; i < 5; i++ {
				if got, _ := s.allowLLMCallAt(ctx, "u9", 0, 0, now.Add(2*time.Hour)); !got {
					t.Fatalf("uncapped call %d refused", i)
				}
			}
			// Every bucket expires.
			keys := keysMatching(t, s, s.cfg.Prefix+"{llm-budget}:*")
			if len(keys) != 7 { // u1, u2, all; u1, all; u9, all
				t.Errorf("%d budget keys, want 7: %v", len(keys), keys)
			}
			for _, key := range keys {
				ttl, err := s.client.TTL(ctx, key).Result()
				if err != nil || ttl <= 0 || ttl > budgetTTL {
					t.Errorf("%s TTL %v %v", key, ttl, err)
				}
			}
		})
	}
}
