package sendqueue

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The queue's keys. A chat's share its hash tag with the rest of the
// chat's keys (store.go), so one Lua script queues, claims and acks a
// message atomically on the chat's Cluster slot; the few keys of no chat
// share {send}:
//
//	<prefix>{c:<chat>}:sendq  list  the chat's queued messages, first to go first (JSON: method, params, key, kind)   QueueTTL
//	<prefix>{c:<chat>}:sendm  hash  claim, lease (ms), next (the chat's pace, ms), claims, q:<key> (queued), a:<key> (attempts)   QueueTTL
//	<prefix>{c:<chat>}:sent   zset  key → when sent (ms): the sent-marks   SentTTL
//	<prefix>{send}:due        zset  chat → when to look at it (ms)
//	<prefix>{send}:pace       string the bot's next free send slot (ms)
//	<prefix>{send}:hold       string until when Telegram said to hold every send (ms), PX
//
// A message is queued by one script (cap, de-duplication by key), sent by
// the replica whose claim on the chat's first message wins (a lease, so a
// dead replica's claim lapses), and leaves the list in the same script
// that writes its sent-mark. The due-set entry is written before the
// message and only removed by one who found the chat empty with the entry
// unchanged since it read it, so a queued message always has an entry.
// Times are the replicas' clocks (ms), like the bursts' (store/burst.go),
// except the bot's pace, which reads Redis's own TIME: replicas whose
// clocks drift apart still share one pace.
type keys struct{ prefix string }

func (k keys) chat(chat int64, what string) string {
	return k.prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:" + what
}
func (k keys) list(chat int64) string { return k.chat(chat, "sendq") }
func (k keys) meta(chat int64) string { return k.chat(chat, "sendm") }
func (k keys) sent(chat int64) string { return k.chat(chat, "sent") }
func (k keys) chatKeys(chat int64) []string {
	return []string{k.list(chat), k.meta(chat), k.sent(chat)}
}
func (k keys) due() string  { return k.prefix + "{send}:due" }
func (k keys) pace() string { return k.prefix + "{send}:pace" }
func (k keys) hold() string { return k.prefix + "{send}:hold" }

// ChatKeys are the keys the queue keeps about chat, for /mydata and
// /forget.
func (q *Queue) ChatKeys(chat int64) []string { return q.keys.chatKeys(chat) }

// Outcomes of enqueueScript.
const (
	enqueueFull      = 0
	enqueueQueued    = 1
	enqueueDuplicate = 2
	// enqueueClaimed: queued, and claimed for the caller to send at once
	// (it is the chat's first, and the chat may send now).
	enqueueClaimed = 3
)

// enqueueLua queues a message unless its key is queued or was sent, or
// the chat has cap messages waiting (a message being sent, under a live
// claim, does not count). A message that is the chat's only one, with no
// live claim and the chat's pace passed, is claimed in the same step as
// claimScript would (lease ms under token): the replica that queued it
// sends it without a round trip to claim it.
//
// It is the body of a Lua function of KEYS and ARGV, so that another
// package's script can run it as one of its steps (Queue.Step).
//
// KEYS: list, meta, sent. ARGV: key, record, cap, now ms, queue TTL ms,
// lease ms, token.
const enqueueLua = `
if redis.call("ZSCORE", KEYS[3], ARGV[1]) then return 2 end
if redis.call("HEXISTS", KEYS[2], "q:" .. ARGV[1]) == 1 then return 2 end
local now = tonumber(ARGV[4])
local waiting = redis.call("LLEN", KEYS[1])
local lease = tonumber(redis.call("HGET", KEYS[2], "lease") or "0")
if waiting > 0 and lease > now then
  waiting = waiting - 1
end
if waiting >= tonumber(ARGV[3]) then return 0 end
local length = redis.call("RPUSH", KEYS[1], ARGV[2])
redis.call("HSET", KEYS[2], "q:" .. ARGV[1], ARGV[4])
redis.call("PEXPIRE", KEYS[1], ARGV[5])
redis.call("PEXPIRE", KEYS[2], ARGV[5])
if length == 1 and lease <= now and tonumber(redis.call("HGET", KEYS[2], "next") or "0") <= now then
  redis.call("HINCRBY", KEYS[2], "claims", 1)
  redis.call("HSET", KEYS[2], "claim", ARGV[7], "lease", now + tonumber(ARGV[6]))
  return 3
end
return 1
`

