package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
)

// A chat's answers are what the bot told it, by the id its buttons carry
// ("why / more", "I already did it", the review buttons), so a press looks
// its answer up instead of reading the bot's own message back; the latest
// lets the next burst be a short update of it. The blobs are the caller's
// JSON, redacted here as everything the store keeps, and live as long as
// the conversation.
//
// All of a chat's answers are one deflated document in the hash's field
// allAnswers, oldest first, with a version (answersVersion) that saves
// compare and set. The answers of one conversation quote the same phrases
// and name the same signals again and again: compressed together, five
// cost about what one did compressed alone (a field per answer: 4.2 KB of
// the 8.8 KB a 20-message conversation took; one document: under 1 KB).
// Only the last KeptAnswers are kept: buttons are pressed on the latest
// answers, and a press on an older one hears that it expired.
//
// A hash written before holds a field per answer id and lastAnswer naming
// the latest: it is still read, and the next save moves its answers into
// the document.
const (
	allAnswers     = "all"
	answersVersion = "ver"
	lastAnswer     = "last"
	// answersOrder lists the answers FinishBurst kept in fields of their
	// own, oldest first, so that it keeps only the newest KeptAnswers.
	answersOrder = "order"
)

// KeptAnswers is how many answers of a chat the store keeps (SaveAnswer
// drops the oldest beyond it).
const KeptAnswers = 8

// maxAnswerAttempts bounds SaveAnswer's compare-and-set retries: a
// conflict needs two replicas answering one chat at the same moment.
const maxAnswerAttempts = 5

// ErrNoAnswer is returned for an answer id the chat does not have: expired,
// forgotten, or never the chat's.
var ErrNoAnswer = errors.New("answer not found (expired or forgotten)")

func (s *Store) answersKey(chat int64) string { return s.chatKey(chat, "answers") }

// keptAnswer is one answer in the allAnswers document: [id, answer].
type keptAnswer struct {
	ID   string
	Blob json.RawMessage
}

func (a keptAnswer) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{a.ID, a.Blob})
}

func (a *keptAnswer) UnmarshalJSON(blob []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(blob, &pair); err != nil {
		return err
	}
	if len(pair) != 2 {
		return fmt.Errorf("a kept answer has %d parts, want 2", len(pair))
	}
	a.Blob = pair[1]
	return json.Unmarshal(pair[0], &a.ID)
}

// keptAnswers is a chat's answers hash as read: the answers, oldest first,
// and the version to compare a save with.
type keptAnswers struct {
	answers []keptAnswer
	version string
}

func (k keptAnswers) find(id string) int {
	for i, a := range k.answers {
		if a.ID == id {
			return i
		}
	}
	return -1
}

// readAnswers reads chat's answers: the document, then the answers kept
// in fields of their own — by FinishBurst since the document was last
// written (which drops every field), so newer than it, in the order its
// "order" field lists; or by a hash from before the document, the latest
// named by lastAnswer, the others before it in no known order.
func (s *Store) readAnswers(ctx context.Context, chat int64) (keptAnswers, error) {
	fields, err := s.client.HGetAll(ctx, s.answersKey(chat)).Result()
	if err != nil {
		return keptAnswers{}, err
	}
	kept := keptAnswers{version: fields[answersVersion]}
	if all := fields[allAnswers]; all != "" {
		blob, err := unpack([]byte(all))
		if err != nil {
			return kept, fmt.Errorf("decode answers: %w", err)
		}
		if err := json.Unmarshal(blob, &kept.answers); err != nil {
			return kept, fmt.Errorf("decode answers: %w", err)
		}
	}
	order := strings.Fields(fields[answersOrder])
	rank := func(id string) int {
		switch i := slices.Index(order, id); {
		case i >= 0:
			return i
		case id == fields[lastAnswer]:
			return len(order)
		}
		return -1 // unlisted, from before: first
	}
	var newer []keptAnswer
	for field, value := range fields {
		if field == allAnswers || field == answersVersion || field == lastAnswer || field == answersOrder || kept.find(field) >= 0 {
			continue
		}
		blob, err := unpack([]byte(value))
		if err != nil || !json.Valid(blob) {
			continue // unreadable: its buttons answer that it expired
		}
		newer = append(newer, keptAnswer{ID: field, Blob: blob})
	}
	slices.SortStableFunc(newer, func(a, b keptAnswer) int { return rank(a.ID) - rank(b.ID) })
	kept.answers = append(kept.answers, newer...)
	return kept, nil
}

