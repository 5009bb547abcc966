package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Unpack returns a blob as the store wrote it before compression: the
// classifier state and verdict in a chat's conv hash are deflated above a
// size (see compress.go). Blobs that were stored uncompressed come back
// as they are. It is for code that reads raw keys: exports and the tests
// that scan everything stored.
func Unpack(stored []byte) ([]byte, error) { return unpack(stored) }

// Pack compresses a blob as the store does its own (deflate, when that
// makes it smaller; Unpack reverses it), for a package that keeps large
// JSON in keys of its own (review's case documents).
func Pack(blob []byte) []byte { return pack(blob) }

// StoredItem is one key the store holds about a person or a chat, as
// /mydata shows it.
type StoredItem struct {
	// Key is the Redis key without the configured prefix.
	Key string `json:"key"`
	// What says in words what the key is for.
	What string `json:"what"`
	// Expires is when Redis deletes the key by itself; nil when it has no
	// expiry (guardian links last until either side ends them).
	Expires *time.Time `json:"expires"`
	// Value is the key's content: a string, a list, a set's members or a
	// hash's fields, with compressed blobs unpacked and JSON kept as JSON.
	Value any `json:"value"`
}

// ChatRecords is what another package keeps in the store's Redis about a
// chat (package review: the chat's cases): DataOf lists those keys too and
// CaseCards returns their cards. The store declares it so that it never
// imports the package that owns those keys; the bot attaches the review
// queue with AttachChatRecords when it is built.
type ChatRecords interface {
	// ChatKeys returns the keys held about chat, each with what it is for.
	ChatKeys(ctx context.Context, chat int64) ([]KeyAbout, error)
	// Cards returns where chat's cases were posted as cards in moderators'
	// chats: {chat, message} pairs.
	Cards(ctx context.Context, chat int64) ([][2]int64, error)
}

// KeyAbout is one key (its full name, prefix included) and what it is for.
type KeyAbout struct {
	Key, What string
}

// chatRecords holds the attached ChatRecords (an atomic.Value needs one
// concrete type).
type chatRecords struct{ ChatRecords }

// AttachChatRecords makes DataOf and CaseCards include what r keeps about a
// chat. Attach before serving; a later call replaces r.
func (s *Store) AttachChatRecords(r ChatRecords) { s.records.Store(chatRecords{r}) }

func (s *Store) attached() ChatRecords {
	r, _ := s.records.Load().(chatRecords)
	return r.ChatRecords
}

