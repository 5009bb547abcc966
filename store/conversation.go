package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
)

// Entry is one stored message of a conversation.
type Entry struct {
	// ID is the chat's message id (Telegram message_id), so that an edited
	// message can replace its original; 0 when the source has none.
	ID int64 `json:"-"`
	// Seq is the message's position in the conversation, from 1; set by
	// the store, ignored by Append.
	Seq int64 `json:"-"`
	// From is who wrote it: "other" or "user" (classifier.Speaker).
	From string `json:"from"`
	// Text is the message; the store keeps it redacted (package redact).
	Text string `json:"text"`
	// Time is when it was sent, to the second.
	Time time.Time `json:"-"`
	// Hidden marks a message forwarded from a hidden account.
	Hidden bool `json:"-"`
}

// storedEntry is an Entry as JSON, as the window list kept it before
// entryHeader (still read), and as /mydata shows one.
type storedEntry struct {
	// ID comes first: editScript finds an entry by the prefix of its JSON.
	ID     int64  `json:"id,omitempty"`
	From   string `json:"from"`
	Text   string `json:"text"`
	Time   int64  `json:"time"`
	Hidden bool   `json:"hidden,omitempty"`
}

// Conversation is what the store holds for one chat, as read by Append or
// Load in one round trip.
type Conversation struct {
	// Seq is how many messages were ever appended (the last one's Seq).
	Seq int64
	// Window holds the last Config.Window messages, oldest first, redacted.
	Window []Entry
	// State is the classifier state as last saved, nil when none; StateSeq
	// is how many messages it has seen. Messages of Window with Seq >
	// StateSeq are not in State yet (another replica is still on them, or
	// its save failed).
	State    []byte
	StateSeq int64
	// Verdict is the verdict last saved with State, nil when none.
	Verdict []byte
	// WarnedAt is when a warning was last sent in this chat; zero if never.
	WarnedAt time.Time
	// Settings are the chat's settings.
	Settings Settings
	// Existing, after AppendClaimed, is the Seq of the message when it was
	// in the window already (and was not appended again); 0 otherwise.
	Existing int64
}

// Pending returns a copy of the messages of the window that State has not
// seen, up to and including message last (the caller's own; later ones
// belong to another writer's step). The caller may change the copies, for
// example to put back the original text of its own message.
func (c Conversation) Pending(last int64) []Entry {
	var pending []Entry
	for _, e := range c.Window {
		if e.Seq > c.StateSeq && e.Seq <= last {
			pending = append(pending, e)
		}
	}
	return pending
}

// appendScript is the hot path: one round trip appends the message, trims
// the window, refreshes both TTLs and reads back everything the classifier
// and the reply need. With ARGV[1] empty it only reads (Load). With a claim
// (ARGV[5]) it appends only while the chat's burst is claimed by it, and a
// message already in the window (the same stored entry: a replica that
// died after storing it, or a redelivery) is not appended again; the
// answer's last part is then that message's seq.
//
// KEYS: msgs, conv, settings, burst. ARGV: entry JSON or "", window, TTL in
// ms, settings TTL in ms (a new message keeps the chat's settings alive),
// claim token or "".
// Returns {seq, window, {state, state_seq, verdict, warned_at}, settings, existing seq}.
var appendScript = redis.NewScript(`
local seq
local existing = 0
if ARGV[5] ~= "" and redis.call("HGET", KEYS[4], "claim") ~= ARGV[5] then
  return redis.error_reply("NOCLAIM the burst is not claimed by this replica")
end
if ARGV[1] ~= "" and ARGV[5] ~= "" then
  local current = redis.call("LRANGE", KEYS[1], 0, -1)
  local last = tonumber(redis.call("HGET", KEYS[2], "seq") or "0")
  for i = #current, 1, -1 do
    if current[i] == ARGV[1] then existing = last - (#current - i) break end
  end
end
if ARGV[1] ~= "" and existing == 0 then
  redis.call("RPUSH", KEYS[1], ARGV[1])
  redis.call("LTRIM", KEYS[1], -tonumber(ARGV[2]), -1)
  seq = redis.call("HINCRBY", KEYS[2], "seq", 1)
  redis.call("PEXPIRE", KEYS[1], ARGV[3])
  redis.call("PEXPIRE", KEYS[2], ARGV[3])
  redis.call("PEXPIRE", KEYS[3], ARGV[4])
else
  seq = tonumber(redis.call("HGET", KEYS[2], "seq") or "0")
end
local window = redis.call("LRANGE", KEYS[1], 0, -1)
local conv = redis.call("HMGET", KEYS[2], "state", "state_seq", "verdict", "warned_at")
for i = 1, 4 do
  if not conv[i] then conv[i] = "" end
end
return {seq, window, conv, redis.call("HGETALL", KEYS[3]), existing}
`)