// saveAnswersScript writes the answers document if no other writer saved
// since it was read, and deletes the fields of a hash written before.
//
// KEYS: answers. ARGV: version read ("" when none), document, TTL ms.
// Returns 1 when saved, 0 on conflict.
var saveAnswersScript = redis.NewScript(`
if (redis.call("HGET", KEYS[1], "ver") or "") ~= ARGV[1] then return 0 end
for _, field in ipairs(redis.call("HKEYS", KEYS[1])) do
  if field ~= "all" and field ~= "ver" then redis.call("HDEL", KEYS[1], field) end
end
redis.call("HSET", KEYS[1], "all", ARGV[2], "ver", tonumber(ARGV[1] ~= "" and ARGV[1] or "0") + 1)
redis.call("PEXPIRE", KEYS[1], ARGV[3])
return 1
`)

// changeAnswers reads chat's answers, lets change edit them (false: no
// write) and saves them with a compare-and-set, again on a conflict.
func (s *Store) changeAnswers(ctx context.Context, chat int64, change func(*keptAnswers) bool) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	for range maxAnswerAttempts {
		kept, err := s.readAnswers(ctx, chat)
		if err != nil {
			return err
		}
		if !change(&kept) {
			return nil
		}
		doc, err := json.Marshal(kept.answers)
		if err != nil {
			return fmt.Errorf("encode answers: %w", err)
		}
		saved, err := saveAnswersScript.Run(ctx, s.client, []string{s.answersKey(chat)}, kept.version, pack(doc), s.cfg.TTL.Milliseconds()).Int()
		if err != nil {
			return err
		}
		if saved == 1 {
			return nil
		}
	}
	return fmt.Errorf("%w after %d attempts", ErrConflict, maxAnswerAttempts)
}

// CompactAnswers folds the answers FinishBurst kept in fields of their own
// into the one compressed document (two round trips): each costs its own
// compression there, the document shares one across answers.
func (s *Store) CompactAnswers(ctx context.Context, chat int64) error {
	err := s.changeAnswers(ctx, chat, func(kept *keptAnswers) bool {
		if extra := len(kept.answers) - KeptAnswers; extra > 0 {
			kept.answers = kept.answers[extra:]
		}
		return len(kept.answers) > 0
	})
	if err != nil {
		return fmt.Errorf("compact the answers of chat %d: %w", chat, err)
	}
	return nil
}

// SaveAnswer keeps the answer id of chat and makes it the latest; the
// oldest answers beyond KeptAnswers go.
func (s *Store) SaveAnswer(ctx context.Context, chat int64, id string, blob []byte) error {
	blob = redact.JSON(blob)
	if id == "" || !json.Valid(blob) {
		return fmt.Errorf("save answer %q of chat %d: want an id and a JSON answer", id, chat)
	}
	err := s.changeAnswers(ctx, chat, func(kept *keptAnswers) bool {
		if i := kept.find(id); i >= 0 {
			kept.answers = append(kept.answers[:i], kept.answers[i+1:]...)
		}
		kept.answers = append(kept.answers, keptAnswer{ID: id, Blob: blob})
		if extra := len(kept.answers) - KeptAnswers; extra > 0 {
			kept.answers = kept.answers[extra:]
		}
		return true
	})
	if err != nil {
		return fmt.Errorf("save answer of chat %d: %w", chat, err)
	}
	return nil
}

// ReplaceAnswer changes answer id of chat (the user's 👍 on it, say)
// without making it the latest; ErrNoAnswer when it is not kept.
func (s *Store) ReplaceAnswer(ctx context.Context, chat int64, id string, blob []byte) error {
	blob = redact.JSON(blob)
	if !json.Valid(blob) {
		return fmt.Errorf("change answer %s of chat %d: not JSON", id, chat)
	}
	found := false
	err := s.changeAnswers(ctx, chat, func(kept *keptAnswers) bool {
		i := kept.find(id)
		if found = i >= 0; found {
			kept.answers[i].Blob = blob
		}
		return found
	})
	switch {
	case err != nil:
		return fmt.Errorf("change answer %s of chat %d: %w", id, chat, err)
	case !found:
		return ErrNoAnswer
	}
	return nil
}

// Answer returns the answer id of chat, or ErrNoAnswer.
func (s *Store) Answer(ctx context.Context, chat int64, id string) ([]byte, error) {
	if id == "" {
		return nil, ErrNoAnswer
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	kept, err := s.readAnswers(ctx, chat)
	if err != nil {
		return nil, fmt.Errorf("read answer %s of chat %d: %w", id, chat, err)
	}
	i := kept.find(id)
	if i < 0 {
		return nil, ErrNoAnswer
	}
	return kept.answers[i].Blob, nil
}

// LastAnswer returns chat's latest answer and its id, or ErrNoAnswer when
// the conversation has none yet (a new one after /new, or none at all).
func (s *Store) LastAnswer(ctx context.Context, chat int64) (string, []byte, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	kept, err := s.readAnswers(ctx, chat)
	if err != nil {
		return "", nil, fmt.Errorf("read last answer of chat %d: %w", chat, err)
	}
	if len(kept.answers) == 0 {
		return "", nil, ErrNoAnswer
	}
	last := kept.answers[len(kept.answers)-1]
	return last.ID, last.Blob, nil
}