var enqueueScript = redis.NewScript("local function enqueue(KEYS, ARGV)\n" + enqueueLua + "\nend\nreturn enqueue(KEYS, ARGV)\n")

// enqueue stores rec at the end of chat's queue, claiming it for this
// replica when it can be sent at once (the claim comes back with it). The
// due-set entry comes first: a replica dying between the two leaves an
// entry with nothing queued (removed when looked at), never a message
// nobody looks at.
func (q *Queue) enqueue(ctx context.Context, chat int64, rec record) (int, claim, error) {
	encoded, err := json.Marshal(rec)
	if err != nil {
		return 0, claim{}, fmt.Errorf("queue a message for chat %d: %w", chat, err)
	}
	now := time.Now()
	if err := q.due(ctx, chat, now.Add(dueGrace)); err != nil {
		return 0, claim{}, err
	}
	token := randomToken()
	outcome, err := enqueueScript.Run(ctx, q.cfg.Keyspace.Client, q.keys.chatKeys(chat),
		rec.Key, encoded, q.cfg.ChatCap, now.UnixMilli(), QueueTTL.Milliseconds(), q.cfg.Lease.Milliseconds(), token).Int()
	if err != nil {
		return 0, claim{}, fmt.Errorf("queue a message for chat %d: %w", chat, err)
	}
	return outcome, q.queuedClaim(outcome, now, token, rec), nil
}

// queuedClaim is the claim an enqueue took (enqueueClaimed), as claim
// returns it; the zero claim otherwise.
func (q *Queue) queuedClaim(outcome int, now time.Time, token string, rec record) claim {
	if outcome != enqueueClaimed {
		return claim{}
	}
	return claim{status: claimClaimed, until: now.Add(q.cfg.Lease), token: token, rec: rec, claims: 1}
}

// Statuses of claimScript.
const (
	claimEmpty   = 0
	claimWait    = 1
	claimClaimed = 2
)

// claimScript claims chat's first message for lease ms: {0} when nothing
// is queued, {1, ms} when the chat must wait until ms (another replica's
// live claim, or the chat's pace), {2, lease until, record, claims,
// attempts} when claimed. claims counts the claims on this message since
// its last attempt: above 1, the one before lapsed without an outcome (a
// replica died, or lost Redis, while sending it).
//
// KEYS: list, meta. ARGV: now ms, lease ms, token.
var claimScript = redis.NewScript(`
local head = redis.call("LINDEX", KEYS[1], 0)
if not head then return {0} end
local now = tonumber(ARGV[1])
local lease = tonumber(redis.call("HGET", KEYS[2], "lease") or "0")
if lease > now then return {1, lease} end
local nextAt = tonumber(redis.call("HGET", KEYS[2], "next") or "0")
if nextAt > now then return {1, nextAt} end
local claims = redis.call("HINCRBY", KEYS[2], "claims", 1)
local until_ms = now + tonumber(ARGV[2])
redis.call("HSET", KEYS[2], "claim", ARGV[3], "lease", until_ms)
local ok, decoded = pcall(cjson.decode, head)
local attempts = 0
if ok and decoded["key"] then attempts = tonumber(redis.call("HGET", KEYS[2], "a:" .. decoded["key"]) or "0") end
return {2, until_ms, head, claims, attempts}
`)