// Append stores msg (redacted) as the newest message of chat's
// conversation and returns the conversation, the new message included as
// the last entry of the window. It is one round trip.
func (s *Store) Append(ctx context.Context, chat int64, msg Entry) (Conversation, error) {
	stored, err := encodeEntry(msg)
	if err != nil {
		return Conversation{}, fmt.Errorf("append message to chat %d: %w", chat, err)
	}
	conv, err := s.runConversation(ctx, chat, string(stored), "")
	if err != nil {
		return Conversation{}, fmt.Errorf("append message to chat %d: %w", chat, err)
	}
	return conv, nil
}

// AppendClaimed is Append for a message of a burst that claim holds
// (ClaimBurst): ErrBurstLost, and nothing appended, when the claim is no
// longer the caller's (its lease ended, or the chat was forgotten); a
// message already appended (by a replica that died answering the burst)
// is not appended again, and the returned Conversation's Existing is its
// Seq.
func (s *Store) AppendClaimed(ctx context.Context, chat int64, msg Entry, claim string) (Conversation, error) {
	stored, err := encodeEntry(msg)
	if err != nil {
		return Conversation{}, fmt.Errorf("append message to chat %d: %w", chat, err)
	}
	conv, err := s.runConversation(ctx, chat, string(stored), claim)
	if err != nil && strings.HasPrefix(err.Error(), "NOCLAIM") {
		err = ErrBurstLost
	}
	if err != nil {
		return Conversation{}, fmt.Errorf("append message to chat %d: %w", chat, err)
	}
	return conv, nil
}

// appendBurstScript is appendScript for a whole claimed burst: every
// message not in the window already is appended, in the order given, and
// the conversation is read back once. It answers what appendScript does,
// with the seq of each message (appended now, or found) as a sixth part.
//
// KEYS: msgs, conv, settings, burst. ARGV: window, TTL ms, settings TTL
// ms, claim token, entries JSON...
var appendBurstScript = redis.NewScript(appendEntriesLua + `
if redis.call("HGET", KEYS[4], "claim") ~= ARGV[4] then
  return redis.error_reply("NOCLAIM the burst is not claimed by this replica")
end
return appendEntries(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2], ARGV[3], {unpack(ARGV, 5)})
`)

// appendEntriesLua defines appendEntries, the heart of appendBurstScript
// (and of the burst claim that folds, claimScript): every entry not in
// the window already is appended, in the order given, and the
// conversation is read back once, as appendScript answers it (existing
// 0), with the seq of each entry (appended now, or found) as a sixth part.
const appendEntriesLua = `
local function appendEntries(msgs, conv, settings, window, ttl, settingsTTL, entries)
  local seqs = {}
  local appended = false
  for _, entry in ipairs(entries) do
    local current = redis.call("LRANGE", msgs, 0, -1)
    local last = tonumber(redis.call("HGET", conv, "seq") or "0")
    local existing = 0
    for i = #current, 1, -1 do
      if current[i] == entry then existing = last - (#current - i) break end
    end
    if existing == 0 then
      redis.call("RPUSH", msgs, entry)
      redis.call("LTRIM", msgs, -tonumber(window), -1)
      existing = redis.call("HINCRBY", conv, "seq", 1)
      appended = true
    end
    seqs[#seqs + 1] = existing
  end
  if appended then
    redis.call("PEXPIRE", msgs, ttl)
    redis.call("PEXPIRE", conv, ttl)
    redis.call("PEXPIRE", settings, settingsTTL)
  end
  local seq = tonumber(redis.call("HGET", conv, "seq") or "0")
  local fields = redis.call("HMGET", conv, "state", "state_seq", "verdict", "warned_at")
  for i = 1, 4 do
    if not fields[i] then fields[i] = "" end
  end
  return {seq, redis.call("LRANGE", msgs, 0, -1), fields, redis.call("HGETALL", settings), 0, seqs}
end
`

