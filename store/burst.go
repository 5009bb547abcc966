package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
)

// A burst is what a private chat sent since the bot last answered it. It
// lives in Redis, not in the process that received it, so that any replica
// answers it and a replica that dies leaves nothing unanswered:
//
//	<prefix>{c:<chat>}:burst     hash  m:<order> → a message as received (raw), claim, lease   BurstTTL
//	<prefix>{c:<chat>}:inbound   zset  update ids stored in the intake and not yet handled, by arrival ms
//	<prefix>{c:<chat>}:answered  zset  the orders of the last AnsweredKept messages answered   BurstTTL
//	<prefix>{bursts}:due         zset  chat id → when to look at its burst next (ms)
//
// The burst's deadline lives with the conversation (the score it was last
// given, written before the message; the claim script reads the quiet time
// from the messages themselves). The due-set is only where replicas look:
// an entry for a chat without a burst is removed, a burst without an entry
// cannot happen because the entry is written first. Exactly one replica
// claims a due burst (claimScript, atomic on the chat's slot) for a lease;
// a replica that dies holding it loses it when the lease ends.
//
// The messages are kept as received, unredacted, because the classifier
// needs the numbers and the answer quotes them; they are deleted when the
// burst is answered, and expire after BurstTTL whatever happens.

// BurstTTL bounds how long a burst's raw messages stay in Redis when no
// replica answers it (every replica down).
const BurstTTL = time.Hour

// ErrBurstLost is returned when a claim on a burst is no longer this
// caller's: its lease ended and another replica took the burst, or the
// chat was forgotten (/forget, /new) meanwhile.
var ErrBurstLost = errors.New("burst no longer claimed by this replica")

// BurstMessage is one message of an open burst, as received.
type BurstMessage struct {
	// Order is Telegram's order of the message: its message id, shifted,
	// plus the part (a screenshot brings several turns); the burst's
	// messages are stored and classified in this order, whichever replica
	// received them.
	Order int64 `json:"-"`
	// Entry is the message as received (not redacted).
	Entry Entry `json:"-"`
	// ReplyTo, User and UserLang are the message id, its sender and their
	// Telegram language: the answer replies to the burst's last message.
	ReplyTo  int    `json:"reply_to"`
	User     int64  `json:"user,omitempty"`
	UserLang string `json:"lang,omitempty"`
	// Screenshot marks turns read from a screenshot.
	Screenshot bool `json:"screenshot,omitempty"`
}

// BurstOrder is the Order of part (0 for a message's own text) of message id.
func BurstOrder(messageID int, part int) int64 { return int64(messageID)<<12 | int64(part&0xfff) }

// burstRecord is a BurstMessage as JSON in the burst hash.
type burstRecord struct {
	BurstMessage
	ID     int64  `json:"id,omitempty"`
	From   string `json:"from"`
	Text   string `json:"text"`
	Time   int64  `json:"time"`
	Hidden bool   `json:"hidden,omitempty"`
	// Stored is the message as the conversation stores it (encodeEntry:
	// redacted), so that the claim can store it without a round trip
	// back to the caller (claimScript's fold).
	Stored string `json:"stored,omitempty"`
}

// newBurstRecord is msg as the burst hash keeps it.
func newBurstRecord(msg BurstMessage) ([]byte, error) {
	stored, err := encodeEntry(msg.Entry)
	if err != nil {
		return nil, err
	}
	return json.Marshal(burstRecord{BurstMessage: msg, ID: msg.Entry.ID, From: msg.Entry.From,
		Text: msg.Entry.Text, Time: msg.Entry.Time.Unix(), Hidden: msg.Entry.Hidden, Stored: string(stored)})
}

// Burst is a claimed burst: its messages in Telegram's order.
type Burst struct {
	Chat     int64
	Messages []BurstMessage
	// Claim is the claim's token; LeaseUntil is when it ends.
	Claim      string
	LeaseUntil time.Time
	// Redelivered says the burst was claimed before and not closed: a
	// replica's lease ended (it died, or lost Redis) or it gave the claim
	// back.
	Redelivered bool
	// FirstArrived is when the burst's first message was stored.
	FirstArrived time.Time
	// Folded is what a claim with Fold stored and read (nil when it did
	// not fold): the caller classifies from there.
	Folded *Folded
	// DueScore is the due-set score the claim gave the chat: its lease's
	// end plus a fraction of a millisecond, which no message's entry has
	// (those are whole milliseconds), so that closing the burst removes
	// the claim's own entry and never one a new message wrote.
	DueScore float64
}

// dueScore is the due-set score burst's claim wrote.
func (b Burst) dueScore() float64 {
	if b.DueScore != 0 {
		return b.DueScore
	}
	return float64(b.LeaseUntil.UnixMilli())
}

// Folded is what a claim that folds (BurstClaim.Fold) did in the same
// step: the burst's first len(Seqs) messages (Burst.Messages' order) are
// in the conversation, as AppendBurst leaves them.
type Folded struct {
	// Conversation is as read back after the messages were stored.
	Conversation Conversation
	// Seqs is each folded message's Seq in the conversation.
	Seqs []int64
	// LastAnswer is the chat's latest answer (its id, and the blob as
	// Answer returns it); nil when the conversation has none.
	LastAnswerID string
	LastAnswer   []byte
	// LastAnswerUnread: the answers are kept as one compressed document
	// the claim cannot read (store.LastAnswer does).
	LastAnswerUnread bool
	// AnswersApart counts the answers FinishBurst kept in fields of their
	// own, which cost more than the one document (CompactAnswers).
	AnswersApart int
	// Guardians are the guardians of the chat's user (a private chat's id
	// is its user's), read in the claim's pipeline for the alert a scam
	// verdict sends them; GuardiansRead is false when that read failed.
	Guardians     []GuardianLink
	GuardiansRead bool
}

