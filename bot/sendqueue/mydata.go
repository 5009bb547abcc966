package sendqueue

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
	"github.com/scamguard/scamguard/store"
)

// Waiting is one queued message as /mydata shows it.
type Waiting struct {
	// What names the call ("reply", "warning", "mydata", …).
	What string `json:"what"`
	// Method is the Bot API method it will call.
	Method string `json:"method"`
	// Queued is when it was queued.
	Queued time.Time `json:"queued"`
	// Params are the call's parameters with every string redacted, as
	// the rest of the file is: a queued answer quotes the chat's messages
	// as received.
	Params json.RawMessage `json:"params"`
	// File names a file sent with the call and its size; its content is
	// left out (it is an earlier /mydata file).
	File string `json:"file,omitempty"`
}

// DataOf returns what the queue keeps about chat, for /mydata: the
// messages waiting to be sent (redacted), the chat's claim and pace, and
// the keys of the messages sent in the last SentTTL (no text). Keys that
// do not exist are left out; Key is without the configured prefix.
func (q *Queue) DataOf(ctx context.Context, chat int64) ([]store.StoredItem, error) {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	pipe := q.cfg.Keyspace.Client.Pipeline()
	list := pipe.LRange(ctx, q.keys.list(chat), 0, -1)
	meta := pipe.HGetAll(ctx, q.keys.meta(chat))
	sent := pipe.ZRangeWithScores(ctx, q.keys.sent(chat), 0, -1)
	var ttls []*redis.DurationCmd
	for _, key := range q.keys.chatKeys(chat) {
		ttls = append(ttls, pipe.PTTL(ctx, key))
	}
	if _, err := pipe.Exec(ctx); err != nil && err != redis.Nil {
		return nil, fmt.Errorf("read the send queue of chat %d: %w", chat, err)
	}
	var items []store.StoredItem
	add := func(i int, what string, value any) {
		item := store.StoredItem{Key: strings.TrimPrefix(q.keys.chatKeys(chat)[i], q.cfg.Keyspace.Prefix), What: what, Value: value}
		if ttl := ttls[i].Val(); ttl > 0 {
			at := time.Now().Add(ttl).UTC().Truncate(time.Second)
			item.Expires = &at
		}
		items = append(items, item)
	}
	if records := list.Val(); len(records) > 0 {
		waiting := make([]Waiting, 0, len(records))
		for _, raw := range records {
			waiting = append(waiting, waitingOf(raw))
		}
		add(0, "messages the bot is about to send you, first to go first (texts redacted here; they are stored as sent, until Telegram accepted them, 1 hour at most)", waiting)
	}
	if fields := meta.Val(); len(fields) > 0 {
		add(1, "which replica is sending your next message and until when (ms), when the next may go (ms), attempts", fields)
	}
	if marks := sent.Val(); len(marks) > 0 {
		keys := make(map[string]time.Time, len(marks))
		for _, z := range marks {
			member, _ := z.Member.(string)
			keys[member] = time.UnixMilli(int64(z.Score)).UTC()
		}
		add(2, "keys of the messages sent to you and when, so that none is sent twice (no text)", keys)
	}
	return items, nil
}

// waitingOf is a queued record as /mydata shows it; one that does not
// decode is shown as "(unreadable)", never raw.
func waitingOf(raw string) Waiting {
	var rec record
	if err := json.Unmarshal([]byte(raw), &rec); err != nil {
		return Waiting{What: "(unreadable)"}
	}
	w := Waiting{What: rec.What, Method: rec.Method, Queued: time.UnixMilli(rec.Queued).UTC(), Params: redact.JSON(rec.Params)}
	if rec.Upload != nil {
		w.File = fmt.Sprintf("%s (%d bytes)", rec.Upload.Filename, len(rec.Upload.Data))
	}
	return w
}
