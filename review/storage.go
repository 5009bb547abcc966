package review

// Storage: what moderators review, on a Redis Stream with a consumer group,
// the console's sign-in state (sessions.go) and the fingerprints of decided
// scripts (signatures.go). Review owns these keys; package store lends the
// connection, the key prefix and the bound on one call (store.Keyspace).
// The keys:
//
//	<prefix>{c:<chat>}:case:<id>    hash   a draft (not queued yet; Draft), fields as a case's   conversation TTL
//	<prefix>{c:<chat>}:cases        set    the chat's draft ids, so that /forget and /mydata find them   conversation TTL
//	<prefix>{review}:case:<id>      hash   one case: doc (redacted JSON), index fields, decision   QueuedTTL; DecidedTTL
//	<prefix>{review}:queue          stream case ids in queue order, group "moderators"   capped (MAXLEN ~ Config.QueueMax)
//	<prefix>{review}:cases          zset   queued case ids by queue time (the console's list)   members pruned with their case
//	<prefix>{review}:chat:<chat>    set    a chat's case ids, so that /forget and /mydata find them   TTL of its longest-lived case
//	<prefix>{review}:unanswered     zset   ids of cases a user asked a human about, by when the answer is due (unanswered.go)   members leave when decided or told
//	<prefix>{review}:login:<nonce>  string a console sign-in link not yet used   ConsoleConfig.LinkTTL
//	<prefix>{review}:session:<sha>  hash   a console session: moderator, csrf   ConsoleConfig.SessionTTL
//	<prefix>{fp}:<set>:…            fingerprints of decided scripts (signatures.go)
//
// The bot keeps no drafts now: a case is created under {review} when it
// is queued (SubmitCase, QueueNewCase), from what the bot keeps of its
// reply. Drafts (Draft) stored before, and any a caller still makes, live
// under their chat's hash tag until they are queued: most are never
// queued, so drafts spread over the Cluster's slots with their chats
// instead of loading one. A draft's id
// names its chat (<random>_<chat>, draftChat), so a lookup by id alone
// finds it; queueing moves it into {review} (QueueCase). Ids without a
// chat (cases drafted before) live under {review} from the start.
//
// Every review key shares the hash tag {review}: deciding a case writes the
// case and acknowledges its stream entry in one script, and forgetting a
// chat touches its cases, the stream and the list together, which Redis
// Cluster allows only within one slot. Moderation runs at the pace of
// people, so one slot carries it easily. The case keys are not under the
// chat's {c:<chat>} tag for that reason; the per-chat set is what
// ForgetChat uses instead.
//
// TTLs: a draft (a flagged reply nobody asked to review yet) lives as long
// as the conversation (store.Config.TTL); a queued case QueuedTTL (30 days); a
// decided one DecidedTTL (90 days: long enough for stats and an export to
// the evaluation corpus, short enough that nothing is kept for good).
// Stream entries hold only a case id, never text.

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
	"github.com/scamguard/scamguard/store"
)

// Case lifetimes after queueing and after a decision (see the key table).
const (
	QueuedTTL  = 30 * 24 * time.Hour
	DecidedTTL = 90 * 24 * time.Hour
)

// reviewGroup is the consumer group moderators read the queue through.
const reviewGroup = "moderators"

// ErrNotFound is returned for a case id that was never stored or whose
// case has expired or been forgotten.
var ErrNotFound = errors.New("case not found (expired or forgotten)")

// ErrNotQueued is returned when deciding a draft: only queued cases
// are decided.
var ErrNotQueued = errors.New("case is not queued for review")

// defaultQueueMax caps the review stream when Config.QueueMax is 0.
const defaultQueueMax = 10000

// storage is review's Redis: the store's connection and rules, the draft
// lifetime (the conversation's) and the stream's cap.
type storage struct {
	store.Keyspace
	draftTTL time.Duration
	queueMax int64
}

// bound gives a call its deadline, as the store bounds its own.
func (s *storage) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.OpTimeout)
}