// BurstClaim is how a replica claims a burst.
type BurstClaim struct {
	// Token names this claim (random).
	Token string
	// Quiet is the burst window: the burst is due once its newest message
	// is this old.
	Quiet time.Duration
	// Lease is how long the claim holds before another replica may take
	// the burst over.
	Lease time.Duration
	// Stale is how long an update noted as inbound (stored in the intake,
	// not handled yet) holds the burst back: longer than a dead replica's
	// updates take to be claimed, so a burst waits for its messages.
	Stale time.Duration
	// Force claims the burst whatever its age (a stopping process).
	Force bool
	// Fold stores the burst's first messages (up to BurstAppendLimit) in
	// the conversation in the claim's own step, and reads back the
	// conversation and the last answer (Burst.Folded).
	Fold bool
}

// AnsweredKept is how many answered messages a chat's burst remembers, so
// that an update handled again (its acknowledgement was lost, or came
// after its replica's claim on it ended) does not open a burst again and
// get a second answer: far more than a burst holds.
const AnsweredKept = 64

// Burst keys.
func (s *Store) burstKey(chat int64) string    { return s.chatKey(chat, "burst") }
func (s *Store) answeredKey(chat int64) string { return s.chatKey(chat, "answered") }
func (s *Store) inboundKey(chat int64) string  { return s.chatKey(chat, "inbound") }
func (s *Store) dueKey() string                { return s.cfg.Prefix + "{bursts}:due" }

// addBurstScript stores one message in the burst (idempotent by order: a
// redelivered update does not add it twice, nor again once it was
// answered) and stamps when it arrived. It answers 0 for a message
// answered already.
//
// KEYS: burst, answered. ARGV: field, record, now ms, TTL ms, order.
var addBurstScript = redis.NewScript(`
if redis.call("ZSCORE", KEYS[2], ARGV[5]) then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2], "t:" .. ARGV[1], ARGV[3], "last", ARGV[3])
redis.call("PEXPIRE", KEYS[1], ARGV[4])
return 1
`)

