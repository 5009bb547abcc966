package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Group chats keep, besides a chat's usual keys (msgs, conv, settings):
//
//	<prefix>{c:<chat>}:conv      hash   + warned_level: the level last warned about
//	<prefix>{c:<chat>}:budget    string warnings sent in the current hour   1h TTL
//	<prefix>{c:<chat>}:warned    hash   scam kind → "<unix ms> <level>"     cool-down TTL
//
// warned_level lives in the conversation's hash so that it ends with the
// conversation (expiry, a new thread), like warned_at. The warned hash is
// the cool-down per scam kind (type and brand): it outlives a thread, and
// expires a cool-down after the latest warning, so it holds only the kinds
// warned about recently.

// fieldWarnedLevel is the conversation hash's field for the level warned about.
const fieldWarnedLevel = "warned_level"

// groupKeys are every key a group chat owns, for ForgetGroup and MoveChat.
func (s *Store) groupKeys(chat int64) []string {
	// The cool-down (warned) comes last: MoveChat moves the first four
	// and lets it go, as a migrated group may hear one warning again.
	return append(s.chatKeys(chat), s.chatKey(chat, "budget"), s.chatKey(chat, "warned"))
}

// GroupWarning is the last warning of one scam kind in a group.
type GroupWarning struct {
	// At is when it was sent.
	At time.Time
	// Level is the level it warned at.
	Level string
}

// MarkGroupWarned records that a warning at level about the scam kind was
// sent in chat at time at: the thread's last warning, and the kind's, which
// keeps its cool-down in the store for cooldown.
func (s *Store) MarkGroupWarned(ctx context.Context, chat int64, kind string, at time.Time, level string, cooldown time.Duration) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	conv, warned := s.chatKey(chat, "conv"), s.chatKey(chat, "warned")
	_, err := s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		pipe.HSet(ctx, conv, "warned_at", at.UnixMilli(), fieldWarnedLevel, level)
		pipe.PExpire(ctx, conv, s.cfg.TTL)
		if cooldown > 0 {
			pipe.HSet(ctx, warned, kind, strconv.FormatInt(at.UnixMilli(), 10)+" "+level)
			pipe.PExpire(ctx, warned, cooldown)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("mark warning sent in group %d: %w", chat, err)
	}
	return nil
}

// claimGroupWarningScript takes the right to warn chat about a scam kind at
// a level: refused while the kind's last warning is within the cool-down at
// the same or a higher level, so that of two replicas deciding at once on
// the same group only one sends (a rise, suspicious → scam, is a new
// warning).
//
// KEYS: warned. ARGV: kind, now ms, level, cool-down ms. Returns 1 when
// claimed (and recorded), 0 when another warning covers it.
var claimGroupWarningScript = redis.NewScript(`
local rank = {none = 0, suspicious = 1, scam = 2}
local last = redis.call("HGET", KEYS[1], ARGV[1])
if last then
  local at, level = string.match(last, "^(%d+) (%a+)$")
  if at and tonumber(at) > tonumber(ARGV[2]) - tonumber(ARGV[4]) and (rank[level] or 0) >= (rank[ARGV[3]] or 0) then
    return 0
  end
end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2] .. " " .. ARGV[3])
redis.call("PEXPIRE", KEYS[1], ARGV[4])
return 1
`)

// ClaimGroupWarning reports whether a warning about the scam kind at level
// may be sent in chat now, and if so records it in the kind's cool-down
// (MarkGroupWarned records the thread's side after sending). cooldown <= 0
// claims everything.
func (s *Store) ClaimGroupWarning(ctx context.Context, chat int64, kind, level string, at time.Time, cooldown time.Duration) (bool, error) {
	if cooldown <= 0 {
		return true, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	claimed, err := claimGroupWarningScript.Run(ctx, s.client, []string{s.chatKey(chat, "warned")}, kind, at.UnixMilli(), level, cooldown.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("claim warning of group %d: %w", chat, err)
	}
	return claimed == 1, nil
}

// GroupWarnings returns the scam kinds chat was warned about in the last
// cooldown, each with its last warning.
func (s *Store) GroupWarnings(ctx context.Context, chat int64, cooldown time.Duration) (map[string]GroupWarning, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	fields, err := s.client.HGetAll(ctx, s.chatKey(chat, "warned")).Result()
	if err != nil {
		return nil, fmt.Errorf("read the warnings of group %d: %w", chat, err)
	}
	since := time.Now().Add(-cooldown)
	warnings := make(map[string]GroupWarning, len(fields))
	for kind, value := range fields {
		ms, level, ok := strings.Cut(value, " ")
		at, err := strconv.ParseInt(ms, 10, 64)
		if !ok || err != nil {
			continue // not ours: a cool-down is not worth failing a warning over
		}
		// The hash expires with its latest warning; older kinds in it
		// are past their cool-down already.
		if w := (GroupWarning{At: time.UnixMilli(at), Level: level}); w.At.After(since) {
			warnings[kind] = w
		}
	}
	return warnings, nil
}

// WarnedLevel returns the level last warned about in chat's conversation,
// empty when none was.
func (s *Store) WarnedLevel(ctx context.Context, chat int64) (string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	level, err := s.client.HGet(ctx, s.chatKey(chat, "conv"), fieldWarnedLevel).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read warned level of group %d: %w", chat, err)
	}
	return level, nil
}

// groupBudgetScript counts one warning if the hour's count is below the cap.
// The hour starts with its first warning (a fixed window by TTL).
//
// KEYS: budget. ARGV: cap, window ms. Returns 1 when allowed, 0 when not.
var groupBudgetScript = redis.NewScript(`
local used = tonumber(redis.call("GET", KEYS[1]) or "0")
if used >= tonumber(ARGV[1]) then return 0 end
if redis.call("INCR", KEYS[1]) == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 1
`)