// BurstAppendLimit is how many messages one AppendBurst may take: at most
// half the window, so that every message appended is still in the window
// the caller classifies (with room for messages another writer left
// unclassified).
func (s *Store) BurstAppendLimit() int { return max(1, min(16, s.cfg.Window/2)) }

// AppendBurst is AppendClaimed for several messages of one claimed burst
// (at most BurstAppendLimit), in one round trip: each message not in the
// window already is appended, in order; seqs holds each message's Seq
// (appended now, or by a replica that died answering the burst). The
// conversation is read back after the last one. ErrBurstLost, and nothing
// appended, when the claim is no longer the caller's.
func (s *Store) AppendBurst(ctx context.Context, chat int64, msgs []Entry, claim string) (conv Conversation, seqs []int64, err error) {
	if len(msgs) == 0 || len(msgs) > s.BurstAppendLimit() {
		return Conversation{}, nil, fmt.Errorf("append %d messages to chat %d: want 1 to %d", len(msgs), chat, s.BurstAppendLimit())
	}
	args := []any{s.cfg.Window, s.cfg.TTL.Milliseconds(), s.cfg.SettingsTTL.Milliseconds(), claim}
	for _, msg := range msgs {
		stored, err := encodeEntry(msg)
		if err != nil {
			return Conversation{}, nil, fmt.Errorf("append messages to chat %d: %w", chat, err)
		}
		args = append(args, string(stored))
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	reply, err := appendBurstScript.Run(ctx, s.client, append(s.chatKeys(chat), s.burstKey(chat)), args...).Slice()
	if err != nil && strings.HasPrefix(err.Error(), "NOCLAIM") {
		err = ErrBurstLost
	}
	if err != nil {
		return Conversation{}, nil, fmt.Errorf("append %d messages to chat %d: %w", len(msgs), chat, err)
	}
	if len(reply) != 6 {
		return Conversation{}, nil, fmt.Errorf("append messages to chat %d: script reply has %d parts, want 6", chat, len(reply))
	}
	if conv, err = parseConversation(reply[:5]); err != nil {
		return Conversation{}, nil, fmt.Errorf("append messages to chat %d: %w", chat, err)
	}
	raw, _ := reply[5].([]any)
	for _, v := range raw {
		n, _ := v.(int64)
		seqs = append(seqs, n)
	}
	if len(seqs) != len(msgs) {
		return Conversation{}, nil, fmt.Errorf("append messages to chat %d: %d seqs for %d messages", chat, len(seqs), len(msgs))
	}
	return conv, seqs, nil
}

// A window entry is a header line and the text: "<id> <from> <unix
// time>[ h]\n<text>", from "o" (other), "u" (user) or "-" (none), h for a message
// forwarded from a hidden account. The JSON the list held before
// ({"id":…,"from":…,"text":…,"time":…}) spent about 50 bytes a message on
// names and quotes: a sixth of a 20-message window and what pushed it into
// the next allocation size. An entry starting with '{' is read as that
// JSON; it starts with the message id otherwise. editScript finds an entry
// by the start of either.
var speakerCodes = map[string]string{"other": "o", "user": "u", "": "-"}

// encodeEntry is msg as the window list stores it: redacted, times in
// unix seconds.
func encodeEntry(msg Entry) ([]byte, error) {
	from := msg.From
	if code, ok := speakerCodes[from]; ok {
		from = code
	} else if strings.ContainsAny(from, " \t\r\n") || len(from) == 1 {
		// Codes are one character; any other speaker is kept by name.
		return nil, fmt.Errorf("encode message: speaker %q", from)
	}
	out := strconv.AppendInt(nil, msg.ID, 10)
	out = append(out, ' ')
	out = append(out, from...)
	out = append(out, ' ')
	out = strconv.AppendInt(out, msg.Time.Unix(), 10)
	if msg.Hidden {
		out = append(out, " h"...)
	}
	out = append(out, '\n')
	return append(out, redact.Personal(msg.Text)...), nil
}

// decodeEntry reverses encodeEntry, and reads the JSON of an entry stored
// before it.
func decodeEntry(stored string) (storedEntry, error) {
	var e storedEntry
	if strings.HasPrefix(stored, "{") {
		err := json.Unmarshal([]byte(stored), &e)
		return e, err
	}
	header, text, ok := strings.Cut(stored, "\n")
	fields := strings.Fields(header)
	if !ok || len(fields) < 3 || len(fields) > 4 || len(fields) == 4 && fields[3] != "h" {
		return e, fmt.Errorf("stored message %.40q: not a window entry", stored)
	}
	var err error
	if e.ID, err = strconv.ParseInt(fields[0], 10, 64); err != nil {
		return e, fmt.Errorf("stored message id: %w", err)
	}
	if e.Time, err = strconv.ParseInt(fields[2], 10, 64); err != nil {
		return e, fmt.Errorf("stored message time: %w", err)
	}
	e.From = fields[1]
	for name, code := range speakerCodes {
		if fields[1] == code {
			e.From = name
		}
	}
	e.Text, e.Hidden = text, len(fields) == 4
	return e, nil
}

// Load returns chat's conversation without changing it; a chat with
// nothing stored has Seq 0.
func (s *Store) Load(ctx context.Context, chat int64) (Conversation, error) {
	conv, err := s.runConversation(ctx, chat, "", "")
	if err != nil {
		return Conversation{}, fmt.Errorf("load conversation of chat %d: %w", chat, err)
	}
	return conv, nil
}

func (s *Store) runConversation(ctx context.Context, chat int64, entry, claim string) (Conversation, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys := append(s.chatKeys(chat), s.burstKey(chat))
	reply, err := appendScript.Run(ctx, s.client, keys, entry, s.cfg.Window, s.cfg.TTL.Milliseconds(), s.cfg.SettingsTTL.Milliseconds(), claim).Slice()
	if err != nil {
		return Conversation{}, err
	}
	return parseConversation(reply)
}

// parseConversation decodes appendScript's reply.
func parseConversation(reply []any) (Conversation, error) {
	if len(reply) != 5 {
		return Conversation{}, fmt.Errorf("script reply has %d parts, want 5", len(reply))
	}
	var conv Conversation
	seq, ok := reply[0].(int64)
	if !ok {
		return conv, fmt.Errorf("script reply: seq is %T", reply[0])
	}
	conv.Seq = seq
	window, _ := reply[1].([]any)
	conv.Window = make([]Entry, 0, len(window))
	for i, raw := range window {
		text, _ := raw.(string)
		stored, err := decodeEntry(text)
		if err != nil {
			return conv, fmt.Errorf("decode stored message: %w", err)
		}
		// The list only grows at its tail, in the same script that counts
		// seq, so positions give sequence numbers.
		conv.Window = append(conv.Window, Entry{
			ID:     stored.ID,
			Hidden: stored.Hidden,
			Seq:    seq - int64(len(window)-1-i),
			From:   stored.From,
			Text:   stored.Text,
			Time:   time.Unix(stored.Time, 0),
		})
	}
	fields, _ := reply[2].([]any)
	if len(fields) != 4 {
		return conv, fmt.Errorf("script reply: %d conversation fields, want 4", len(fields))
	}
	str := func(v any) string { text, _ := v.(string); return text }
	if state := str(fields[0]); state != "" {
		blob, verdict, _, err := unpackConversation([]byte(state))
		if err != nil {
			return conv, fmt.Errorf("decode state: %w", err)
		}
		conv.State, conv.Verdict = blob, verdict
	}
	if stateSeq := str(fields[1]); stateSeq != "" {
		n, err := strconv.ParseInt(stateSeq, 10, 64)
		if err != nil {
			return conv, fmt.Errorf("decode state_seq %q: %w", stateSeq, err)
		}
		conv.StateSeq = n
	}
	// A verdict field is left by a save from before state and verdict
	// were kept together (packConversation).
	if verdict := str(fields[2]); verdict != "" && conv.Verdict == nil {
		blob, err := unpack([]byte(verdict))
		if err != nil {
			return conv, fmt.Errorf("decode verdict: %w", err)
		}
		conv.Verdict = blob
	}
	if warned := str(fields[3]); warned != "" {
		ms, err := strconv.ParseInt(warned, 10, 64)
		if err != nil {
			return conv, fmt.Errorf("decode warned_at %q: %w", warned, err)
		}
		conv.WarnedAt = time.UnixMilli(ms)
	}
	settings, err := decodeSettings(reply[3])
	if err != nil {
		return conv, err
	}
	conv.Settings = settings
	conv.Existing, _ = reply[4].(int64)
	return conv, nil
}

// Snapshot is the result of classifying a conversation up to some message,
// to be saved with Save.
type Snapshot struct {
	// BaseSeq is the StateSeq of the Conversation the state was built on.
	BaseSeq int64
	// Seq is how many messages State has seen (BaseSeq + messages folded).
	Seq int64
	// State and Verdict are the classifier's state and verdict, as JSON;
	// the store redacts every string in them (redact.JSON) and compresses
	// them.
	State   []byte
	Verdict []byte
	// WarnedAt, when not zero, records that a warning was sent.
	WarnedAt time.Time
}

// ErrConflict is returned by Save when another writer saved a state since
// the one the snapshot was built on: reload, classify the pending messages
// again and save again. The store never classifies: the caller does,
// between Load (or Append) and Save, and the compare-and-set on the state's
// sequence number is what keeps two writers from losing each other's
// messages.
var ErrConflict = errors.New("conversation state changed since it was read")

// ErrGone is returned by Save when the conversation was forgotten or
// expired since it was read: saving would bring it back.
var ErrGone = errors.New("conversation was forgotten or expired")

// saveScript is compare-and-set on state_seq, so that two replicas folding
// messages of one chat never overwrite each other's evidence.
//
// KEYS: conv. ARGV: base seq, new seq, state (with the verdict in it:
// packConversation), verdict when kept apart or "" (a verdict field of an
// earlier save goes), warned_at ms or "", TTL ms. Returns 1 when saved, 0 on conflict, -1 when the conversation is
// gone.
var saveScript = redis.NewScript(`
local appended = tonumber(redis.call("HGET", KEYS[1], "seq") or "-1")
if appended < tonumber(ARGV[2]) then return -1 end
local current = tonumber(redis.call("HGET", KEYS[1], "state_seq") or "0")
if current ~= tonumber(ARGV[1]) then return 0 end
redis.call("HSET", KEYS[1], "state", ARGV[3], "state_seq", ARGV[2])
if ARGV[4] ~= "" then redis.call("HSET", KEYS[1], "verdict", ARGV[4]) else redis.call("HDEL", KEYS[1], "verdict") end
if ARGV[5] ~= "" then redis.call("HSET", KEYS[1], "warned_at", ARGV[5]) end
redis.call("PEXPIRE", KEYS[1], ARGV[6])
return 1
`)

// Save stores the classifier state and verdict of chat's conversation if
// no other writer saved since snap.BaseSeq (ErrConflict otherwise). It is
// one round trip.
func (s *Store) Save(ctx context.Context, chat int64, snap Snapshot) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	warned := ""
	if !snap.WarnedAt.IsZero() {
		warned = strconv.FormatInt(snap.WarnedAt.UnixMilli(), 10)
	}
	// The state and verdict quote messages (a hit's match, the tail of the
	// last message): they are redacted here, whoever built them, so that no
	// caller can store a raw number by forgetting to.
	state, verdict := redact.JSON(snap.State), redact.JSON(snap.Verdict)
	var apart []byte
	if both, ok := packConversation(state, verdict); ok {
		state = both
	} else {
		state, apart = pack(state), pack(verdict)
	}
	result, err := saveScript.Run(ctx, s.client, []string{s.chatKey(chat, "conv")},
		snap.BaseSeq, snap.Seq, state, apart, warned, s.cfg.TTL.Milliseconds()).Int()
	switch {
	case err != nil:
		return fmt.Errorf("save state of chat %d: %w", chat, err)
	case result == 0:
		return fmt.Errorf("save state of chat %d at message %d: %w", chat, snap.Seq, ErrConflict)
	case result < 0:
		return fmt.Errorf("save state of chat %d: %w", chat, ErrGone)
	}
	return nil
}