// claim is the outcome of a claim on a chat's first message.
type claim struct {
	status   int
	until    time.Time
	token    string
	rec      record
	claims   int64
	attempts int
	// slot, when not nil, is a send slot asked for with the claim (gate's
	// answer): waitGlobal starts from it instead of asking again.
	slot *gateAnswer
}

// gateAnswer is what gate answered: how long until the reserved slot (0:
// send now), or, held, how long a 429's hold still lasts; or the error.
type gateAnswer struct {
	wait time.Duration
	held bool
	err  error
}

func (q *Queue) claim(ctx context.Context, chat int64) (claim, error) {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	token := randomToken()
	reply, err := claimScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.list(chat), q.keys.meta(chat)},
		time.Now().UnixMilli(), q.cfg.Lease.Milliseconds(), token).Slice()
	if err != nil {
		return claim{}, fmt.Errorf("claim the next message of chat %d: %w", chat, err)
	}
	c := claim{token: token}
	status, _ := reply[0].(int64)
	c.status = int(status)
	if c.status == claimEmpty {
		return c, nil
	}
	until, _ := reply[1].(int64)
	c.until = time.UnixMilli(until)
	if c.status == claimWait {
		return c, nil
	}
	raw, _ := reply[2].(string)
	c.claims, _ = reply[3].(int64)
	attempts, _ := reply[4].(int64)
	c.attempts = int(attempts)
	if err := json.Unmarshal([]byte(raw), &c.rec); err != nil {
		// Not ours to read: drop it rather than block the chat for ever.
		q.log.Error("send queue: a queued message cannot be read; dropped", "chat", chat, "err", err)
		now := time.Now()
		_, err := q.ack(chat, token, "", now, now)
		return claim{status: claimWait, until: now}, err
	}
	return c, nil
}

// renewScript extends a claim that is still the caller's; 0 when not.
//
// KEYS: meta. ARGV: token, lease until ms.
var renewScript = redis.NewScript(`
if redis.call("HGET", KEYS[1], "claim") ~= ARGV[1] then return 0 end
redis.call("HSET", KEYS[1], "lease", ARGV[2])
return 1
`)

func (q *Queue) renew(ctx context.Context, chat int64, token string) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	until := time.Now().Add(q.cfg.Lease)
	ok, err := renewScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.meta(chat)}, token, until.UnixMilli()).Int()
	if err != nil {
		return time.Time{}, fmt.Errorf("renew the claim on chat %d: %w", chat, err)
	}
	if ok == 0 {
		return time.Time{}, fmt.Errorf("renew the claim on chat %d: claim lost", chat)
	}
	return until, nil
}

// ackScript ends a claim with the message delivered (or given up): it
// leaves the list and its sent-mark is written, in one step, so a replica
// that takes the chat over afterwards never sends it again. A message
// with a random key gets no mark (nothing queues it again). A chat left
// with nothing queued keeps only its pace, until it passes. -1 when the
// claim is not the caller's any more (it lapsed; the message may have
// been sent again by another replica), else how many messages are left.
//
// KEYS: list, meta, sent. ARGV: token, key, now ms, next ms, sent TTL ms, queue TTL ms, mark (1/0).
var ackScript = redis.NewScript(`
if redis.call("HGET", KEYS[2], "claim") ~= ARGV[1] then return -1 end
redis.call("LPOP", KEYS[1])
local now = tonumber(ARGV[3])
if ARGV[7] == "1" then
  redis.call("ZADD", KEYS[3], now, ARGV[2])
  redis.call("ZREMRANGEBYSCORE", KEYS[3], "-inf", now - tonumber(ARGV[5]))
  redis.call("PEXPIRE", KEYS[3], ARGV[5])
end
local left = redis.call("LLEN", KEYS[1])
local nextAt = tonumber(ARGV[4])
if left == 0 then
  redis.call("DEL", KEYS[2])
  if nextAt > now then
    redis.call("HSET", KEYS[2], "next", nextAt)
    redis.call("PEXPIRE", KEYS[2], nextAt - now)
  end
  return 0
end
redis.call("HDEL", KEYS[2], "claim", "lease", "claims", "q:" .. ARGV[2], "a:" .. ARGV[2])
redis.call("HSET", KEYS[2], "next", nextAt)
redis.call("PEXPIRE", KEYS[2], ARGV[6])
return left
`)