// AddUpdateToBurst is the webhook's way for a plain private message
// (update updateID): its update id is remembered in the intake's
// de-duplication set ({intake}:seen) and msg is stored in chat's burst,
// made due quiet after now, in one pipeline (the due-set entry first, as
// in AddToBurst). Once it returns without an error the message is as
// durable as an update in the intake, and no consumer needs to see it.
//
// The de-duplication and the burst are on different slots, so the burst
// does not wait for the set's answer; it is idempotent by the message's
// order instead (the same field again, or refused once answered, for
// AnsweredKept messages and BurstTTL). repeat reports an id the set had
// seen (counted by the caller), stored whether the burst took the message.
func (s *Store) AddUpdateToBurst(ctx context.Context, updateID, chat int64, msg BurstMessage, quiet time.Duration) (repeat, stored bool, err error) {
	record, err := newBurstRecord(msg)
	if err != nil {
		return false, false, fmt.Errorf("add update %d to the burst of chat %d: %w", updateID, chat, err)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	now := time.Now()
	field := "m:" + strconv.FormatInt(msg.Order, 10)
	var seen, added *redis.Cmd
	err = pipelined(ctx, s.client, []*redis.Script{seenScript, addBurstScript}, func(pipe redis.Pipeliner) {
		pipe.ZAdd(ctx, s.dueKey(), redis.Z{Score: float64(now.Add(quiet).UnixMilli()), Member: chat})
		// The set is the intake's; its TTL (refreshed by every update
		// that comes this way) outlasts Telegram's retries.
		seen = seenScript.EvalSha(ctx, pipe, []string{s.cfg.Prefix + "{intake}:seen"}, updateID, IntakeSeen, polledTTL.Milliseconds())
		added = addBurstScript.EvalSha(ctx, pipe, []string{s.burstKey(chat), s.answeredKey(chat)}, field, record,
			now.UnixMilli(), BurstTTL.Milliseconds(), msg.Order)
	})
	if err != nil {
		return false, false, fmt.Errorf("add update %d to the burst of chat %d: %w", updateID, chat, err)
	}
	fresh, _ := seen.Int()
	took, _ := added.Int()
	return fresh == 0, took == 1, nil
}

// AddToBurst stores msg in chat's open burst (opening one) and makes the
// burst due quiet after now, in one round trip: a pipeline whose due-set
// entry goes first, so that on one node a process dying between them
// leaves at worst an entry with no burst (removed when looked at), never a
// burst nobody looks at. On a Cluster the two go to their nodes side by
// side; the caller acknowledges the update only once both succeeded, so a
// burst stored without its entry is stored again, with it, by whichever
// replica handles the update next.
func (s *Store) AddToBurst(ctx context.Context, chat int64, msg BurstMessage, quiet time.Duration) error {
	record, err := newBurstRecord(msg)
	if err != nil {
		return fmt.Errorf("add message to the burst of chat %d: %w", chat, err)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	now := time.Now()
	field := "m:" + strconv.FormatInt(msg.Order, 10)
	err = pipelined(ctx, s.client, []*redis.Script{addBurstScript}, func(pipe redis.Pipeliner) {
		pipe.ZAdd(ctx, s.dueKey(), redis.Z{Score: float64(now.Add(quiet).UnixMilli()), Member: chat})
		addBurstScript.EvalSha(ctx, pipe, []string{s.burstKey(chat), s.answeredKey(chat)}, field, record,
			now.UnixMilli(), BurstTTL.Milliseconds(), msg.Order)
	})
	if err != nil {
		return fmt.Errorf("add message to the burst of chat %d: %w", chat, err)
	}
	return nil
}

// claimScript claims chat's burst when it is due: its newest message is
// Quiet old, no update of the chat is still on its way from the intake,
// and no live claim holds it. It answers {0} when there is no burst,
// {1, next ms} when it is not due yet, {2, lease ms, claimed before (0/1),
// first arrival ms, {fields...}, folded, last answer} when claimed.
//
// With fold > 0 the claim also stores the burst's first fold messages (by
// order) in the conversation, as AppendBurst would, and reads back the
// conversation and the chat's last answer: the claimed burst's way to its
// answer starts with one round trip instead of three. folded is then
// appendBurstScript's answer ({seq, window, state..., settings, 0, seqs}),
// and the last answer {id, blob} or {} when there is none; folded is 0
// when fold is 0 or a message was stored by a replica that did not keep
// its redacted copy (the caller appends then).
//
// KEYS: burst, inbound, msgs, conv, settings, answers. ARGV: now ms, quiet
// ms, lease ms, stale ms, token, force, fold, window, TTL ms, settings TTL ms.
var claimScript = redis.NewScript(appendEntriesLua + `
if redis.call("EXISTS", KEYS[1]) == 0 then return {0} end
local now = tonumber(ARGV[1])
local lease = tonumber(redis.call("HGET", KEYS[1], "lease") or "0")
if lease > now then return {1, lease} end
if ARGV[6] ~= "1" then
  redis.call("ZREMRANGEBYSCORE", KEYS[2], "-inf", now - tonumber(ARGV[4]))
  if redis.call("ZCARD", KEYS[2]) > 0 then return {1, now + math.floor(tonumber(ARGV[2]) / 4) + 1} end
  local due = tonumber(redis.call("HGET", KEYS[1], "last") or "0") + tonumber(ARGV[2])
  if due > now then return {1, due} end
end
local until_ms = now + tonumber(ARGV[3])
local again = 0
if redis.call("HEXISTS", KEYS[1], "claim") == 1 then again = 1 end
redis.call("HSET", KEYS[1], "claim", ARGV[5], "lease", until_ms)
local first = 0
local messages = {}
local out = {}
local fields = redis.call("HGETALL", KEYS[1])
for i = 1, #fields, 2 do
  local kind = string.sub(fields[i], 1, 2)
  if kind == "m:" then
    out[#out + 1] = fields[i]
    out[#out + 1] = fields[i + 1]
    messages[#messages + 1] = {tonumber(string.sub(fields[i], 3)), fields[i + 1]}
  elseif kind == "t:" then
    local at = tonumber(fields[i + 1])
    if first == 0 or at < first then first = at end
  end
end
local fold = tonumber(ARGV[7])
local folded = 0
local answer = {}
if fold > 0 then
  table.sort(messages, function(a, b) return a[1] < b[1] end)
  local entries = {}
  for i = 1, math.min(fold, #messages) do
    local ok, record = pcall(cjson.decode, messages[i][2])
    if not ok or type(record["stored"]) ~= "string" then entries = nil break end
    entries[#entries + 1] = record["stored"]
  end
  if entries then
    folded = appendEntries(KEYS[3], KEYS[4], KEYS[5], ARGV[8], ARGV[9], ARGV[10], entries)
    local id = redis.call("HGET", KEYS[6], "last")
    local blob = id and redis.call("HGET", KEYS[6], id)
    local apart = 0
    for _ in string.gmatch(redis.call("HGET", KEYS[6], "order") or "", "%S+") do apart = apart + 1 end
    -- {id, blob, answers in fields of their own, whether a document is kept}
    answer = {id or "", blob or "", apart, redis.call("HEXISTS", KEYS[6], "all")}
  end
end
return {2, until_ms, again, first, out, folded, answer}
`)

// ClaimBurst claims chat's burst if it is due (or claim.Force) and
// returns it; ok is false when there is none to claim now. With ok, an
// error says only that the due-set could not be updated: the burst is
// claimed all the same (its earlier entry still leads a replica to it). It keeps the
// due-set right as it goes: no burst removes the chat's entry (unless
// someone made it due again since: seen is the score the caller saw, 0 for
// none), a burst not due yet is looked at again when it will be, and a
// claimed one when its lease ends (if this replica dies answering it).
// With claim.Fold, the claim stores the burst's first messages in the
// conversation too (Burst.Folded).
func (s *Store) ClaimBurst(ctx context.Context, chat int64, seen float64, claim BurstClaim) (Burst, bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	force := "0"
	if claim.Force {
		force = "1"
	}
	fold := 0
	if claim.Fold {
		fold = s.BurstAppendLimit()
	}
	// One round trip when the burst is claimed (the usual case): the
	// due-set entry is moved to the lease's end in the same pipeline, on
	// the guess that the claim succeeds; a second call sets it right when
	// it does not.
	now := time.Now().UnixMilli()
	leaseUntil := now + claim.Lease.Milliseconds()
	// A fraction (k/1024, exact in a float64 this size) tells the claim's
	// entry from a message's, and two claims' apart.
	dueScore := float64(leaseUntil) + float64(1+rand.IntN(1023))/1024
	var run *redis.Cmd
	var guardians *redis.MapStringStringCmd
	err := pipelined(ctx, s.client, []*redis.Script{claimScript}, func(pipe redis.Pipeliner) {
		pipe.ZAdd(ctx, s.dueKey(), redis.Z{Score: dueScore, Member: chat})
		run = claimScript.EvalSha(ctx, pipe, append([]string{s.burstKey(chat), s.inboundKey(chat)}, append(s.chatKeys(chat), s.answersKey(chat))...),
			now, claim.Quiet.Milliseconds(), claim.Lease.Milliseconds(), claim.Stale.Milliseconds(), claim.Token, force,
			fold, s.cfg.Window, s.cfg.TTL.Milliseconds(), s.cfg.SettingsTTL.Milliseconds())
		if claim.Fold {
			// Read on the guess that the burst is claimed, as the due-set
			// entry is written: a few bytes, and no round trip of its own
			// for the alert of a scam verdict.
			guardians = pipe.HGetAll(ctx, s.guardiansKey(chat))
		}
	})
	if err != nil && run.Err() == nil && guardians != nil && guardians.Err() != nil {
		err = nil // only the guardians' read failed: the alert reads them again
	}
	if err != nil {
		// Whatever the guess did, look again soon.
		s.due(ctx, chat, now+claim.Quiet.Milliseconds())
		return Burst{}, false, fmt.Errorf("claim the burst of chat %d: %w", chat, err)
	}
	reply, err := run.Slice()
	if err != nil {
		return Burst{}, false, fmt.Errorf("claim the burst of chat %d: %w", chat, err)
	}
	seen = dueScore
	status, _ := reply[0].(int64)
	switch status {
	case 0:
		return Burst{}, false, s.undue(ctx, chat, seen)
	case 1:
		next, _ := reply[1].(int64)
		return Burst{}, false, s.due(ctx, chat, next)
	}
	burst, err := decodeClaimed(reply, Burst{Chat: chat, Claim: claim.Token, DueScore: dueScore})
	if err != nil {
		return Burst{}, false, fmt.Errorf("claim the burst of chat %d: %w", chat, err)
	}
	if burst.Folded != nil && guardians != nil && guardians.Err() == nil {
		burst.Folded.Guardians, burst.Folded.GuardiansRead = linksOf(guardians.Val()), true
	}
	return burst, true, nil
}

// decodeClaimed reads the reply of a claim that succeeded into burst: the
// lease, whether it was claimed before, when its first message came, its
// messages in Telegram's order and, when it folded, what the fold read.
func decodeClaimed(reply []any, burst Burst) (Burst, error) {
	if len(reply) != 7 {
		return Burst{}, fmt.Errorf("script reply has %d parts, want 7", len(reply))
	}
	until, _ := reply[1].(int64)
	again, _ := reply[2].(int64)
	first, _ := reply[3].(int64)
	burst.LeaseUntil, burst.Redelivered = time.UnixMilli(until), again == 1
	if first > 0 {
		burst.FirstArrived = time.UnixMilli(first)
	}
	fields, _ := reply[4].([]any)
	for i := 0; i+1 < len(fields); i += 2 {
		msg, err := decodeBurstRecord(fields[i], fields[i+1])
		if err != nil {
			return Burst{}, err
		}
		burst.Messages = append(burst.Messages, msg)
	}
	slices.SortFunc(burst.Messages, func(a, b BurstMessage) int { return int(min(max(a.Order-b.Order, -1), 1)) })
	if folded, ok := reply[5].([]any); ok {
		var err error
		if burst.Folded, err = decodeFolded(folded, reply[6]); err != nil {
			return Burst{}, err
		}
	}
	return burst, nil
}

// decodeFolded reads what a claim that folded answered: the conversation
// with the seqs of the messages it stored, and the last answer.
func decodeFolded(folded []any, answer any) (*Folded, error) {
	if len(folded) != 6 {
		return nil, fmt.Errorf("folded reply has %d parts, want 6", len(folded))
	}
	conv, err := parseConversation(folded[:5])
	if err != nil {
		return nil, err
	}
	f := &Folded{Conversation: conv}
	raw, _ := folded[5].([]any)
	for _, v := range raw {
		n, _ := v.(int64)
		f.Seqs = append(f.Seqs, n)
	}
	if last, _ := answer.([]any); len(last) == 4 {
		f.LastAnswerID, _ = last[0].(string)
		blob, _ := last[1].(string)
		n, _ := last[2].(int64)
		doc, _ := last[3].(int64)
		f.AnswersApart = int(n)
		if blob == "" {
			// None in a field of its own: none at all, or only in the
			// one document, which the caller reads.
			f.LastAnswerUnread = doc == 1
		} else if f.LastAnswer, err = unpack([]byte(blob)); err != nil {
			return nil, fmt.Errorf("read the last answer: %w", err)
		}
	}
	return f, nil
}

// decodeBurstRecord reads one m:<order> field of the burst hash.
func decodeBurstRecord(field, value any) (BurstMessage, error) {
	name, _ := field.(string)
	raw, _ := value.(string)
	order, err := strconv.ParseInt(strings.TrimPrefix(name, "m:"), 10, 64)
	if err != nil {
		return BurstMessage{}, fmt.Errorf("burst field %q: %w", name, err)
	}
	var record burstRecord
	if err := json.Unmarshal([]byte(raw), &record); err != nil {
		return BurstMessage{}, fmt.Errorf("burst message %d: %w", order, err)
	}
	msg := record.BurstMessage
	msg.Order = order
	msg.Entry = Entry{ID: record.ID, From: record.From, Text: record.Text, Time: time.Unix(record.Time, 0), Hidden: record.Hidden}
	return msg, nil
}

// renewScript extends a claim that is still the caller's; 0 when it is not.
//
// KEYS: burst. ARGV: token, lease until ms.
var renewScript = redis.NewScript(`
if redis.call("HGET", KEYS[1], "claim") ~= ARGV[1] then return 0 end
redis.call("HSET", KEYS[1], "lease", ARGV[2])
return 1
`)

// RenewBurst extends burst's claim by lease from now, while its answer is
// still being made or waits to be sent: a live replica keeps its claim
// however slow the answer, and a dead one loses it lease after its last
// renewal. ErrBurstLost when the claim is no longer the caller's. The
// due-set keeps the first lease's time: a replica that looks then finds
// the claim renewed and looks again when it ends.
func (s *Store) RenewBurst(ctx context.Context, burst Burst, lease time.Duration) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	until := time.Now().Add(lease).UnixMilli()
	renewed, err := renewScript.Run(ctx, s.client, []string{s.burstKey(burst.Chat)}, burst.Claim, until).Int()
	switch {
	case err != nil:
		return fmt.Errorf("renew the claim on the burst of chat %d: %w", burst.Chat, err)
	case renewed == 0:
		return fmt.Errorf("renew the claim on the burst of chat %d: %w", burst.Chat, ErrBurstLost)
	}
	return nil
}

// AbandonBurst gives up burst's claim without answering it (storing its
// messages failed): any replica may claim it again at once, rather than
// a lease later.
func (s *Store) AbandonBurst(ctx context.Context, burst Burst) error {
	if err := s.RenewBurst(ctx, burst, 0); err != nil {
		return err
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	return s.due(ctx, burst.Chat, time.Now().UnixMilli())
}

// closeBurstLua defines closeBurst, which ends a claim: the answered
// messages (fields) leave the burst and are remembered as answered; the
// messages that came while it was being answered stay, as the next burst.
// It answers -1 when the claim is not the caller's any more, else when the
// rest is due (ms), 0 when nothing is left (the burst is deleted).
const closeBurstLua = `
local function closeBurst(burst, answered, token, quiet, kept, ttl, fields)
  if redis.call("HGET", burst, "claim") ~= token then return -1 end
  for _, field in ipairs(fields) do
    redis.call("HDEL", burst, field, "t:" .. field)
    local order = string.sub(field, 3)
    redis.call("ZADD", answered, order, order)
  end
  redis.call("ZREMRANGEBYRANK", answered, 0, -tonumber(kept) - 1)
  redis.call("PEXPIRE", answered, ttl)
  redis.call("HDEL", burst, "claim", "lease")
  local last = 0
  local left = 0
  local all = redis.call("HGETALL", burst)
  for i = 1, #all, 2 do
    if string.sub(all[i], 1, 2) == "t:" then
      left = left + 1
      last = math.max(last, tonumber(all[i + 1]))
    end
  end
  if left == 0 then
    redis.call("DEL", burst)
    return 0
  end
  return last + tonumber(quiet)
end
`

// closeScript is closeBurst alone (CloseBurst).
//
// KEYS: burst, answered. ARGV: token, quiet ms, kept, TTL ms, fields...
var closeScript = redis.NewScript(closeBurstLua + `
return closeBurst(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], {unpack(ARGV, 5)})
`)

// CloseBurst ends burst's claim once it was answered: its messages are
// deleted, and messages that arrived meanwhile are left due as the next
// burst. ErrBurstLost when the claim was lost (nothing is changed).
func (s *Store) CloseBurst(ctx context.Context, burst Burst, quiet time.Duration) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	args := append([]any{burst.Claim, quiet.Milliseconds(), AnsweredKept, BurstTTL.Milliseconds()}, burstFields(burst)...)
	next, err := closeScript.Run(ctx, s.client, []string{s.burstKey(burst.Chat), s.answeredKey(burst.Chat)}, args...).Int64()
	switch {
	case err != nil:
		return fmt.Errorf("close the burst of chat %d: %w", burst.Chat, err)
	case next < 0:
		return fmt.Errorf("close the burst of chat %d: %w", burst.Chat, ErrBurstLost)
	case next == 0:
		return s.undue(ctx, burst.Chat, burst.dueScore())
	}
	return s.due(ctx, burst.Chat, next)
}

// burstFields are the burst hash's fields of burst's messages.
func burstFields(burst Burst) []any {
	fields := make([]any, len(burst.Messages))
	for i, msg := range burst.Messages {
		fields[i] = "m:" + strconv.FormatInt(msg.Order, 10)
	}
	return fields
}

// A Step is another package's part of a script the store runs on one
// chat's slot (FinishBurst), so that its write and the store's are one
// atomic step: the send queue's entry of a burst's answer, stored with the
// answer's record and the burst's close, or none of them.
type Step struct {
	// Lua is the body of a Lua function of KEYS and ARGV (Keys and Args
	// here, all on the chat's slot) that answers an integer: above 0 the
	// script goes on, 0 or below it stops before writing anything of its
	// own.
	Lua  string
	Keys []string
	Args []any
	// Before adds to the script's pipeline what must be written first on
	// another slot (a due-set entry that leads to what the step stores);
	// After what rides after it, whatever the script did (the send queue
	// asks for a send slot at once). Both must be safe to send twice (a
	// script missing on its node is loaded and the pipeline sent again),
	// and their own failures do not fail FinishBurst.
	Before, After func(ctx context.Context, pipe redis.Pipeliner)
	// Scripts are the scripts Before and After send as EVALSHA.
	Scripts []*redis.Script
}

// finishLua runs a Step, then saves the classifier's state (saveScript's
// compare-and-set, when a snapshot is given), writes the answer's record
// and closes the burst. It answers {-1, 0, 0} when the claim is not the
// caller's any more, {-2, outcome, 0} when the step stopped it, else
// {closeBurst's answer, outcome, saved}: saved is saveScript's answer (1
// saved, 0 another writer saved since, -1 the conversation is gone), 2
// when no snapshot was given.
//
// KEYS: burst, answered, answers, conv, the step's keys... ARGV: token,
// quiet ms, kept, burst TTL ms, answer id ("" for none), answer blob,
// answers TTL ms, base seq ("" for no snapshot), seq, state, verdict,
// conversation TTL ms, the step's key count, field count, fields..., the
// step's args...
// keptAnswersLua is KeptAnswers for the finishing script.
var keptAnswersLua = strconv.Itoa(KeptAnswers)

var finishLua = closeBurstLua + `
if redis.call("HGET", KEYS[1], "claim") ~= ARGV[1] then return {-1, 0, 0} end
local stepKeys = {}
for i = 1, tonumber(ARGV[13]) do stepKeys[i] = KEYS[4 + i] end
local nfields = tonumber(ARGV[14])
local fields = {}
for i = 1, nfields do fields[i] = ARGV[14 + i] end
local stepArgs = {}
for i = 15 + nfields, #ARGV do stepArgs[#stepArgs + 1] = ARGV[i] end
local outcome = step(stepKeys, stepArgs)
if outcome <= 0 then return {-2, outcome, 0} end
local saved = 2
if ARGV[8] ~= "" then
  if tonumber(redis.call("HGET", KEYS[4], "seq") or "-1") < tonumber(ARGV[9]) then
    saved = -1
  elseif tonumber(redis.call("HGET", KEYS[4], "state_seq") or "0") ~= tonumber(ARGV[8]) then
    saved = 0
  else
    redis.call("HSET", KEYS[4], "state", ARGV[10], "state_seq", ARGV[9])
    if ARGV[11] ~= "" then redis.call("HSET", KEYS[4], "verdict", ARGV[11]) else redis.call("HDEL", KEYS[4], "verdict") end
    redis.call("PEXPIRE", KEYS[4], ARGV[12])
    saved = 1
  end
end
if ARGV[5] ~= "" then
  -- An answer of its own field (as SaveAnswer's reader reads a hash from
  -- before the one-document format); "order" keeps the newest
  -- KeptAnswers of them, the one-document write drops them all.
  local ids = {}
  for id in string.gmatch(redis.call("HGET", KEYS[3], "order") or "", "%S+") do
    if id ~= ARGV[5] then ids[#ids + 1] = id end
  end
  ids[#ids + 1] = ARGV[5]
  while #ids > ` + keptAnswersLua + ` do redis.call("HDEL", KEYS[3], table.remove(ids, 1)) end
  redis.call("HSET", KEYS[3], ARGV[5], ARGV[6], "last", ARGV[5], "order", table.concat(ids, " "))
  -- A writer of the one document that read before this sees a new version.
  redis.call("HINCRBY", KEYS[3], "ver", 1)
  redis.call("PEXPIRE", KEYS[3], ARGV[7])
end
return {closeBurst(KEYS[1], KEYS[2], ARGV[1], ARGV[2], ARGV[3], ARGV[4], fields), outcome, saved}
`

// finishScripts are the scripts FinishBurst built, by their step's Lua
// (a process has one or two).
var finishScripts sync.Map

func finishScript(stepLua string) *redis.Script {
	if script, ok := finishScripts.Load(stepLua); ok {
		return script.(*redis.Script)
	}
	script, _ := finishScripts.LoadOrStore(stepLua, redis.NewScript("local function step(KEYS, ARGV)\n"+stepLua+"\nend\n"+finishLua))
	return script.(*redis.Script)
}

// loadOnce loads the scripts this store has not loaded yet. Redis may
// lose them (a restart): the pipelines that send them load them again
// when told NOSCRIPT.
func (s *Store) loadOnce(ctx context.Context, scripts []*redis.Script) error {
	for _, script := range scripts {
		if _, loaded := s.loaded.Load(script.Hash()); loaded {
			continue
		}
		if err := script.Load(ctx, s.client).Err(); err != nil {
			return fmt.Errorf("load a script: %w", err)
		}
		s.loaded.Store(script.Hash(), true)
	}
	return nil
}

// ErrStepRefused is returned by FinishBurst when its step stopped it
// (the send queue refused the answer): nothing was written, and the burst
// is still claimed by the caller.
var ErrStepRefused = errors.New("the burst's answer was refused")

// FinishBurst ends a claimed burst whose answer is ready, in one round
// trip on one node: step (the send queue's entry of the answer) runs on
// the chat's slot in one script with the answer's record (answerID and
// blob, as SaveAnswer keeps them; none when answerID is "") and the
// burst's close (CloseBurst), after step.Before; the due-set is set right
// in the same pipeline. So an answer is stored with its burst's close or
// not at all: a /forget or a replica that took the burst over since (the
// claim is gone) gets ErrBurstLost and nothing is written, not even the
// answer's record; a step that refuses (0 or below) gets ErrStepRefused,
// and the burst is made due again when the claim's lease ends. outcome is
// the step's answer, for its caller.
//
// With snap, the classifier's state is saved in the same script, after
// the step, as Save would (compare-and-set): ErrConflict or ErrGone then
// say that the answer was queued and the burst closed, but another writer
// saved a state since (whoever classifies the chat next folds the burst's
// messages in; the caller may do it at once) or the conversation is gone.
//
// The due-set: the claim's own entry (Burst.DueScore, a score no message
// writes) is removed, and an entry left by a message that came meanwhile
// is only ever brought forward to quiet from now (ZADD XX LT), never
// removed: whatever the script did, no burst is left without an entry.
func (s *Store) FinishBurst(ctx context.Context, burst Burst, quiet time.Duration, answerID string, blob []byte, snap *Snapshot, step Step) (outcome int64, err error) {
	if answerID == lastAnswer {
		return 0, fmt.Errorf("finish the burst of chat %d: %q is not an answer id", burst.Chat, answerID)
	}
	chat := burst.Chat
	keys := append([]string{s.burstKey(chat), s.answeredKey(chat), s.answersKey(chat), s.chatKey(chat, "conv")}, step.Keys...)
	args := s.finishArgs(burst, quiet, answerID, blob, snap, step)
	// Bounded from here: redacting and compressing the blobs above is the
	// caller's CPU, not Redis's time.
	ctx, cancel := s.bound(ctx)
	defer cancel()
	script := finishScript(step.Lua)
	var run *redis.Cmd
	fill := func(pipe redis.Pipeliner) {
		if step.Before != nil {
			step.Before(ctx, pipe)
		}
		run = script.EvalSha(ctx, pipe, keys, args...)
		undueScript.EvalSha(ctx, pipe, []string{s.dueKey()}, chat, strconv.FormatFloat(burst.dueScore(), 'f', -1, 64))
		pipe.ZAddArgs(ctx, s.dueKey(), redis.ZAddArgs{XX: true, LT: true,
			Members: []redis.Z{{Score: float64(time.Now().Add(quiet).UnixMilli()), Member: chat}}})
		if step.After != nil {
			step.After(ctx, pipe)
		}
	}
	// Loaded before the first use: a pipeline whose script is missing is
	// sent again, and by then its due-set commands have run once (the
	// claim's entry moved by ZADD LT is not the one the close removes,
	// and is looked at and dropped a quiet time later).
	if err := s.loadOnce(ctx, append([]*redis.Script{script, undueScript}, step.Scripts...)); err != nil {
		return 0, fmt.Errorf("finish the burst of chat %d: %w", chat, err)
	}
	for attempt := 0; ; attempt++ {
		pipe := s.client.Pipeline()
		fill(pipe)
		_, err = pipe.Exec(ctx)
		// Sent again only when the script itself was missing (it did not
		// run): run twice, it would find its own close and stop.
		if attempt > 0 || run.Err() == nil || !anyNoScript([]redis.Cmder{run}) {
			break
		}
		for _, script := range append([]*redis.Script{script, undueScript}, step.Scripts...) {
			if loadErr := script.Load(ctx, s.client).Err(); loadErr != nil {
				err = fmt.Errorf("load a script: %w", loadErr)
				break
			}
		}
	}
	if run.Err() == nil {
		// The script ran: the rest of the pipeline keeps the due-sets
		// right (a stale entry is looked at and dropped) or serves the
		// step, which reads its own answers.
		err = nil
	}
	if err == nil {
		var reply []any
		if reply, err = run.Slice(); err == nil && len(reply) != 3 {
			err = fmt.Errorf("script reply has %d parts, want 3", len(reply))
		}
		if err == nil {
			return s.finished(ctx, burst, reply)
		}
	}
	// The claim's entry may be gone with the script undone (on a
	// Cluster, or a script loaded and sent again): due again when the
	// lease ends, as a claim given up would be.
	if dueErr := s.due(ctx, chat, burst.LeaseUntil.UnixMilli()); dueErr != nil {
		return 0, fmt.Errorf("finish the burst of chat %d: %w (and %w)", chat, err, dueErr)
	}
	return 0, fmt.Errorf("finish the burst of chat %d: %w", chat, err)
}

// finishArgs are the finishing script's arguments: the claim and the
// burst's timings, the answer's record, the classifier's state (redacted
// and packed here, as Save does, whoever built them), then the burst's
// fields and the step's own arguments.
func (s *Store) finishArgs(burst Burst, quiet time.Duration, answerID string, blob []byte, snap *Snapshot, step Step) []any {
	fields := burstFields(burst)
	args := []any{burst.Claim, quiet.Milliseconds(), AnsweredKept, BurstTTL.Milliseconds(), answerID, "", s.cfg.TTL.Milliseconds(),
		"", "", "", "", s.cfg.TTL.Milliseconds(), len(step.Keys), len(fields)}
	if answerID != "" {
		args[5] = pack(redact.JSON(blob))
	}
	if snap != nil {
		// Kept as one blob when both are JSON.
		state, verdict := redact.JSON(snap.State), redact.JSON(snap.Verdict)
		args[7], args[8] = snap.BaseSeq, snap.Seq
		if both, ok := packConversation(state, verdict); ok {
			args[9] = both
		} else {
			args[9], args[10] = pack(state), pack(verdict)
		}
	}
	return append(append(args, fields...), step.Args...)
}

// finished reads FinishBurst's script reply.
func (s *Store) finished(ctx context.Context, burst Burst, reply []any) (outcome int64, err error) {
	chat := burst.Chat
	closed, _ := reply[0].(int64)
	outcome, _ = reply[1].(int64)
	saved, _ := reply[2].(int64)
	switch {
	case closed >= 0 && saved == 0:
		// Queued and closed all the same: the messages are stored, and
		// whoever classifies the chat next folds them in.
		return outcome, fmt.Errorf("finish the burst of chat %d: %w", chat, ErrConflict)
	case closed >= 0 && saved < 0:
		return outcome, fmt.Errorf("finish the burst of chat %d: %w", chat, ErrGone)
	}
	switch closed {
	case -1:
		return outcome, fmt.Errorf("finish the burst of chat %d: %w", chat, ErrBurstLost)
	case -2:
		// Still claimed, and its entry is gone: due again when the
		// lease ends, as a claim given up would be.
		if err := s.due(ctx, chat, burst.LeaseUntil.UnixMilli()); err != nil {
			return outcome, fmt.Errorf("finish the burst of chat %d: %w (and %w)", chat, ErrStepRefused, err)
		}
		return outcome, fmt.Errorf("finish the burst of chat %d: %w", chat, ErrStepRefused)
	}
	return outcome, nil
}

// due makes the due-set look at chat's burst at ms.
func (s *Store) due(ctx context.Context, chat int64, ms int64) error {
	if err := s.client.ZAdd(ctx, s.dueKey(), redis.Z{Score: float64(ms), Member: chat}).Err(); err != nil {
		return fmt.Errorf("make the burst of chat %d due: %w", chat, err)
	}
	return nil
}

// undueScript removes a due-set entry only if its score is still the one
// the caller saw: a replica that just made the chat due again (a new
// message) changed it.
var undueScript = redis.NewScript(`
local score = redis.call("ZSCORE", KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call("ZREM", KEYS[1], ARGV[1]) end
return 0
`)

func (s *Store) undue(ctx context.Context, chat int64, seen float64) error {
	if seen == 0 {
		return nil
	}
	if err := undueScript.Run(ctx, s.client, []string{s.dueKey()}, chat, strconv.FormatFloat(seen, 'f', -1, 64)).Err(); err != nil {
		return fmt.Errorf("remove chat %d from the due bursts: %w", chat, err)
	}
	return nil
}

// DueBurst is a chat whose burst is to be looked at, and the score it had.
type DueBurst struct {
	Chat  int64
	Score float64
}

// DueBursts lists at most limit chats whose bursts are due by now.
func (s *Store) DueBursts(ctx context.Context, now time.Time, limit int) ([]DueBurst, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	zs, err := s.client.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: s.dueKey(), ByScore: true,
		Start: "-inf", Stop: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(limit)}).Result()
	if err != nil {
		return nil, fmt.Errorf("list the due bursts: %w", err)
	}
	due := make([]DueBurst, 0, len(zs))
	for _, z := range zs {
		member, _ := z.Member.(string)
		chat, err := strconv.ParseInt(member, 10, 64)
		if err != nil {
			continue // not ours: leave it
		}
		due = append(due, DueBurst{Chat: chat, Score: z.Score})
	}
	return due, nil
}

