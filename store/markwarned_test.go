package store

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

// Test-only: the bot marks warnings with MarkGroupWarned (groups.go); the
// tests of Load's WarnedAt use this plain form.

// MarkWarned records that a warning was sent in chat at time at, so that
// the bot does not repeat it too soon.
func (s *Store) MarkWarned(ctx context.Context, chat int64, at time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := s.chatKey(chat, "conv")
	_, err := s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, key, "warned_at", at.UnixMilli())
		pipe.PExpire(ctx, key, s.cfg.TTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark warning sent in chat %d: %w", chat, err)
	}
	return nil
}