// record is a case as stored: the JSON document (Case) and the fields
// indexed, filtered and decided on, which the document does not keep up to
// date (caseOf puts them together).
type record struct {
	// ID is the case id (short, URL- and callback-safe).
	ID string
	// Chat is the private chat the case came from.
	Chat int64
	// Doc is the case document, JSON, with redacted text only.
	Doc []byte
	// Status is where the case stands.
	Status Status
	// Level, Type and Lang are the bot's verdict level, scam type and the
	// conversation language, for the console's filters.
	Level, Type, Lang string
	// Created is when the case was drafted; Queued when it was first
	// queued (zero for a draft).
	Created, Queued time.Time
	// Reasons are why the case was queued, in order, each once.
	Reasons []string
	// Feedback is "helpful" or "unhelpful" when the user pressed 👍/👎.
	Feedback string
	// StreamID is the case's entry on the review stream.
	StreamID string
	// DecidedBy, DecidedAt and DecidedType record the last decision
	// (Status says its outcome); DecidedType is the scam type a moderator
	// confirmed or corrected.
	DecidedBy   int64
	DecidedAt   time.Time
	DecidedType string
	// CardChat and CardMessage locate the case's card in the moderators'
	// chat, zero when none was posted.
	CardChat, CardMessage int64
	// FollowUpSent is set once the user got the reviewer's follow-up.
	FollowUpSent bool
}

func (s *storage) key(what string) string { return s.Prefix + "{review}:" + what }
func (s *storage) draftKey(chat int64, id string) string {
	return s.Prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:case:" + id
}
func (s *storage) draftSetKey(chat int64) string {
	return s.Prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:cases"
}

// draftChat is the chat a case id names (Draft makes <random>_<chat>),
// whose hash tag holds the case while it is a draft; 0 for other ids.
func draftChat(id string) int64 {
	i := strings.LastIndexByte(id, '_')
	if i < 0 {
		return 0
	}
	chat, err := strconv.ParseInt(id[i+1:], 10, 64)
	if err != nil {
		return 0
	}
	return chat
}
func (s *storage) caseKey(id string) string { return s.key("case:" + id) }
func (s *storage) caseChatKey(chat int64) string {
	return s.key("chat:" + strconv.FormatInt(chat, 10))
}