// ack records that chat's claimed first message, key, was delivered at
// now (or given up) and that the chat's next may leave at next.
func (q *Queue) ack(chat int64, token, key string, now, next time.Time) (left int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), q.opTimeout())
	defer cancel()
	mark := "1"
	if key == "" || strings.HasPrefix(key, randomKeyPrefix) {
		mark = "0"
	}
	left, err = ackScript.Run(ctx, q.cfg.Keyspace.Client, q.keys.chatKeys(chat), token, key,
		now.UnixMilli(), next.UnixMilli(), SentTTL.Milliseconds(), QueueTTL.Milliseconds(), mark).Int()
	if err != nil {
		return 0, fmt.Errorf("mark a message of chat %d sent: %w", chat, err)
	}
	if left < 0 {
		return 0, fmt.Errorf("mark a message of chat %d sent: the claim lapsed first", chat)
	}
	return left, nil
}

// retryScript ends a claim with a failed attempt: the message stays first
// (order is kept), the chat waits until next, and after max attempts it is
// dropped. -1 when the claim is not the caller's, 0 when dropped, else
// the attempts made.
//
// KEYS: list, meta. ARGV: token, key, next ms, max attempts, queue TTL ms.
var retryScript = redis.NewScript(`
if redis.call("HGET", KEYS[2], "claim") ~= ARGV[1] then return -1 end
redis.call("HDEL", KEYS[2], "claim", "lease", "claims")
local nextAt = tonumber(redis.call("HGET", KEYS[2], "next") or "0")
if tonumber(ARGV[3]) > nextAt then redis.call("HSET", KEYS[2], "next", ARGV[3]) end
local attempts = redis.call("HINCRBY", KEYS[2], "a:" .. ARGV[2], 1)
if attempts >= tonumber(ARGV[4]) then
  redis.call("LPOP", KEYS[1])
  redis.call("HDEL", KEYS[2], "q:" .. ARGV[2], "a:" .. ARGV[2])
  return 0
end
redis.call("PEXPIRE", KEYS[2], ARGV[5])
return attempts
`)

func (q *Queue) retry(chat int64, token, key string, next time.Time, maxAttempts int) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), q.opTimeout())
	defer cancel()
	attempts, err := retryScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.list(chat), q.keys.meta(chat)},
		token, key, next.UnixMilli(), maxAttempts, QueueTTL.Milliseconds()).Int()
	if err != nil {
		return 0, fmt.Errorf("record a failed send to chat %d: %w", chat, err)
	}
	if attempts < 0 {
		return 0, fmt.Errorf("record a failed send to chat %d: the claim lapsed first", chat)
	}
	if err := q.due(ctx, chat, next); err != nil {
		return attempts, err
	}
	return attempts, nil
}

// releaseScript gives a claim back before its call was made (the queue is
// stopping): not a redelivery.
//
// KEYS: meta. ARGV: token.
var releaseScript = redis.NewScript(`
if redis.call("HGET", KEYS[1], "claim") ~= ARGV[1] then return 0 end
redis.call("HDEL", KEYS[1], "claim", "lease")
redis.call("HINCRBY", KEYS[1], "claims", -1)
return 1
`)

func (q *Queue) release(ctx context.Context, chat int64, token string) error {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	if err := releaseScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.meta(chat)}, token).Err(); err != nil {
		return fmt.Errorf("give back the claim on chat %d: %w", chat, err)
	}
	return q.due(ctx, chat, time.Now())
}

// redisNow opens the pace scripts: now, in ms, on Redis's own clock, which
// every replica shares however their clocks drift.
const redisNow = `if redis.replicate_commands then pcall(redis.replicate_commands) end
local t = redis.call("TIME")
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`