// AllowGroupWarning counts a warning against chat's hourly budget of
// perHour and reports whether it may be sent; a refused warning counts
// nothing. perHour <= 0 allows everything.
func (s *Store) AllowGroupWarning(ctx context.Context, chat int64, perHour int) (bool, error) {
	if perHour <= 0 {
		return true, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	allowed, err := groupBudgetScript.Run(ctx, s.client, []string{s.chatKey(chat, "budget")}, perHour, time.Hour.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("count warning of group %d: %w", chat, err)
	}
	return allowed == 1, nil
}

// MarkOnce sets a flag named name on chat's conversation and reports
// whether it was not set before, so that something happens once per
// conversation (a guardian alert, say). The flag ends with the
// conversation.
func (s *Store) MarkOnce(ctx context.Context, chat int64, name string) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := s.chatKey(chat, "conv")
	var set *redis.BoolCmd
	_, err := s.client.TxPipelined(ctx, func(pipe redis.Pipeliner) error {
		set = pipe.HSetNX(ctx, key, "once:"+name, "1")
		pipe.PExpire(ctx, key, s.cfg.TTL)
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("mark %s in chat %d: %w", name, chat, err)
	}
	return set.Val(), nil
}

// ForgetGroup deletes everything stored for a group chat (its Forget keys
// and its warning budget) with one DEL, and reports how many keys there were.
func (s *Store) ForgetGroup(ctx context.Context, chat int64) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	deleted, err := s.client.Del(ctx, s.groupKeys(chat)...).Result()
	if err != nil {
		return 0, fmt.Errorf("forget group %d: %w", chat, err)
	}
	return deleted, nil
}

// moveInScript writes a chat's copied keys into the new chat, key by key,
// only where the new chat has nothing yet: when both the old group's and
// the new supergroup's migration messages trigger a move, the second finds
// the keys there and changes nothing, and a conversation the new chat
// already started is never overwritten.
//
// KEYS: msgs, conv, settings, budget of the new chat. ARGV: conversation
// TTL ms, budget TTL ms, budget value ("" when none), then the window count
// n and n entries, then the conv field count m and m field/value pairs,
// then the settings pair count k and k pairs. Returns how many keys it wrote.
var moveInScript = redis.NewScript(`
local i = 4
local n = tonumber(ARGV[i]); i = i + 1
local written = 0
if n > 0 and redis.call("EXISTS", KEYS[1]) == 0 then
  for j = 0, n - 1 do redis.call("RPUSH", KEYS[1], ARGV[i + j]) end
  redis.call("PEXPIRE", KEYS[1], ARGV[1])
  written = written + 1
end
i = i + n
for k = 2, 3 do
  local m = tonumber(ARGV[i]); i = i + 1
  if m > 0 and redis.call("EXISTS", KEYS[k]) == 0 then
    for j = 0, m - 1 do redis.call("HSET", KEYS[k], ARGV[i + 2*j], ARGV[i + 2*j + 1]) end
    if k == 2 then redis.call("PEXPIRE", KEYS[k], ARGV[1]) end
    written = written + 1
  end
  i = i + 2 * m
end
if ARGV[3] ~= "" and redis.call("EXISTS", KEYS[4]) == 0 then
  redis.call("SET", KEYS[4], ARGV[3], "PX", ARGV[2])
  written = written + 1
end
return written
`)

// MoveChat moves everything stored for chat from to chat to, for a group
// that Telegram upgraded to a supergroup (a new chat id). The two chats'
// keys lie in different Cluster slots, so the move is a read of the old
// keys, a script that writes the new ones, and a DEL of the old; it is
// safe to run twice or concurrently. It reports whether anything was moved.
func (s *Store) MoveChat(ctx context.Context, from, to int64) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	old := s.groupKeys(from)
	var (
		window   *redis.StringSliceCmd
		conv     *redis.MapStringStringCmd
		settings *redis.MapStringStringCmd
		budget   *redis.StringCmd
		budgetMS *redis.DurationCmd
	)
	_, err := s.client.Pipelined(ctx, func(pipe redis.Pipeliner) error {
		window = pipe.LRange(ctx, old[0], 0, -1)
		conv = pipe.HGetAll(ctx, old[1])
		settings = pipe.HGetAll(ctx, old[2])
		budget = pipe.Get(ctx, old[3])
		budgetMS = pipe.PTTL(ctx, old[3])
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		return false, fmt.Errorf("read group %d to move it to %d: %w", from, to, err)
	}
	if len(window.Val()) == 0 && len(conv.Val()) == 0 && len(settings.Val()) == 0 && budget.Val() == "" {
		return false, nil
	}
	budgetTTL := budgetMS.Val()
	if budgetTTL <= 0 {
		budgetTTL = time.Hour
	}
	args := []any{s.cfg.TTL.Milliseconds(), budgetTTL.Milliseconds(), budget.Val(), len(window.Val())}
	for _, entry := range window.Val() {
		args = append(args, entry)
	}
	for _, fields := range []map[string]string{conv.Val(), settings.Val()} {
		args = append(args, len(fields))
		for field, value := range fields {
			args = append(args, field, value)
		}
	}
	if err := moveInScript.Run(ctx, s.client, s.groupKeys(to), args...).Err(); err != nil {
		return false, fmt.Errorf("write group %d as %d: %w", from, to, err)
	}
	if err := s.client.Del(ctx, old...).Err(); err != nil {
		return true, fmt.Errorf("delete group %d after moving it to %d: %w", from, to, err)
	}
	return true, nil
}
