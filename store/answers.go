package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
)

// A chat's answers are what the bot told it, by the id its buttons carry
// ("why / more", "I already did it"), so a press looks its answer up instead
// of reading the bot's own message back; the field lastAnswer names the
// latest, so the next burst can be a short update of it. The blobs are the
// caller's JSON, redacted here as everything the store keeps, compressed
// like the classifier state (a verdict is 5–7 KB of JSON, about a fifth
// of that deflated: most of a conversation's memory before), and live as
// long as the conversation.
const lastAnswer = "last"

// ErrNoAnswer is returned for an answer id the chat does not have: expired,
// forgotten, or never the chat's.
var ErrNoAnswer = errors.New("answer not found (expired or forgotten)")

func (s *Store) answersKey(chat int64) string { return s.chatKey(chat, "answers") }

// SaveAnswer keeps the answer id of chat and makes it the latest.
func (s *Store) SaveAnswer(ctx context.Context, chat int64, id string, blob []byte) error {
	if id == lastAnswer {
		return fmt.Errorf("save answer of chat %d: %q is not an answer id", chat, id)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := s.answersKey(chat)
	_, err := s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, key, id, pack(redact.JSON(blob)), lastAnswer, id)
		pipe.PExpire(ctx, key, s.cfg.TTL)
		return nil
	})
	if err != nil {
		return fmt.Errorf("save answer of chat %d: %w", chat, err)
	}
	return nil
}

// Answer returns the answer id of chat, or ErrNoAnswer.
func (s *Store) Answer(ctx context.Context, chat int64, id string) ([]byte, error) {
	if id == lastAnswer || id == "" {
		return nil, ErrNoAnswer
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	blob, err := s.client.HGet(ctx, s.answersKey(chat), id).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, ErrNoAnswer
	}
	if err != nil {
		return nil, fmt.Errorf("read answer %s of chat %d: %w", id, chat, err)
	}
	if blob, err = unpack(blob); err != nil {
		return nil, fmt.Errorf("read answer %s of chat %d: %w", id, chat, err)
	}
	return blob, nil
}

// LastAnswer returns chat's latest answer and its id, or ErrNoAnswer when
// the conversation has none yet (a new one after /new, or none at all).
func (s *Store) LastAnswer(ctx context.Context, chat int64) (string, []byte, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	id, err := s.client.HGet(ctx, s.answersKey(chat), lastAnswer).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil, ErrNoAnswer
	}
	if err != nil {
		return "", nil, fmt.Errorf("read last answer of chat %d: %w", chat, err)
	}
	blob, err := s.Answer(ctx, chat, id)
	return id, blob, err
}