// gateScript hands out the bot's send slots, GlobalInterval apart
// whichever replica asks, and none while a 429's hold lasts. It reserves:
// the caller gets the next free slot and how many ms until it (0: send
// now), and the pace moves one interval past it, so a burst of answers
// waiting on the pace costs one call each, not one per interval each. While
// a hold lasts it answers minus the ms left (nothing reserved: ask again
// after). It reads Redis's clock, shared by every replica.
//
// KEYS: pace, hold. ARGV: interval ms.
var gateScript = redis.NewScript(redisNow + `
local hold = tonumber(redis.call("GET", KEYS[2]) or "0")
if hold > now then return now - hold end
local interval = tonumber(ARGV[1])
if interval <= 0 then return 0 end
local slot = math.max(now, tonumber(redis.call("GET", KEYS[1]) or "0"))
redis.call("SET", KEYS[1], slot + interval, "PX", slot + interval - now + 1000)
return slot - now
`)

// heldScript answers how many ms a 429's hold still lasts (0: none): a
// sender that slept until its reserved slot looks once before sending.
//
// KEYS: hold.
var heldScript = redis.NewScript(redisNow + `
local hold = tonumber(redis.call("GET", KEYS[1]) or "0")
if hold > now then return hold - now end
return 0
`)

// slotMillis is the global interval in whole milliseconds, rounded up:
// the script counts slots in Redis's milliseconds, and an interval
// rounded down lets more through than the limit (33 ms for 30/s is 31
// sends in some second; below 1 ms, 0, no limit at all). Rounded up, a
// second holds at most the limit (34 ms: 29.4/s).
func slotMillis(interval time.Duration) int64 {
	return int64((interval + time.Millisecond - 1) / time.Millisecond)
}

// slot is the queue's global interval as the slot script takes it: every
// request for a send slot (gate, and the one a burst's answer makes in its
// finishing pipeline) goes through here, so none rounds down.
func (q *Queue) slot() int64 { return slotMillis(q.cfg.GlobalInterval) }

// gate reserves a send slot: how long until it (0: send now), or, while a
// 429's hold lasts, held with how long it still lasts (nothing reserved).
func (q *Queue) gate(ctx context.Context) (wait time.Duration, held bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	ms, err := gateScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.pace(), q.keys.hold()},
		q.slot()).Int64()
	if err != nil {
		return 0, false, fmt.Errorf("take a send slot: %w", err)
	}
	return gateWait(ms)
}

// gateWait reads gateScript's answer.
func gateWait(ms int64) (wait time.Duration, held bool, err error) {
	if ms < 0 {
		return time.Duration(-ms) * time.Millisecond, true, nil
	}
	return time.Duration(ms) * time.Millisecond, false, nil
}

// held reports how long a 429's hold still lasts (0: none).
func (q *Queue) held(ctx context.Context) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	ms, err := heldScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.hold()}).Int64()
	if err != nil {
		return 0, fmt.Errorf("read the send hold: %w", err)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// holdScript makes every replica hold its sends until ms (never shortens
// a longer hold); the key expires with it.
//
// KEYS: hold. ARGV: until ms, now ms.
var holdScript = redis.NewScript(`
local cur = tonumber(redis.call("GET", KEYS[1]) or "0")
local until_ms = tonumber(ARGV[1])
if until_ms > cur then
  redis.call("SET", KEYS[1], ARGV[1], "PX", math.max(until_ms - tonumber(ARGV[2]), 1) + 1000)
end
return 0
`)

func (q *Queue) hold(until time.Time) error {
	ctx, cancel := context.WithTimeout(context.Background(), q.opTimeout())
	defer cancel()
	if err := holdScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.hold()}, until.UnixMilli(), time.Now().UnixMilli()).Err(); err != nil {
		return fmt.Errorf("hold every send until %s: %w", until.Format(time.RFC3339), err)
	}
	return nil
}