// Forget deletes everything stored for chat (window, state, verdict,
// warning time, settings, screenshots being read) with one DEL, and
// reports how many keys there were.
func (s *Store) Forget(ctx context.Context, chat int64) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	deleted, err := s.client.Del(ctx, append(s.ownedKeys(chat), s.screenshotsKey(chat))...).Result()
	if err != nil {
		return 0, fmt.Errorf("forget chat %d: %w", chat, err)
	}
	return deleted, nil
}

// ForgetBefore is Forget for a private chat's /forget, message messageID:
// the chat's burst keeps the messages sent after it (forgetBurstUpTo).
// It is one round trip.
func (s *Store) ForgetBefore(ctx context.Context, chat int64, messageID int) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys := slices.DeleteFunc(append(s.ownedKeys(chat), s.screenshotsKey(chat)), func(k string) bool { return k == s.burstKey(chat) })
	var deleted *redis.IntCmd
	var burst *redis.Cmd
	err := pipelined(ctx, s.client, []*redis.Script{forgetBurstScript}, func(pipe redis.Pipeliner) {
		deleted = pipe.Del(ctx, keys...)
		burst = s.forgetBurstUpTo(ctx, pipe, chat, messageID)
	})
	if err != nil {
		return 0, fmt.Errorf("forget chat %d: %w", chat, err)
	}
	hadBurst, _ := burst.Int64()
	return deleted.Val() + hadBurst, nil
}

