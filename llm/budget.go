package llm

import (
	"context"
	"sync"
	"time"
)

// Budget caps LLM calls per user and in all. Allow counts a call when it
// is allowed. Implementations: MemoryBudget (check, eval, one process) and
// StoreBudget (Redis through the store, shared by replicas).
type Budget interface {
	Allow(ctx context.Context, user string) (bool, error)
}

// MemoryBudget counts calls per clock hour in-process; safe for concurrent
// use. A limit of 0 means no cap.
type MemoryBudget struct {
	perUser, global int
	now             func() time.Time

	mu    sync.Mutex
	hour  int64
	users map[string]int
	all   int
}

// NewMemoryBudget allows perUser calls per user and global in all per
// clock hour.
func NewMemoryBudget(perUser, global int) *MemoryBudget {
	return &MemoryBudget{perUser: perUser, global: global, now: time.Now, users: map[string]int{}}
}

// Allow counts a call for user if both caps allow it.
func (b *MemoryBudget) Allow(_ context.Context, user string) (bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if hour := b.now().Unix() / 3600; hour != b.hour {
		b.hour, b.all = hour, 0
		clear(b.users)
	}
	if b.global > 0 && b.all >= b.global || b.perUser > 0 && b.users[user] >= b.perUser {
		return false, nil
	}
	b.all++
	b.users[user]++
	return true, nil
}

// BudgetStore is the part of store.Store that counts LLM calls.
type BudgetStore interface {
	AllowLLMCall(ctx context.Context, user string, perUser, global int) (bool, error)
}

// StoreBudget adapts the store's hourly counters (Redis, shared by the
// bot's replicas) to Budget with these caps (0: no cap).
func StoreBudget(s BudgetStore, perUser, global int) Budget {
	return storeBudget{store: s, perUser: perUser, global: global}
}

type storeBudget struct {
	store           BudgetStore
	perUser, global int
}

func (b storeBudget) Allow(ctx context.Context, user string) (bool, error) {
	return b.store.AllowLLMCall(ctx, user, b.perUser, b.global)
}