// validCaseID keeps ids to what fits in keys, URLs and callback data.
func validCaseID(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// draftScript stores a new case unless one with the id exists, and adds it
// to its chat's set, whose TTL never shrinks below the case's.
//
// KEYS: case, chat set. ARGV: ttl ms, id, then field/value pairs.
var draftScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 1 then return 0 end
redis.call("HSET", KEYS[1], "id", ARGV[2], unpack(ARGV, 3))
redis.call("PEXPIRE", KEYS[1], ARGV[1])
redis.call("SADD", KEYS[2], ARGV[2])
if redis.call("PTTL", KEYS[2]) < tonumber(ARGV[1]) then redis.call("PEXPIRE", KEYS[2], ARGV[1]) end
return 1
`)

// DraftCase stores a case that is not queued yet, for as long as the
// conversation lives (Config.TTL): a reply the user may still press
// "ask a human" or 👎 on. A second draft with the same id changes nothing.
func (s *storage) DraftCase(ctx context.Context, c record) error {
	if !validCaseID(c.ID) {
		return fmt.Errorf("draft case %q: invalid id", c.ID)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	args := []any{s.draftTTL.Milliseconds(), c.ID,
		"chat", c.Chat, "doc", store.Pack(redact.JSON(c.Doc)), "status", string(StatusDraft),
		"level", c.Level, "type", c.Type, "lang", c.Lang, "created", c.Created.UnixMilli()}
	if c.Feedback != "" {
		args = append(args, "feedback", c.Feedback)
	}
	keys := []string{s.caseKey(c.ID), s.caseChatKey(c.Chat)}
	if chat := draftChat(c.ID); chat != 0 && chat == c.Chat {
		keys = []string{s.draftKey(chat, c.ID), s.draftSetKey(chat)}
	}
	err := draftScript.Run(ctx, s.Client, keys, args...).Err()
	if err != nil {
		return fmt.Errorf("draft case %s of chat %d: %w", c.ID, c.Chat, err)
	}
	return nil
}

// queueScript adds a reason to a case and, the first time only, puts the
// case on the stream: pressing "ask a human" twice, or 👎 after a
// consented flag, queues a case once. A case not under {review} yet is
// created from the draft's fields, when given.
//
// KEYS: case, stream, cases zset, chat set. ARGV: reason, now ms, maxlen,
// queued ttl ms, group, oldest score kept in the zset, StatusOpen, then
// the draft's field/value pairs, if any.
// Returns {queued 0/1, stream id} or -1 when the case does not exist.
var queueScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then
  if #ARGV < 9 then return -1 end
  redis.call("HSET", KEYS[1], unpack(ARGV, 8))
  redis.call("SADD", KEYS[4], redis.call("HGET", KEYS[1], "id"))
end
local reasons = redis.call("HGET", KEYS[1], "reasons") or ""
if ARGV[1] ~= "" and not string.find(" " .. reasons .. " ", " " .. ARGV[1] .. " ", 1, true) then
  if reasons == "" then reasons = ARGV[1] else reasons = reasons .. " " .. ARGV[1] end
  redis.call("HSET", KEYS[1], "reasons", reasons)
end
local sid = redis.call("HGET", KEYS[1], "stream_id")
if sid then return {0, sid} end
local id = redis.call("HGET", KEYS[1], "id")
pcall(redis.call, "XGROUP", "CREATE", KEYS[2], ARGV[5], "0", "MKSTREAM")
sid = redis.call("XADD", KEYS[2], "MAXLEN", "~", ARGV[3], "*", "case", id)
redis.call("HSET", KEYS[1], "stream_id", sid, "status", ARGV[7], "queued", ARGV[2])
redis.call("PEXPIRE", KEYS[1], ARGV[4])
if redis.call("PTTL", KEYS[4]) < tonumber(ARGV[4]) then redis.call("PEXPIRE", KEYS[4], ARGV[4]) end
redis.call("ZADD", KEYS[3], ARGV[2], id)
redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", "(" .. ARGV[6])
return {1, sid}
`)