// ForgetConversationBefore is ForgetConversation for a private chat's
// /new, message messageID: the chat's burst keeps the messages sent after
// it (forgetBurstUpTo). It is one round trip.
func (s *Store) ForgetConversationBefore(ctx context.Context, chat int64, messageID int) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	err := pipelined(ctx, s.client, []*redis.Script{forgetBurstScript}, func(pipe redis.Pipeliner) {
		pipe.Del(ctx, s.chatKey(chat, "msgs"), s.chatKey(chat, "conv"), s.answersKey(chat), s.screenshotsKey(chat))
		s.forgetBurstUpTo(ctx, pipe, chat, messageID)
	})
	if err != nil {
		return fmt.Errorf("start a new conversation in chat %d: %w", chat, err)
	}
	return nil
}

// ForgetConversation deletes chat's conversation (window, state, verdict,
// warning time, the answers given, screenshots being read) but keeps its
// settings: the user's "start over", after which the next answer is a
// whole reply again.
func (s *Store) ForgetConversation(ctx context.Context, chat int64) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.client.Del(ctx, s.chatKey(chat, "msgs"), s.chatKey(chat, "conv"), s.answersKey(chat), s.screenshotsKey(chat), s.burstKey(chat)).Err(); err != nil {
		return fmt.Errorf("start a new conversation in chat %d: %w", chat, err)
	}
	return nil
}