// Forget deletes what the queue keeps about chat (its queued messages,
// pace and sent-marks): /forget. A message being sent meanwhile is sent,
// and its claim finds nothing to mark.
func (q *Queue) Forget(ctx context.Context, chat int64) error {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	if err := q.cfg.Keyspace.Client.Del(ctx, q.keys.chatKeys(chat)...).Err(); err != nil {
		return fmt.Errorf("forget the send queue of chat %d: %w", chat, err)
	}
	return nil
}

// due makes the due-set look at chat at t.
func (q *Queue) due(ctx context.Context, chat int64, t time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	if err := q.cfg.Keyspace.Client.ZAdd(ctx, q.keys.due(), redis.Z{Score: float64(t.UnixMilli()), Member: chat}).Err(); err != nil {
		return fmt.Errorf("make chat %d due to send: %w", chat, err)
	}
	return nil
}

// undueScript removes a due-set entry only if its score is still the one
// the caller saw: a message queued since changed it.
var undueScript = redis.NewScript(`
local score = redis.call("ZSCORE", KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then redis.call("ZREM", KEYS[1], ARGV[1]) end
return 0
`)

func (q *Queue) undue(ctx context.Context, chat int64, seen float64) error {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	if err := undueScript.Run(ctx, q.cfg.Keyspace.Client, []string{q.keys.due()}, chat,
		strconv.FormatFloat(seen, 'f', -1, 64)).Err(); err != nil {
		return fmt.Errorf("remove chat %d from the due sends: %w", chat, err)
	}
	return nil
}

// dueChat is a chat the due-set says to look at, and the score it had.
type dueChat struct {
	chat  int64
	score float64
}

func (q *Queue) dueChats(ctx context.Context, now time.Time, limit int) ([]dueChat, error) {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	zs, err := q.cfg.Keyspace.Client.ZRangeArgsWithScores(ctx, redis.ZRangeArgs{Key: q.keys.due(), ByScore: true,
		Start: "-inf", Stop: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(limit)}).Result()
	if err != nil {
		return nil, fmt.Errorf("list the chats due to send: %w", err)
	}
	due := make([]dueChat, 0, len(zs))
	for _, z := range zs {
		member, _ := z.Member.(string)
		chat, err := strconv.ParseInt(member, 10, 64)
		if err != nil {
			continue
		}
		due = append(due, dueChat{chat: chat, score: z.Score})
	}
	return due, nil
}

// length is how many messages wait for chat (the one being sent included).
func (q *Queue) length(ctx context.Context, chat int64) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, q.opTimeout())
	defer cancel()
	n, err := q.cfg.Keyspace.Client.LLen(ctx, q.keys.list(chat)).Result()
	if err != nil {
		return 0, fmt.Errorf("count the messages queued for chat %d: %w", chat, err)
	}
	return n, nil
}

// depthLimit bounds the chats a scrape of the queue's depth counts.
const depthLimit = 1000

// depth is how many messages wait in all, over the chats in the due-set
// (at most depthLimit of them): the queue-length gauge, read at scrape.
func (q *Queue) depth() float64 {
	ctx, cancel := context.WithTimeout(context.Background(), q.opTimeout())
	defer cancel()
	members, err := q.cfg.Keyspace.Client.ZRange(ctx, q.keys.due(), 0, depthLimit-1).Result()
	if err != nil || len(members) == 0 {
		return 0
	}
	pipe := q.cfg.Keyspace.Client.Pipeline()
	lens := make([]*redis.IntCmd, 0, len(members))
	for _, m := range members {
		chat, err := strconv.ParseInt(m, 10, 64)
		if err != nil {
			continue
		}
		lens = append(lens, pipe.LLen(ctx, q.keys.list(chat)))
	}
	_, _ = pipe.Exec(ctx) // a failed count reads as 0
	total := int64(0)
	for _, n := range lens {
		total += n.Val()
	}
	return float64(total)
}
