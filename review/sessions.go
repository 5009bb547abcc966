package review

// Console sign-in state: one-time sign-in link nonces and sessions, under
// the {review} hash tag beside the cases (see storage.go's key table).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// SaveLoginNonce remembers a console sign-in link's nonce for ttl.
func (s *storage) SaveLoginNonce(ctx context.Context, nonce string, moderator int64, ttl time.Duration) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.Client.Set(ctx, s.key("login:"+nonce), moderator, ttl).Err(); err != nil {
		return fmt.Errorf("save sign-in link: %w", err)
	}
	return nil
}

// ConsumeLoginNonce deletes a sign-in nonce and returns the moderator it
// was issued to; ok is false when it was used already or expired, so a
// link signs in once.
func (s *storage) ConsumeLoginNonce(ctx context.Context, nonce string) (moderator int64, ok bool, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	value, err := s.Client.GetDel(ctx, s.key("login:"+nonce)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return 0, false, nil
	case err != nil:
		return 0, false, fmt.Errorf("use sign-in link: %w", err)
	}
	moderator, err = strconv.ParseInt(value, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("sign-in link holds %q: %w", value, err)
	}
	return moderator, true, nil
}

// sessionKey stores a session under the hash of its cookie value, so that
// reading Redis does not hand out live sessions.
func (s *storage) sessionKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return s.key("session:" + hex.EncodeToString(sum[:]))
}

// SaveSession stores a console session for ttl.
func (s *storage) SaveSession(ctx context.Context, token string, moderator int64, csrf string, ttl time.Duration) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := s.sessionKey(token)
	_, err := s.Client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, key, "moderator", moderator, "csrf", csrf)
		pipe.PExpire(ctx, key, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save console session: %w", err)
	}
	return nil
}

// Session returns the moderator and CSRF token of a console session; ok is
// false when there is none (expired, signed out, never issued).
func (s *storage) Session(ctx context.Context, token string) (moderator int64, csrf string, ok bool, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	fields, err := s.Client.HGetAll(ctx, s.sessionKey(token)).Result()
	if err != nil {
		return 0, "", false, fmt.Errorf("read console session: %w", err)
	}
	if len(fields) == 0 {
		return 0, "", false, nil
	}
	moderator, err = strconv.ParseInt(fields["moderator"], 10, 64)
	if err != nil {
		return 0, "", false, fmt.Errorf("console session holds moderator %q: %w", fields["moderator"], err)
	}
	return moderator, fields["csrf"], true, nil
}

// DeleteSession ends a console session.
func (s *storage) DeleteSession(ctx context.Context, token string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.Client.Del(ctx, s.sessionKey(token)).Err(); err != nil {
		return fmt.Errorf("end console session: %w", err)
	}
	return nil
}