// BurstSize is how many messages chat's open burst holds (tests, /mydata).
func (s *Store) BurstSize(ctx context.Context, chat int64) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	fields, err := s.client.HKeys(ctx, s.burstKey(chat)).Result()
	if err != nil {
		return 0, fmt.Errorf("read the burst of chat %d: %w", chat, err)
	}
	n := 0
	for _, f := range fields {
		if strings.HasPrefix(f, "m:") {
			n++
		}
	}
	return n, nil
}

// forgetBurstScript forgets a burst's messages up to an order and its
// claim, keeping the messages that came after (forgetBurstUpTo). It
// answers 1 when the burst existed, else 0.
//
// KEYS: burst. ARGV: the last order to forget.
var forgetBurstScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
local last = tonumber(ARGV[1])
local left = 0
for _, field in ipairs(redis.call("HKEYS", KEYS[1])) do
  local order = nil
  if string.sub(field, 1, 2) == "m:" then
    order = tonumber(string.sub(field, 3))
  elseif string.sub(field, 1, 4) == "t:m:" then
    order = tonumber(string.sub(field, 5))
  end
  if order == nil or order <= last then
    if field ~= "last" then redis.call("HDEL", KEYS[1], field) end
  elseif string.sub(field, 1, 2) == "m:" then
    left = left + 1
  end