// QueueCase puts a drafted case on the review stream for reason, once,
// with status StatusOpen: queued reports whether this call queued it
// (false when it already was; the reason is recorded either way).
// ErrNotFound when the draft has expired or was forgotten.
func (s *storage) QueueCase(ctx context.Context, chat int64, id, reason string, at time.Time) (queued bool, err error) {
	if !validCaseID(id) {
		return false, fmt.Errorf("queue case %q: %w", id, ErrNotFound)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys := []string{s.caseKey(id), s.key("queue"), s.key("cases"), s.caseChatKey(chat)}
	oldest := at.Add(-DecidedTTL).UnixMilli()
	args := []any{reason, at.UnixMilli(), s.queueMax, QueuedTTL.Milliseconds(), reviewGroup, oldest, string(StatusOpen)}
	// A draft under its chat's tag moves into {review}: read here, written
	// there by the script (two slots: no one script can do both), deleted
	// here after. A draft left behind by a failure is found after its
	// queued copy by every lookup, and deleted with the chat's cases.
	chatOfDraft := draftChat(id)
	var draft map[string]string
	if chatOfDraft != 0 {
		if draft, err = s.Client.HGetAll(ctx, s.draftKey(chatOfDraft, id)).Result(); err != nil {
			return false, fmt.Errorf("queue case %s: read its draft: %w", id, err)
		}
		for field, value := range draft {
			args = append(args, field, value)
		}
	}
	res, err := queueScript.Run(ctx, s.Client, keys, args...).Result()
	if err != nil {
		return false, fmt.Errorf("queue case %s: %w", id, err)
	}
	if len(draft) > 0 {
		pipe := s.Client.Pipeline()
		pipe.Del(ctx, s.draftKey(chatOfDraft, id))
		pipe.SRem(ctx, s.draftSetKey(chatOfDraft), id)
		if _, err := pipe.Exec(ctx); err != nil {
			return false, fmt.Errorf("queue case %s: delete its draft: %w", id, err)
		}
	}
	if n, ok := res.(int64); ok && n == -1 {
		return false, fmt.Errorf("queue case %s: %w", id, ErrNotFound)
	}
	parts, ok := res.([]any)
	if !ok || len(parts) != 2 {
		return false, fmt.Errorf("queue case %s: unexpected answer %v", id, res)
	}
	return parts[0] == int64(1), nil
}

// QueueNewCase is QueueCase for a case given whole instead of drafted: it
// is created under {review} from c unless it exists there already, then
// queued for reason once.
func (s *storage) QueueNewCase(ctx context.Context, c record, reason string, at time.Time) (queued bool, err error) {
	if !validCaseID(c.ID) {
		return false, fmt.Errorf("queue case %q: invalid id", c.ID)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys := []string{s.caseKey(c.ID), s.key("queue"), s.key("cases"), s.caseChatKey(c.Chat)}
	oldest := at.Add(-DecidedTTL).UnixMilli()
	args := []any{reason, at.UnixMilli(), s.queueMax, QueuedTTL.Milliseconds(), reviewGroup, oldest, string(StatusOpen),
		"id", c.ID, "chat", c.Chat, "doc", store.Pack(redact.JSON(c.Doc)), "status", string(StatusDraft),
		"level", c.Level, "type", c.Type, "lang", c.Lang, "created", c.Created.UnixMilli()}
	if c.Feedback != "" {
		args = append(args, "feedback", c.Feedback)
	}
	res, err := queueScript.Run(ctx, s.Client, keys, args...).Result()
	if err != nil {
		return false, fmt.Errorf("queue case %s: %w", c.ID, err)
	}
	parts, ok := res.([]any)
	if !ok || len(parts) != 2 {
		return false, fmt.Errorf("queue case %s: unexpected answer %v", c.ID, res)
	}
	return parts[0] == int64(1), nil
}

// SetCaseFeedback records the user's 👍 ("helpful") or 👎 ("unhelpful").
func (s *storage) SetCaseFeedback(ctx context.Context, id, feedback string) error {
	return s.setCaseFields(ctx, id, "record feedback on", "feedback", feedback)
}

// SetCaseCard records where the case's card was posted in the moderators'
// chat, so that a decision edits that message.
func (s *storage) SetCaseCard(ctx context.Context, id string, chat, message int64) error {
	return s.setCaseFields(ctx, id, "record the card of", "card_chat", chat, "card_msg", message)
}

// setFieldsScript sets fields of an existing case only: a late write must
// not resurrect a forgotten case without its TTL.
var setFieldsScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return 0 end
redis.call("HSET", KEYS[1], unpack(ARGV))
return 1
`)

func (s *storage) setCaseFields(ctx context.Context, id, doing string, fields ...any) error {
	if !validCaseID(id) {
		return fmt.Errorf("%s case %q: %w", doing, id, ErrNotFound)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := setFieldsScript.Run(ctx, s.Client, []string{s.caseKey(id)}, fields...).Int()
	if chat := draftChat(id); err == nil && n == 0 && chat != 0 {
		n, err = setFieldsScript.Run(ctx, s.Client, []string{s.draftKey(chat, id)}, fields...).Int()
	}
	switch {
	case err != nil:
		return fmt.Errorf("%s case %s: %w", doing, id, err)
	case n == 0:
		return fmt.Errorf("%s case %s: %w", doing, id, ErrNotFound)
	}
	return nil
}

// Case returns one case.
func (s *storage) Case(ctx context.Context, id string) (record, error) {
	if !validCaseID(id) {
		return record{}, fmt.Errorf("read case %q: %w", id, ErrNotFound)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	pipe := s.Client.Pipeline()
	queued := pipe.HGetAll(ctx, s.caseKey(id))
	var draft *redis.MapStringStringCmd
	if chat := draftChat(id); chat != 0 {
		draft = pipe.HGetAll(ctx, s.draftKey(chat, id))
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return record{}, fmt.Errorf("read case %s: %w", id, err)
	}
	fields := queued.Val()
	if len(fields) == 0 && draft != nil {
		fields = draft.Val()
	}
	if len(fields) == 0 {
		return record{}, fmt.Errorf("read case %s: %w", id, ErrNotFound)
	}
	return caseFromFields(fields)
}

func caseFromFields(f map[string]string) (record, error) {
	c := record{
		ID: f["id"], Status: Status(f["status"]), Level: f["level"], Type: f["type"],
		Lang: f["lang"], Feedback: f["feedback"], StreamID: f["stream_id"], DecidedType: f["decided_type"],
		FollowUpSent: f["followup"] == "1",
	}
	if f["reasons"] != "" {
		c.Reasons = strings.Fields(f["reasons"])
	}
	// The document is deflated when that makes it smaller (DraftCase).
	doc, err := store.Unpack([]byte(f["doc"]))
	if err != nil {
		return c, fmt.Errorf("case %s document: %w", c.ID, err)
	}
	c.Doc = doc
	ints := []struct {
		name string
		to   *int64
	}{{"chat", &c.Chat}, {"decided_by", &c.DecidedBy}, {"card_chat", &c.CardChat}, {"card_msg", &c.CardMessage}}
	for _, field := range ints {
		if f[field.name] == "" {
			continue
		}
		if *field.to, err = strconv.ParseInt(f[field.name], 10, 64); err != nil {
			return c, fmt.Errorf("case %s field %s: %w", c.ID, field.name, err)
		}
	}
	times := []struct {
		name string
		to   *time.Time
	}{{"created", &c.Created}, {"queued", &c.Queued}, {"decided_at", &c.DecidedAt}}
	for _, field := range times {
		if f[field.name] == "" {
			continue
		}
		ms, err := strconv.ParseInt(f[field.name], 10, 64)
		if err != nil {
			return c, fmt.Errorf("case %s field %s: %w", c.ID, field.name, err)
		}
		*field.to = time.UnixMilli(ms)
	}
	return c, nil
}

// decideScript stores a decision and acknowledges the case's stream entry
// in one step: a case leaves a moderator's pending list only once its
// decision is stored, and a stored decision never stays pending.
//
// KEYS: case, stream, chat set. ARGV: group, status, by, at ms, type, ttl ms.
// Returns the previous status followed by the case's fields, -1 when the
// case does not exist, -2 when it was never queued.
var decideScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return -1 end
local sid = redis.call("HGET", KEYS[1], "stream_id")
if not sid then return -2 end
local previous = redis.call("HGET", KEYS[1], "status")
redis.call("HSET", KEYS[1], "status", ARGV[2], "decided_by", ARGV[3], "decided_at", ARGV[4], "decided_type", ARGV[5])
redis.call("PEXPIRE", KEYS[1], ARGV[6])
if redis.call("PTTL", KEYS[3]) < tonumber(ARGV[6]) then redis.call("PEXPIRE", KEYS[3], ARGV[6]) end
pcall(redis.call, "XACK", KEYS[2], ARGV[1], sid)
local out = {previous}
local fields = redis.call("HGETALL", KEYS[1])
for i = 1, #fields do out[#out + 1] = fields[i] end
return out
`)

// DecideCase stores a moderator's decision (status is the outcome's) and
// acknowledges the case on the stream, atomically. A decided case may be decided again (a correction); it
// returns the status before this decision and the case after it.
func (s *storage) DecideCase(ctx context.Context, chat int64, id string, status Status, by int64, at time.Time, scamType string) (previous Status, c record, err error) {
	if status == "" {
		return "", c, fmt.Errorf("decide case %s: no status", id)
	}
	if !validCaseID(id) {
		return "", c, fmt.Errorf("decide case %q: %w", id, ErrNotFound)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys := []string{s.caseKey(id), s.key("queue"), s.caseChatKey(chat)}
	res, err := decideScript.Run(ctx, s.Client, keys, reviewGroup, string(status), by, at.UnixMilli(), scamType, DecidedTTL.Milliseconds()).Result()
	if err != nil {
		return "", c, fmt.Errorf("decide case %s: %w", id, err)
	}
	switch n, _ := res.(int64); {
	case n == -1 && s.isDraft(ctx, id):
		return "", c, fmt.Errorf("decide case %s: %w", id, ErrNotQueued)
	case n == -1:
		return "", c, fmt.Errorf("decide case %s: %w", id, ErrNotFound)
	case n == -2:
		return "", c, fmt.Errorf("decide case %s: %w", id, ErrNotQueued)
	}
	list, ok := res.([]any)
	if !ok || len(list)%2 != 1 {
		return "", c, fmt.Errorf("decide case %s: unexpected answer %v", id, res)
	}
	previousText, _ := list[0].(string)
	previous = Status(previousText)
	fields := make(map[string]string, len(list)/2)
	for i := 1; i+1 < len(list); i += 2 {
		name, _ := list[i].(string)
		value, _ := list[i+1].(string)
		fields[name] = value
	}
	c, err = caseFromFields(fields)
	return previous, c, err
}

// isDraft reports whether id is a draft under its chat's tag (not queued).
func (s *storage) isDraft(ctx context.Context, id string) bool {
	chat := draftChat(id)
	return chat != 0 && s.Client.Exists(ctx, s.draftKey(chat, id)).Val() == 1
}

// MarkFollowUp records that the user's follow-up is being sent and reports
// whether this call is the one that marked it: of two replicas (or two
// moderators' decisions) only one sends it.
func (s *storage) MarkFollowUp(ctx context.Context, id string) (bool, error) {
	if !validCaseID(id) {
		return false, fmt.Errorf("mark follow-up of case %q: %w", id, ErrNotFound)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := markFollowUpScript.Run(ctx, s.Client, []string{s.caseKey(id)}).Int()
	switch {
	case err != nil:
		return false, fmt.Errorf("mark follow-up of case %s: %w", id, err)
	case n == -1:
		return false, fmt.Errorf("mark follow-up of case %s: %w", id, ErrNotFound)
	}
	return n == 1, nil
}

var markFollowUpScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return -1 end
return redis.call("HSETNX", KEYS[1], "followup", "1")
`)

// NextCase returns the next case for moderator consumer: first one already
// delivered to it and not decided (it asked before and did not answer),
// then one idle for at least claimIdle in another moderator's pending list
// (a moderator who went away: XAUTOCLAIM), then a new one (XREADGROUP >).
// Entries whose case is decided, expired or forgotten are acknowledged
// and passed over. ok is false when nothing is waiting.
func (s *storage) NextCase(ctx context.Context, consumer string, claimIdle time.Duration) (c record, ok bool, err error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.ensureGroup(ctx); err != nil {
		return c, false, err
	}
	stream := s.key("queue")
	// Each step may find only stale entries; bounded so a queue full of
	// them cannot spin (each pass acknowledges what it passed over).
	for range 20 {
		var ids []redis.XMessage
		own, err := s.Client.XReadGroup(ctx, &redis.XReadGroupArgs{
			Group: reviewGroup, Consumer: consumer, Streams: []string{stream, "0"}, Count: 10, Block: -1,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return c, false, fmt.Errorf("read %s's pending cases: %w", consumer, err)
		}
		if len(own) > 0 {
			ids = own[0].Messages
		}
		if len(ids) == 0 {
			claimed, _, err := s.Client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
				Stream: stream, Group: reviewGroup, Consumer: consumer, MinIdle: claimIdle, Start: "0", Count: 1,
			}).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				return c, false, fmt.Errorf("re-claim stale cases for %s: %w", consumer, err)
			}
			ids = claimed
		}
		if len(ids) == 0 {
			fresh, err := s.Client.XReadGroup(ctx, &redis.XReadGroupArgs{
				Group: reviewGroup, Consumer: consumer, Streams: []string{stream, ">"}, Count: 1, Block: -1,
			}).Result()
			if err != nil && !errors.Is(err, redis.Nil) {
				return c, false, fmt.Errorf("read new cases for %s: %w", consumer, err)
			}
			if len(fresh) > 0 {
				ids = fresh[0].Messages
			}
		}
		if len(ids) == 0 {
			return c, false, nil
		}
		for _, msg := range ids {
			id, _ := msg.Values["case"].(string)
			rec, err := s.openCase(ctx, id)
			if err != nil {
				return c, false, err
			}
			if rec != nil {
				return *rec, true, nil
			}
			// Decided elsewhere (the card, the console), expired or
			// forgotten: nothing for a moderator to do.
			if err := s.Client.XAck(ctx, stream, reviewGroup, msg.ID).Err(); err != nil {
				return c, false, fmt.Errorf("acknowledge stale case entry %s: %w", msg.ID, err)
			}
		}
	}
	return c, false, nil
}

// openCase returns the case when it exists and is still open (no
// decision yet), else nil.
func (s *storage) openCase(ctx context.Context, id string) (*record, error) {
	if !validCaseID(id) {
		return nil, nil
	}
	fields, err := s.Client.HGetAll(ctx, s.caseKey(id)).Result()
	if err != nil {
		return nil, fmt.Errorf("read case %s: %w", id, err)
	}
	if len(fields) == 0 || Status(fields["status"]) != StatusOpen {
		return nil, nil
	}
	rec, err := caseFromFields(fields)
	if err != nil {
		return nil, err
	}
	return &rec, nil
}

// ReclaimCases moves every case idle for at least minIdle in some
// moderator's pending list to consumer (XAUTOCLAIM), and reports how many.
func (s *storage) ReclaimCases(ctx context.Context, consumer string, minIdle time.Duration) (int, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.ensureGroup(ctx); err != nil {
		return 0, err
	}
	total, start := 0, "0"
	for range 100 {
		claimed, next, err := s.Client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
			Stream: s.key("queue"), Group: reviewGroup, Consumer: consumer, MinIdle: minIdle, Start: start, Count: 100,
		}).Result()
		if err != nil && !errors.Is(err, redis.Nil) {
			return total, fmt.Errorf("re-claim stale cases for %s: %w", consumer, err)
		}
		total += len(claimed)
		if next == "0-0" || next == "" {
			break
		}
		start = next
	}
	return total, nil
}

// ensureGroup creates the stream and its group when missing (a fresh
// Redis, or one that lost its data).
func (s *storage) ensureGroup(ctx context.Context) error {
	err := s.Client.XGroupCreateMkStream(ctx, s.key("queue"), reviewGroup, "0").Err()
	if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create the review group: %w", err)
	}
	return nil
}

// ListCases returns queued cases whose queue time lies in [from, to), newest
// first, at most limit. Cases that expired are pruned from the list as
// they are met.
func (s *storage) ListCases(ctx context.Context, from, to time.Time, limit int) ([]record, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	list := s.key("cases")
	ids, err := s.Client.ZRevRangeByScore(ctx, list, &redis.ZRangeBy{
		Min: strconv.FormatInt(from.UnixMilli(), 10), Max: "(" + strconv.FormatInt(to.UnixMilli(), 10),
		Count: int64(limit),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	pipe := s.Client.Pipeline()
	reads := make([]*redis.MapStringStringCmd, len(ids))
	for i, id := range ids {
		reads[i] = pipe.HGetAll(ctx, s.caseKey(id))
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("read listed cases: %w", err)
	}
	cases := make([]record, 0, len(ids))
	var gone []any
	for i, read := range reads {
		fields := read.Val()
		if len(fields) == 0 {
			gone = append(gone, ids[i])
			continue
		}
		c, err := caseFromFields(fields)
		if err != nil {
			return nil, err
		}
		cases = append(cases, c)
	}
	if len(gone) > 0 {
		if err := s.Client.ZRem(ctx, list, gone...).Err(); err != nil {
			return nil, fmt.Errorf("prune expired cases from the list: %w", err)
		}
	}
	return cases, nil
}

// forgetCasesScript deletes every case of a chat, its stream entries (and
// their pending state) and its list entries.
//
// KEYS: chat set, stream, cases zset. ARGV: group, case key prefix.
var forgetCasesScript = redis.NewScript(`
local ids = redis.call("SMEMBERS", KEYS[1])
local n = 0
for _, id in ipairs(ids) do
  local key = ARGV[2] .. id
  local sid = redis.call("HGET", key, "stream_id")
  if sid then
    pcall(redis.call, "XACK", KEYS[2], ARGV[1], sid)
    redis.call("XDEL", KEYS[2], sid)
  end
  redis.call("ZREM", KEYS[3], id)
  n = n + redis.call("DEL", key)
end
redis.call("DEL", KEYS[1])
return n
`)

// forgetDraftsScript deletes every draft of a chat and its set of ids.
//
// KEYS: the chat's draft set. ARGV: the draft key prefix.
var forgetDraftsScript = redis.NewScript(`
local n = 0
for _, id in ipairs(redis.call("SMEMBERS", KEYS[1])) do
  n = n + redis.call("DEL", ARGV[1] .. id)
end
redis.call("DEL", KEYS[1])
return n
`)

// ForgetChatCases deletes every case of chat (drafts, queued, decided),
// their stream entries and list entries, for the user's /forget; it
// reports how many cases there were. Fingerprints learnt from a confirmed
// case stay: they hold no text and describe the scammer's script.
func (s *storage) ForgetChatCases(ctx context.Context, chat int64) (int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	keys := []string{s.caseChatKey(chat), s.key("queue"), s.key("cases")}
	n, err := forgetCasesScript.Run(ctx, s.Client, keys, reviewGroup, s.key("case:")).Int64()
	if err != nil {
		return 0, fmt.Errorf("forget the cases of chat %d: %w", chat, err)
	}
	drafts, err := forgetDraftsScript.Run(ctx, s.Client, []string{s.draftSetKey(chat)}, s.draftKey(chat, "")).Int64()
	if err != nil {
		return n, fmt.Errorf("forget the drafts of chat %d: %w", chat, err)
	}
	return n + drafts, nil
}

// ChatKeys lists the keys held about chat's cases (its set of case ids and
// each case), for /mydata.
func (s *storage) ChatKeys(ctx context.Context, chat int64) ([]store.KeyAbout, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.Client.SMembers(ctx, s.caseChatKey(chat)).Result()
	if err != nil {
		return nil, fmt.Errorf("list the cases of chat %d: %w", chat, err)
	}
	keys := []store.KeyAbout{{Key: s.caseChatKey(chat), What: "the ids of the chat's review cases"}}
	for _, id := range ids {
		keys = append(keys, store.KeyAbout{Key: s.caseKey(id), What: "a review case: what moderators see (redacted) and their decision"})
	}
	drafts, err := s.Client.SMembers(ctx, s.draftSetKey(chat)).Result()
	if err != nil {
		return nil, fmt.Errorf("list the drafts of chat %d: %w", chat, err)
	}
	if len(drafts) > 0 {
		keys = append(keys, store.KeyAbout{Key: s.draftSetKey(chat), What: "the ids of the chat's draft review cases"})
	}
	for _, id := range drafts {
		keys = append(keys, store.KeyAbout{Key: s.draftKey(chat, id), What: "a draft review case for an answer the bot gave (redacted), kept in case you ask a human"})
	}
	return keys, nil
}

// Cards returns where chat's cases were posted as cards in moderators'
// chats ({chat, message} pairs), so that forgetting the chat deletes those
// copies too.
func (s *storage) Cards(ctx context.Context, chat int64) ([][2]int64, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := s.Client.SMembers(ctx, s.caseChatKey(chat)).Result()
	if err != nil {
		return nil, fmt.Errorf("list the cases of chat %d: %w", chat, err)
	}
	var cards [][2]int64
	for _, id := range ids {
		fields, err := s.Client.HMGet(ctx, s.caseKey(id), "card_chat", "card_msg").Result()
		if err != nil {
			return nil, fmt.Errorf("read the card of case %s: %w", id, err)
		}
		cardChat, _ := strconv.ParseInt(fmt.Sprint(fields[0]), 10, 64)
		cardMsg, _ := strconv.ParseInt(fmt.Sprint(fields[1]), 10, 64)
		if cardChat != 0 && cardMsg != 0 {
			cards = append(cards, [2]int64{cardChat, cardMsg})
		}
	}
	return cards, nil
}
