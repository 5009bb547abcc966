package llm

import (
	"context"
	"sync"
	"time"
)

// Cache keeps validated answers by the hash of what was asked, so the same
// forwarded text is judged once. Implementations: MemoryCache (check,
// eval) and StoreCache (Redis through the store, shared by replicas).
type Cache interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Put(ctx context.Context, key string, answer []byte) error
}

// MemoryCache is an in-process Cache with a size cap and a TTL; safe for
// concurrent use.
type MemoryCache struct {
	mu      sync.Mutex
	entries map[string]memoryEntry
	max     int
	ttl     time.Duration
	now     func() time.Time
}

type memoryEntry struct {
	answer []byte
	at     time.Time
}

// NewMemoryCache returns a cache of at most max answers kept for ttl.
func NewMemoryCache(max int, ttl time.Duration) *MemoryCache {
	return &MemoryCache{entries: map[string]memoryEntry{}, max: max, ttl: ttl, now: time.Now}
}

// Get returns the answer cached for key.
func (c *MemoryCache) Get(_ context.Context, key string) ([]byte, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	if !ok || c.now().Sub(e.at) > c.ttl {
		return nil, false, nil
	}
	return e.answer, true, nil
}

// Put keeps answer for key. When full, expired entries go first, then
// arbitrary ones: a cache miss costs one call, never a wrong verdict.
func (c *MemoryCache) Put(_ context.Context, key string, answer []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		now := c.now()
		for k, e := range c.entries {
			if now.Sub(e.at) > c.ttl || len(c.entries) >= c.max {
				delete(c.entries, k)
			}
		}
	}
	c.entries[key] = memoryEntry{answer: append([]byte(nil), answer...), at: c.now()}
	return nil
}

// AnswerStore is the part of store.Store that caches LLM answers.
type AnswerStore interface {
	CachedAnswer(ctx context.Context, input string) ([]byte, bool, error)
	CacheAnswer(ctx context.Context, input string, answer []byte) error
}

// StoreCache adapts the store's LLM answer cache (Redis, shared by the
// bot's replicas, with the store's TTL) to Cache.
func StoreCache(s AnswerStore) Cache { return storeCache{s} }

type storeCache struct{ store AnswerStore }

func (c storeCache) Get(ctx context.Context, key string) ([]byte, bool, error) {
	return c.store.CachedAnswer(ctx, key)
}

func (c storeCache) Put(ctx context.Context, key string, answer []byte) error {
	return c.store.CacheAnswer(ctx, key, answer)
}