// DataOf returns everything stored about chat and, when user is not 0,
// about user: the chat's conversation, settings and group budget, the keys
// the attached ChatRecords hold about it (review cases and their index),
// the user's guardian links both ways and this hour's and the last hour's
// LLM call counts. Pending guardian invitations (24 h, keyed by a random
// token) are not found by owner and are not listed. Keys that do not exist
// are left out.
func (s *Store) DataOf(ctx context.Context, chat, user int64) ([]StoredItem, error) {
	keys := []KeyAbout{
		{s.chatKey(chat, "msgs"), "the conversation's last messages, redacted"},
		{s.chatKey(chat, "conv"), "the classifier's state and verdict (redacted), message count, when a warning was sent"},
		{s.chatKey(chat, "settings"), "the chat's settings"},
		{s.chatKey(chat, "budget"), "group warnings sent this hour"},
		{s.answersKey(chat), "the last answers the bot gave (verdict with quotes redacted, language, region, which of the messages above each covered), for their buttons and for a review you ask for"},
		{s.screenshotsKey(chat), "screenshots being read: counts and the last one's messages (redacted), kept 10 minutes"},
		{s.chatKey(chat, "shot-budget"), "screenshots read this hour (a count)"},
		{s.burstKey(chat), "the messages you sent since the bot last answered, as sent (not redacted), until it answers them (1 hour at most)"},
		{s.inboundKey(chat), "ids of your updates received and not yet read by the bot"},
		{s.answeredKey(chat), "ids of your last messages the bot answered, so that none is answered twice (1 hour)"},
	}
	if records := s.attached(); records != nil {
		theirs, err := records.ChatKeys(ctx, chat)
		if err != nil {
			return nil, err
		}
		keys = append(keys, theirs...)
	}
	if user != 0 {
		hour := time.Now().Unix() / 3600
		keys = append(keys,
			KeyAbout{s.guardiansKey(user), "your guardians: their user ids and display names"},
			KeyAbout{s.wardsKey(user), "the people you are a guardian of: user ids and display names"},
		)
		for _, h := range []int64{hour, hour - 1} {
			keys = append(keys, KeyAbout{s.cfg.Prefix + "{llm-budget}:u:" + strconv.FormatInt(user, 10) + ":" + strconv.FormatInt(h, 10), "your LLM checks in one hour (a count)"})
		}
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	var items []StoredItem
	for _, k := range keys {
		item, found, err := s.readItem(ctx, k.Key)
		if err != nil {
			return nil, err
		}
		if found {
			item.What = k.What
			items = append(items, item)
		}
	}
	return items, nil
}

// readItem reads one key whatever its type.
func (s *Store) readItem(ctx context.Context, key string) (StoredItem, bool, error) {
	item := StoredItem{Key: strings.TrimPrefix(key, s.cfg.Prefix)}
	kind, err := s.client.Type(ctx, key).Result()
	if err != nil {
		return item, false, fmt.Errorf("read %s: %w", item.Key, err)
	}
	switch kind {
	case "none":
		return item, false, nil
	case "string":
		v, err := s.client.Get(ctx, key).Result()
		if err != nil {
			return item, false, fmt.Errorf("read %s: %w", item.Key, err)
		}
		item.Value = readable(v)
	case "hash":
		fields, err := s.client.HGetAll(ctx, key).Result()
		if err != nil {
			return item, false, fmt.Errorf("read %s: %w", item.Key, err)
		}
		values := map[string]any{}
		for f, v := range fields {
			values[f] = readable(v)
		}
		item.Value = values
	case "list":
		entries, err := s.client.LRange(ctx, key, 0, -1).Result()
		if err != nil {
			return item, false, fmt.Errorf("read %s: %w", item.Key, err)
		}
		values := make([]any, len(entries))
		for i, v := range entries {
			values[i] = readable(v)
			if strings.HasSuffix(key, ":msgs") {
				// The window's entries are a header line and the text
				// (encodeEntry): shown as messages with named fields.
				if e, err := decodeEntry(v); err == nil {
					values[i] = e
				}
			}
		}
		item.Value = values
	case "set":
		members, err := s.client.SMembers(ctx, key).Result()
		if err != nil {
			return item, false, fmt.Errorf("read %s: %w", item.Key, err)
		}
		item.Value = members
	default:
		item.Value = "(" + kind + ")"
	}
	ttl, err := s.client.PTTL(ctx, key).Result()
	if err != nil {
		return item, false, fmt.Errorf("read the expiry of %s: %w", item.Key, err)
	}
	if ttl > 0 {
		at := time.Now().Add(ttl).UTC().Truncate(time.Second)
		item.Expires = &at
	}
	return item, true, nil
}

// readable unpacks a compressed blob and keeps JSON as JSON, so that the
// person reading the export sees text, not bytes.
func readable(v string) any {
	blob, err := unpack([]byte(v))
	if err != nil {
		return v
	}
	if json.Valid(blob) && len(blob) > 0 && (blob[0] == '{' || blob[0] == '[') {
		return json.RawMessage(blob)
	}
	return string(blob)
}

// CaseCards returns where the chat's review cases were posted as cards in
// moderators' chats, so that forgetting the chat deletes those copies too:
// what the attached ChatRecords say, nothing when none is attached.
func (s *Store) CaseCards(ctx context.Context, chat int64) ([][2]int64, error) {
	records := s.attached()
	if records == nil {
		return nil, nil
	}
	return records.Cards(ctx, chat)
}
