package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
)

// FirstDelivery reports whether updateID is seen for the first time, and
// remembers it for DedupTTL (SET NX EX), so that an update Telegram
// delivers twice, or that two replicas receive, is handled once. The key
// holds no chat data, so it lies outside the chat's keys.
func (s *Store) FirstDelivery(ctx context.Context, updateID int64) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := s.cfg.Prefix + "update:" + strconv.FormatInt(updateID, 10)
	err := s.client.SetArgs(ctx, key, "1", redis.SetArgs{Mode: "NX", TTL: s.cfg.DedupTTL}).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("de-duplicate update %d: %w", updateID, err)
	}
	return true, nil
}

// cacheKey hashes the LLM's input (prompt version and normalised window):
// the key stays short whatever the conversation, and holds no text.
func (s *Store) cacheKey(input string) string {
	sum := sha256.Sum256([]byte(input))
	return s.cfg.Prefix + "llm:" + hex.EncodeToString(sum[:])
}

// CachedAnswer returns the LLM answer cached for input, if any.
func (s *Store) CachedAnswer(ctx context.Context, input string) ([]byte, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	answer, err := s.client.Get(ctx, s.cacheKey(input)).Bytes()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, false, nil
	case err != nil:
		return nil, false, fmt.Errorf("read cached LLM answer: %w", err)
	}
	return answer, true, nil
}

// CacheAnswer keeps the LLM's answer for input for CacheTTL.
func (s *Store) CacheAnswer(ctx context.Context, input string, answer []byte) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	// A model's reasons may repeat a number or a name from the messages.
	if err := s.client.Set(ctx, s.cacheKey(input), redact.JSON(answer), s.cfg.CacheTTL).Err(); err != nil {
		return fmt.Errorf("cache LLM answer: %w", err)
	}
	return nil
}

// Count adds by to the named counter, shared by all replicas. The counters
// live in one hash whose size is the set of names the code uses.
func (s *Store) Count(ctx context.Context, name string, by int64) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.client.HIncrBy(ctx, s.cfg.Prefix+"counters", name, by).Err(); err != nil {
		return fmt.Errorf("count %s: %w", name, err)
	}
	return nil
}

// Counters returns every counter.
func (s *Store) Counters(ctx context.Context) (map[string]int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	raw, err := s.client.HGetAll(ctx, s.cfg.Prefix+"counters").Result()
	if err != nil {
		return nil, fmt.Errorf("read counters: %w", err)
	}
	counters := make(map[string]int64, len(raw))
	for name, value := range raw {
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("counter %s holds %q: %w", name, value, err)
		}
		counters[name] = n
	}
	return counters, nil
}
