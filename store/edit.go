package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"
)

// editScript replaces the stored message whose id is ARGV[1] and rewinds
// the classifier state to before the window, so that the caller reads the
// whole window again with the new text. The classifier state is a running
// sum that cannot take one message out, so an edit costs classifying the
// window again (at most Config.Window messages).
//
// KEYS: msgs, conv. ARGV: id, new entry (encodeEntry; an entry stored
// before it is JSON starting with the id), TTL ms.
// Returns {found (0|1), the verdict before the edit or ""}: the state field
// when it holds the verdict too (packConversation), else the verdict field
// of a conversation saved before.
var editScript = redis.NewScript(`
local prefix, old = ARGV[1] .. ' ', '{"id":' .. ARGV[1] .. ','
local items = redis.call("LRANGE", KEYS[1], 0, -1)
for i, item in ipairs(items) do
  if string.sub(item, 1, #prefix) == prefix or string.sub(item, 1, #old) == old then
    redis.call("LSET", KEYS[1], i - 1, ARGV[2])
    local seq = tonumber(redis.call("HGET", KEYS[2], "seq") or "0")
    local verdict = redis.call("HGET", KEYS[2], "verdict") or redis.call("HGET", KEYS[2], "state") or ""
    redis.call("HDEL", KEYS[2], "state", "verdict")
    redis.call("HSET", KEYS[2], "state_seq", seq - #items)
    redis.call("PEXPIRE", KEYS[1], ARGV[3])
    redis.call("PEXPIRE", KEYS[2], ARGV[3])
    return {1, verdict}
  end
end
return {0, ""}
`)

// ErrNotInWindow is returned by Edit when the edited message is no longer
// (or never was) in the conversation's window.
var ErrNotInWindow = errors.New("message is not in the conversation window")

// Edit replaces the message with msg.ID in chat's window by msg and
// rewinds the classifier state to before the window, so that the caller
// classifies the whole window again (Load, then Save with BaseSeq the
// rewound StateSeq). It returns the verdict saved before the edit (nil when
// there was none). An edit of a message that has left the window returns
// ErrNotInWindow and changes nothing.
func (s *Store) Edit(ctx context.Context, chat int64, msg Entry) (before []byte, err error) {
	if msg.ID == 0 {
		return nil, fmt.Errorf("edit message in chat %d: %w", chat, ErrNotInWindow)
	}
	stored, err := encodeEntry(msg)
	if err != nil {
		return nil, fmt.Errorf("edit message in chat %d: %w", chat, err)
	}
	bounded, cancel := s.bound(ctx)
	defer cancel()
	reply, err := editScript.Run(bounded, s.client, []string{s.chatKey(chat, "msgs"), s.chatKey(chat, "conv")},
		strconv.FormatInt(msg.ID, 10), string(stored), s.cfg.TTL.Milliseconds()).Slice()
	if err != nil {
		return nil, fmt.Errorf("edit message %d in chat %d: %w", msg.ID, chat, err)
	}
	if found, _ := reply[0].(int64); found == 0 {
		return nil, fmt.Errorf("edit message %d in chat %d: %w", msg.ID, chat, ErrNotInWindow)
	}
	if old, _ := reply[1].(string); old != "" {
		state, verdict, combined, err := unpackConversation([]byte(old))
		if err != nil {
			return nil, fmt.Errorf("edit message %d in chat %d: decode verdict: %w", msg.ID, chat, err)
		}
		before = verdict
		if !combined {
			before = state // the verdict field of an older save
		}
	}
	return before, nil
}