end
if left == 0 then redis.call("DEL", KEYS[1]) end
return 1
`)

// forgetBurstUpTo queues on pipe what /forget and /new do to chat's
// burst when the command is message messageID: its messages up to the
// command and any claim on them are forgotten (a replica answering them
// finds its claim gone, ErrBurstLost), and messages sent after the command
// stay, as the next burst with their due-set entry. The webhook stores a
// plain message in its burst at once, while the command waits for its
// consumer: a message forwarded just after /new can be in the burst
// before /new is handled, and belongs to the new conversation.
func (s *Store) forgetBurstUpTo(ctx context.Context, pipe redis.Pipeliner, chat int64, messageID int) *redis.Cmd {
	return forgetBurstScript.EvalSha(ctx, pipe, []string{s.burstKey(chat)}, BurstOrder(messageID, 0xfff))
}

// DropBurst discards chat's open burst unanswered (/new).
func (s *Store) DropBurst(ctx context.Context, chat int64) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.client.Del(ctx, s.burstKey(chat)).Err(); err != nil {
		return fmt.Errorf("drop the burst of chat %d: %w", chat, err)
	}
	return nil
}

// editBurstScript replaces a message still waiting in the burst; 0 when
// it is not there (answered already, or never in a burst).
var editBurstScript = redis.NewScript(`
if redis.call("HEXISTS", KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], ARGV[1], ARGV[2])
return 1
`)

// EditInBurst replaces msg in chat's open burst when it is still there and
// reports whether it was: an edit of a message not answered yet changes
// what the burst's answer covers.
func (s *Store) EditInBurst(ctx context.Context, chat int64, msg BurstMessage) (bool, error) {
	record, err := newBurstRecord(msg)
	if err != nil {
		return false, fmt.Errorf("edit a message in the burst of chat %d: %w", chat, err)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := editBurstScript.Run(ctx, s.client, []string{s.burstKey(chat)}, "m:"+strconv.FormatInt(msg.Order, 10), record).Int()
	if err != nil {
		return false, fmt.Errorf("edit a message in the burst of chat %d: %w", chat, err)
	}
	return n == 1, nil
}

// NoteInbound records that update id of chat was stored in the intake and
// is not handled yet: until it is (DoneInbound), or Stale passes, the
// chat's burst is not answered, so an answer never misses a message that
// was received before it. added is false when it was noted already.
func (s *Store) NoteInbound(ctx context.Context, chat, updateID int64) (added bool, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	key := s.inboundKey(chat)
	pipe := s.client.TxPipeline()
	n := pipe.ZAddNX(ctx, key, redis.Z{Score: float64(time.Now().UnixMilli()), Member: updateID})
	pipe.PExpire(ctx, key, BurstTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return false, fmt.Errorf("note update %d of chat %d as inbound: %w", updateID, chat, err)
	}
	return n.Val() == 1, nil
}

// DoneInbound records that update id of chat was handled.
func (s *Store) DoneInbound(ctx context.Context, chat, updateID int64) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.client.ZRem(ctx, s.inboundKey(chat), updateID).Err(); err != nil {
		return fmt.Errorf("note update %d of chat %d as handled: %w", updateID, chat, err)
	}
	return nil
}
