package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
)

// FirstDelivery reports whether updateID is seen for the first time
// (long polling; the webhook's intake de-duplicates on its own), so that
// an update a restarted poller reads again is handled once. It remembers
// the last IntakeSeen update ids in one sorted set (`{intake}:polled`),
// the intake's rule: a bounded cost for the whole bot, not a key per
// update; an id below the lowest remembered one, once the set is full, is
// an old repeat (Telegram numbers updates in increasing order).
func (s *Store) FirstDelivery(ctx context.Context, updateID int64) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := seenScript.Run(ctx, s.client, []string{s.polledKey()}, updateID, IntakeSeen, polledTTL.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("de-duplicate update %d: %w", updateID, err)
	}
	return n == 1, nil
}

// polledTTL is how long the long-polling de-duplication set outlives the
// last update: longer than Telegram keeps an unconfirmed update.
const polledTTL = 24 * time.Hour

func (s *Store) polledKey() string { return s.cfg.Prefix + "{intake}:polled" }

// seenScript is the intake's de-duplication alone: 1 and remembered when
// ARGV[1] is new, 0 for a repeat. KEYS: the set. ARGV: id, how many to
// keep, TTL ms.
var seenScript = redis.NewScript(rememberNewID("KEYS[1]", "ARGV[2]") + `
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`)

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

// llmCallKey marks conversation's LLM call, under the chat's hash tag
// (conversation is the chat id): "in-flight" while one replica calls the
// model, then "done" for the debounce interval.
func (s *Store) llmCallKey(conversation string) string {
	return s.cfg.Prefix + "{c:" + conversation + "}:llm"
}

// ClaimLLMCall marks conversation's LLM call in flight for at most hold
// (SET NX PX) and reports whether this caller got it: false while another
// replica's call is in flight or one ended less than the debounce interval
// ago (EndLLMCall). The mark holds no text.
func (s *Store) ClaimLLMCall(ctx context.Context, conversation string, hold time.Duration) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	err := s.client.SetArgs(ctx, s.llmCallKey(conversation), "in-flight", redis.SetArgs{Mode: "NX", TTL: hold}).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("claim the LLM call of conversation %s: %w", conversation, err)
	}
	return true, nil
}

// EndLLMCall ends conversation's claimed LLM call: no replica calls the
// model for it again within interval (0: at once).
func (s *Store) EndLLMCall(ctx context.Context, conversation string, interval time.Duration) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var err error
	if interval <= 0 {
		err = s.client.Del(ctx, s.llmCallKey(conversation)).Err()
	} else {
		err = s.client.Set(ctx, s.llmCallKey(conversation), "done", interval).Err()
	}
	if err != nil {
		return fmt.Errorf("end the LLM call of conversation %s: %w", conversation, err)
	}
	return nil
}
