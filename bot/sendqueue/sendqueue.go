// Package sendqueue is the bot's one outbound queue, the last step of an
// update's way through the bot. Every call to the Bot API that sends or
// edits something goes through it, so Telegram's limits are kept in one
// place for every replica: a private chat gets at most one message per
// ChatInterval, a group one per GroupInterval, and the bot one per
// GlobalInterval in all, whichever replica sends.
//
// The queue lives in Redis (redis.go), not in the process: a call is
// stored as data (method, parameters as JSON, an idempotency key) before
// Send returns, so a replica that dies with replies queued leaves them to
// another replica, or to itself after a restart. A chat's messages leave
// in the order they were queued, each after the previous one was
// delivered or given up, so a retry never reorders a chat. Each message is
// sent once: the one duplicate that can happen is a replica dying (or
// losing Redis for a whole lease) after Telegram accepted a message and
// before its sent-mark was written, when the message is sent again by
// whoever takes the chat over.
package sendqueue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/store"
)

// DefaultChatCap is how many calls may wait for one chat: a user who
// sends /help a thousand times gets ten answers, not sixteen minutes of them.
const DefaultChatCap = 10

// Config is the queue's Redis, its Bot API and its pace; a zero interval
// sends without waiting.
type Config struct {
	// Keyspace is the store's Redis (store.Store.Keyspace): the queue
	// keeps its own keys there.
	Keyspace store.Keyspace
	// APIURL and Token address the Bot API (Telegram's, or a fake's).
	APIURL string
	Token  string
	// HTTPClient makes the calls; nil uses one with a 30 s timeout.
	HTTPClient *http.Client
	// ChatCap is the most calls that wait for one chat (the one being
	// made not counted); a call past it is refused (Send says so) and
	// counted. 0 means DefaultChatCap.
	ChatCap int
	// ChatInterval, GroupInterval and GlobalInterval space out messages
	// sent to one private chat, one group, and in all: shared by every
	// replica on the Redis.
	ChatInterval   time.Duration
	GroupInterval  time.Duration
	GlobalInterval time.Duration
	// Lease is how long a replica holds a chat's first message while it
	// sends it; a replica that dies holding it loses it then, and the
	// message is sent by another. 0 means DefaultLease.
	Lease time.Duration
	// Poll is how often the due-set is looked at for chats that another
	// replica queued to, or that a dead one held; 0 means DefaultPoll.
	Poll time.Duration
}

// Defaults of Config.
const (
	DefaultLease = 45 * time.Second
	DefaultPoll  = 100 * time.Millisecond
)

// QueueTTL bounds how long a queued message waits in Redis when no
// replica sends it (every replica down): it is rendered text, and an
// answer an hour late is no answer.
const QueueTTL = time.Hour

// SentTTL is how long a chat remembers the keys of the messages it was
// sent (the sent-marks: keys, no text), so a message queued again under
// the same key (a burst answered again after a replica died before
// closing it) is not sent twice.
const SentTTL = time.Hour

// Retry bounds: Telegram asks for a pause with 429 and retry_after; a 5xx
// or a network error gets an exponential backoff from firstBackoff up to
// maxBackoff, so a reply outlives about a minute of Telegram being down.
const (
	maxSendAttempts = 8
	firstBackoff    = 500 * time.Millisecond
	maxBackoff      = 30 * time.Second
	maxRetryAfter   = 5 * time.Minute
	// callTimeout bounds one Bot API call; it is well inside a lease.
	callTimeout = 30 * time.Second
	// shortWait is how long a worker sleeps for a chat's or the bot's pace
	// itself; a longer wait is left to the due-set.
	shortWait = 2 * time.Second
	// dueGrace is when the due-set first looks at a chat a message was
	// queued to: the replica that queued it sends it at once, so the entry
	// is only the safety net for a replica that dies first.
	dueGrace = 3 * time.Second
)

// Message is one Bot API call, as data: it can wait in Redis and be made
// by any replica.
type Message struct {
	// Method is the Bot API method: sendMessage, editMessageText,
	// editMessageReplyMarkup, sendDocument, …
	Method string
	// Params are the method's parameters, encoded as JSON (a go-telegram
	// params struct, or a map); chat_id is set from the chat.
	Params any
	// Upload is a file sent with the call (multipart), for sendDocument.
	Upload *Upload
	// Key makes the message idempotent within its chat: a message queued
	// while one with the same key waits, or within SentTTL of one sent,
	// is not queued. Empty: a random key (the call is always queued).
	Key string
	// After names a handler (Handle) run by the replica that delivered the
	// message, with Ref and Telegram's result: what a closure would have
	// done after the call, for a message that may be sent by another
	// replica.
	After string
	Ref   string
}

// Upload is a file sent with a call.
type Upload struct {
	// Field is the parameter that carries it ("document").
	Field    string `json:"field"`
	Filename string `json:"filename"`
	Data     []byte `json:"data"`
}

// AfterFunc runs after a message with After set was delivered: chat, the
// message's Ref, and the message Telegram returned (nil when the method
// returns none).
type AfterFunc func(ctx context.Context, chat int64, ref string, sent *models.Message)

// Queue is the outbound queue of one replica; safe for concurrent use.
type Queue struct {
	cfg     Config
	keys    keys
	log     *slog.Logger
	metrics queueMetrics
	api     botAPI

	// local are the lanes of messages Redis could not store (local.go).
	local localLanes

	mu      sync.Mutex
	after   map[string]AfterFunc
	working map[int64]*worker
	// queuedHere are the chats this replica queued to since it started:
	// Close waits until they are empty.
	queuedHere map[int64]struct{}
	// claimed are claims taken by an enqueue (enqueueClaimed), waiting for
	// the chat's worker.
	claimed map[int64]claim

	// afterClaim, when set (tests), runs after each claim a worker takes
	// or makes, before it acts on it.
	afterClaim func(chat int64, c claim)

	kick    chan int64
	ctx     context.Context
	cancel  context.CancelFunc
	running sync.WaitGroup
}

// worker marks a chat being sent by this replica; again asks it to look
// once more before it leaves (a message queued while it was finishing).
type worker struct{ again bool }

// New builds a queue whose series are registered on reg and starts
// sending: messages this replica queues, and due ones of any replica.
// Close stops it.
func New(cfg Config, log *slog.Logger, reg prometheus.Registerer) *Queue {
	if cfg.ChatCap <= 0 {
		cfg.ChatCap = DefaultChatCap
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Poll <= 0 {
		cfg.Poll = DefaultPoll
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: callTimeout}
	}
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{cfg: cfg, keys: keys{prefix: cfg.Keyspace.Prefix}, log: log,
		api:   botAPI{url: cfg.APIURL, token: cfg.Token, client: client},
		after: map[string]AfterFunc{}, working: map[int64]*worker{}, queuedHere: map[int64]struct{}{}, claimed: map[int64]claim{},
		kick: make(chan int64, 256), ctx: ctx, cancel: cancel}
	q.metrics = newQueueMetrics(reg, q.depth)
	q.running.Add(1)
	go q.dispatch()
	return q
}

// Handle registers what runs after a message whose After is name was
// delivered. Register before sending: every replica registers the same
// handlers, since any of them may deliver the message.
func (q *Queue) Handle(name string, f AfterFunc) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.after[name] = f
}

// randomKeyPrefix starts the key of a message queued without one.
const randomKeyPrefix = "r:"

// record is a Message as stored in a chat's list.
type record struct {
	Key    string          `json:"key"`
	What   string          `json:"what"`
	Group  bool            `json:"group,omitempty"`
	Method string          `json:"method"`
	Params json.RawMessage `json:"params"`
	Upload *Upload         `json:"upload,omitempty"`
	After  string          `json:"after,omitempty"`
	Ref    string          `json:"ref,omitempty"`
	// Queued is when it was queued (unix ms): the lag is measured from it.
	Queued int64 `json:"queued"`
}

// Send queues msg for chat; group chats are paced as groups. what names
// the call in logs and metrics ("reply", "warning", "card", …). It
// reports whether the message is in the queue once it returns (stored in
// Redis): false when ChatCap messages already wait for chat (the message
// is dropped, and counted), or when Redis failed. A message whose Key was
// queued or sent already reports true: it is (or was) on its way.
func (q *Queue) Send(chat int64, group bool, what string, msg Message) bool {
	ctx, cancel := context.WithTimeout(context.Background(), q.opTimeout())
	defer cancel()
	rec, err := q.encode(chat, group, what, msg)
	if err != nil {
		q.log.Error("send queue: message not encodable; dropped", "chat", chat, "what", what, "err", err)
		q.metrics.failed.WithLabelValues(what).Inc()
		return false
	}
	outcome, claimed, err := q.enqueue(ctx, chat, rec)
	return q.queued(chat, rec, outcome, claimed, err)
}

// Step is Send as a step of a script the store runs on chat's slot
// (store.Store.FinishBurst): msg is queued (and claimed for this replica
// when it can go at once) in the same atomic step as the caller's own
// writes, the due-set entry first in the same pipeline. done takes the
// step's outcome, or the error the script ended with (nil when it ran and
// did not stop on the step), does what Send does once a message was
// stored or not, and reports what Send reports; when the script stopped
// before the step ran (the caller's claim was lost), done is not called.
func (q *Queue) Step(chat int64, group bool, what string, msg Message) (step store.Step, done func(outcome int64, err error) bool, err error) {
	rec, err := q.encode(chat, group, what, msg)
	if err != nil {
		q.log.Error("send queue: message not encodable; dropped", "chat", chat, "what", what, "err", err)
		q.metrics.failed.WithLabelValues(what).Inc()
		return store.Step{}, nil, err
	}
	encoded, err := json.Marshal(rec)
	if err != nil {
		return store.Step{}, nil, fmt.Errorf("queue a message for chat %d: %w", chat, err)
	}
	now := time.Now()
	token := randomToken()
	step = store.Step{
		Lua:  enqueueLua,
		Keys: q.keys.chatKeys(chat),
		Args: []any{rec.Key, encoded, q.cfg.ChatCap, now.UnixMilli(), QueueTTL.Milliseconds(), q.cfg.Lease.Milliseconds(), token},
		Before: func(ctx context.Context, pipe redis.Pipeliner) {
			pipe.ZAdd(ctx, q.keys.due(), redis.Z{Score: float64(now.Add(dueGrace).UnixMilli()), Member: chat})
		},
		Scripts: []*redis.Script{gateScript},
	}
	// The message is claimed for this replica when it can go at once (the
	// usual case), and then wants a send slot: asked for in the same
	// pipeline. A slot taken for a message that was not claimed is one
	// send the bot does not make, never one too many.
	var slot *redis.Cmd
	step.After = func(ctx context.Context, pipe redis.Pipeliner) {
		slot = gateScript.EvalSha(ctx, pipe, []string{q.keys.pace(), q.keys.hold()}, q.slot())
	}
	done = func(outcome int64, err error) bool {
		claimed := q.queuedClaim(int(outcome), now, token, rec)
		if claimed.status == claimClaimed && slot != nil {
			ms, slotErr := slot.Int64()
			wait, held, _ := gateWait(ms)
			claimed.slot = &gateAnswer{wait: wait, held: held, err: slotErr}
		}
		return q.queued(chat, rec, int(outcome), claimed, err)
	}
	return step, done, nil
}

// queued finishes Send once rec was stored (or not): outcome and claimed
// are what the enqueue answered, err why it failed.
func (q *Queue) queued(chat int64, rec record, outcome int, claimed claim, err error) bool {
	what := rec.What
	switch {
	case err != nil:
		q.log.Warn("send queue: storing a message failed; sent from this process", "chat", chat, "what", what, "err", err)
		q.metrics.local.Inc()
		if !q.sendLocal(chat, rec) {
			q.metrics.dropped.WithLabelValues(what).Inc()
			return false
		}
		return true
	case outcome == enqueueFull:
		q.metrics.dropped.WithLabelValues(what).Inc()
		q.log.Debug("send queue full for this chat; message dropped", "chat", chat, "what", what)
		return false
	case outcome == enqueueDuplicate:
		q.metrics.duplicates.Inc()
		return true
	}
	if outcome == enqueueClaimed && q.ctx.Err() != nil {
		// Stopped: no worker will take the claim; any replica may.
		if err := q.release(context.Background(), chat, claimed.token); err != nil {
			q.log.Warn("send queue: giving a claim back failed; it lapses", "chat", chat, "err", err)
		}
		outcome = enqueueQueued
	}
	q.mu.Lock()
	q.queuedHere[chat] = struct{}{}
	if outcome == enqueueClaimed {
		q.claimed[chat] = claimed
	}
	q.mu.Unlock()
	if outcome == enqueueClaimed {
		// Ours to send now: a worker must take the claim (and gives it
		// back when the queue is stopping), or it would hold the chat
		// until its lease ends.
		q.work(chat, 0)
		return true
	}
	select {
	case q.kick <- chat:
	default: // the due-set brings it a few seconds later
	}
	return true
}

// takeClaimed returns the claim an enqueue of this replica took on chat's
// first message, if one waits for the worker.
func (q *Queue) takeClaimed(chat int64) (claim, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	c, ok := q.claimed[chat]
	delete(q.claimed, chat)
	return c, ok
}

// encode turns msg into its stored record.
func (q *Queue) encode(chat int64, group bool, what string, msg Message) (record, error) {
	params, err := json.Marshal(msg.Params)
	if err != nil {
		return record{}, fmt.Errorf("encode %s for chat %d: %w", msg.Method, chat, err)
	}
	params, err = withChatID(params, chat)
	if err != nil {
		return record{}, fmt.Errorf("encode %s for chat %d: %w", msg.Method, chat, err)
	}
	key := msg.Key
	if key == "" {
		key = randomKeyPrefix + randomToken()
	}
	return record{Key: key, What: what, Group: group, Method: msg.Method, Params: params, Upload: msg.Upload,
		After: msg.After, Ref: msg.Ref, Queued: time.Now().UnixMilli()}, nil
}

// withChatID sets chat_id in a JSON object of parameters.
func withChatID(params json.RawMessage, chat int64) (json.RawMessage, error) {
	fields := map[string]json.RawMessage{}
	if string(params) != "null" {
		if err := json.Unmarshal(params, &fields); err != nil {
			return nil, fmt.Errorf("parameters are not a JSON object: %w", err)
		}
	}
	fields["chat_id"] = json.RawMessage(fmt.Sprint(chat))
	return json.Marshal(fields)
}

// dispatch starts a worker for each chat that was queued to here, and for
// each chat the due-set says is due, until the queue stops.
func (q *Queue) dispatch() {
	defer q.running.Done()
	ticker := time.NewTicker(q.cfg.Poll)
	defer ticker.Stop()
	failing := false
	for {
		select {
		case <-q.ctx.Done():
			return
		case chat := <-q.kick:
			q.work(chat, 0)
		case <-ticker.C:
			due, err := q.dueChats(q.ctx, time.Now(), 256)
			if errors.Is(err, redis.ErrClosed) {
				return // the store was closed under a queue nobody closed (tests)
			}
			if err != nil {
				if !failing && q.ctx.Err() == nil {
					q.log.Warn("send queue: reading the due-set failed", "err", err)
				}
				failing = true
				continue
			}
			failing = false
			for _, d := range due {
				q.work(d.chat, d.score)
			}
		}
	}
}

// work sends chat's messages on a goroutine of its own, unless one is at
// it already (then it looks again before it leaves). seen is the due-set
// score that led here, 0 for none.
func (q *Queue) work(chat int64, seen float64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if w, busy := q.working[chat]; busy {
		w.again = true
		return
	}
	q.working[chat] = &worker{}
	q.running.Add(1)
	go q.drainChat(chat, seen)
}

// leave ends chat's worker unless it was asked to look again.
func (q *Queue) leave(chat int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if w := q.working[chat]; w != nil && w.again && q.ctx.Err() == nil {
		w.again = false
		return false
	}
	delete(q.working, chat)
	return true
}

// drainChat sends chat's messages in order while they are due, then
// leaves the rest (a chat paced, or held by another replica) to the
// due-set.
func (q *Queue) drainChat(chat int64, seen float64) {
	defer q.running.Done()
	for {
		if q.ctx.Err() != nil {
			if c, ok := q.takeClaimed(chat); ok {
				// Taken by Send and never used: any replica may have it.
				if err := q.release(context.Background(), chat, c.token); err != nil {
					q.log.Warn("send queue: giving a claim back failed; it lapses", "chat", chat, "err", err)
				}
			}
			q.leave(chat)
			return
		}
		claimed, ok := q.takeClaimed(chat)
		var err error
		if !ok {
			claimed, err = q.claim(q.ctx, chat)
		}
		if q.afterClaim != nil {
			q.afterClaim(chat, claimed)
		}
		// Every way out goes through leave, and goes on when leave says a
		// message came meanwhile: a worker that left anyway would stay
		// marked busy, and the chat would never be sent by this replica
		// again (its claim lapsing after a lease at best).
		if err != nil {
			if q.ctx.Err() == nil {
				q.log.Warn("send queue: claiming a chat's next message failed; it is tried again later", "chat", chat, "err", err)
			}
			if q.leave(chat) {
				return
			}
			continue
		}
		switch claimed.status {
		case claimEmpty:
			if seen != 0 {
				if err := q.undue(q.ctx, chat, seen); err != nil {
					q.log.Warn("send queue: removing a chat from the due-set failed", "chat", chat, "err", err)
				}
				seen = 0
			}
			if q.leave(chat) {
				return
			}
			continue
		case claimWait:
			wait := time.Until(claimed.until)
			if wait <= shortWait && q.sleep(wait) {
				continue
			}
			if err := q.due(q.ctx, chat, claimed.until); err != nil {
				q.log.Warn("send queue: making a chat due failed", "chat", chat, "err", err)
			}
			if q.leave(chat) {
				return
			}
			continue
		}
		seen = 0 // the score may have changed since: never remove the entry on an old score
		q.metrics.claims.Inc()
		if claimed.claims > 1 {
			q.metrics.redeliveries.Inc()
			q.log.Warn("send queue: a message whose replica died or lost its claim is sent again", "chat", chat, "what", claimed.rec.What)
		}
		if !q.deliver(chat, claimed) && q.leave(chat) {
			// The chat's queue is empty: no claim to find it so.
			return
		}
	}
}

// deliver waits for the bot's pace (and any 429 hold), makes the call and
// records its outcome; more is false when the chat's queue was left empty.
func (q *Queue) deliver(chat int64, c claim) (more bool) {
	rec := c.rec
	if !q.waitGlobal(chat, &c) {
		// Stopping before the call was made: the message stays first in
		// its chat, for any replica.
		if err := q.release(context.Background(), chat, c.token); err != nil {
			q.log.Warn("send queue: giving a claim back failed; it lapses", "chat", chat, "err", err)
		}
		return true
	}
	// The call is not cut short by a stop: a call cancelled midway may
	// have reached Telegram, and would be sent again.
	ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
	stopRenewing := q.keepClaim(chat, c.token)
	sent, err := q.api.call(ctx, rec)
	stopRenewing()
	cancel()
	now := time.Now()
	if err == nil {
		interval := q.cfg.ChatInterval
		if rec.Group {
			interval = q.cfg.GroupInterval
		}
		left, err := q.ack(chat, c.token, rec.Key, now, now.Add(interval))
		if err != nil {
			q.log.Warn("send queue: marking a message sent failed; it may be sent again", "chat", chat, "what", rec.What, "err", err)
			left = 1 // look again
		}
		q.metrics.sent.WithLabelValues(rec.What).Inc()
		q.metrics.lag.Observe(now.Sub(time.UnixMilli(rec.Queued)).Seconds())
		q.runAfter(chat, rec, sent)
		return left > 0
	}
	pause, retry := retryAfter(err, firstBackoff<<min(c.attempts, 6))
	if tooMany := (*tooManyRequests)(nil); errors.As(err, &tooMany) {
		// Telegram's pause is the bot's, not the chat's: every replica
		// holds back.
		if holdErr := q.hold(now.Add(pause)); holdErr != nil {
			q.log.Warn("send queue: sharing a 429's retry_after failed", "err", holdErr)
		}
	}
	if !retry {
		q.giveUp(chat, c, err)
		return true
	}
	attempts, herr := q.retry(chat, c.token, rec.Key, now.Add(pause), maxSendAttempts)
	switch {
	case herr != nil:
		q.log.Warn("send queue: recording a retry failed; the claim lapses", "chat", chat, "err", herr)
	case attempts == 0:
		q.metrics.failed.WithLabelValues(rec.What).Inc()
		q.log.Error("telegram send failed, giving up", "chat", chat, "what", rec.What, "attempts", maxSendAttempts, "err", err)
	default:
		q.metrics.retries.Inc()
		q.log.Warn("telegram send failed, retrying", "chat", chat, "what", rec.What, "attempt", attempts, "in", pause, "err", err)
	}
	return true
}

// keepClaim renews chat's claim every third of a lease while a call is
// being made, however slow: only a replica that died (or lost Redis)
// loses it.
func (q *Queue) keepClaim(chat int64, token string) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		ticker := time.NewTicker(max(q.cfg.Lease/3, time.Millisecond))
		defer ticker.Stop()
		for {
			select {
			case <-done:
				return
			case <-q.ctx.Done():
				// Stopped for good: the claim lapses, and whoever takes
				// the chat over sends the message again if this call
				// does not finish in time to mark it.
				return
			case <-ticker.C:
			}
			if _, err := q.renew(context.Background(), chat, token); err != nil {
				q.log.Warn("send queue: renewing a claim failed", "chat", chat, "err", err)
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// giveUp drops a message Telegram refused for good (blocked by the user,
// bad request), marking it done so a copy queued again is not sent.
func (q *Queue) giveUp(chat int64, c claim, err error) {
	now := time.Now()
	if _, ackErr := q.ack(chat, c.token, c.rec.Key, now, now); ackErr != nil {
		q.log.Warn("send queue: dropping a refused message failed", "chat", chat, "err", ackErr)
	}
	q.metrics.failed.WithLabelValues(c.rec.What).Inc()
	q.log.Error("telegram send failed, giving up", "chat", chat, "what", c.rec.What, "err", err)
}

// waitGlobal takes a send slot of the bot's global pace and waits for it,
// renewing the claim meanwhile; false when the queue stopped first. A slot
// is reserved (gateScript), so waiting for it asks nothing more of Redis
// but, once, whether a 429 put a hold on every send meanwhile: then the
// slot lapses and a new one is taken after the hold.
func (q *Queue) waitGlobal(chat int64, c *claim) bool {
	for {
		var wait time.Duration
		var held bool
		var err error
		if c.slot != nil && c.slot.err == nil {
			wait, held = c.slot.wait, c.slot.held
			c.slot = nil
		} else {
			wait, held, err = q.gate(q.ctx)
		}
		if err != nil {
			if q.ctx.Err() != nil {
				return false
			}
			q.log.Warn("send queue: the global pace could not be read; waiting", "err", err)
			wait, held = q.cfg.Poll, true
		}
		if !held && wait <= 0 {
			return true
		}
		if !q.waitClaimed(chat, c, wait) {
			return false
		}
		if held {
			continue // ask for a slot now the hold is over
		}
		// The reserved slot has come: send, unless a hold began meanwhile.
		hold, err := q.held(q.ctx)
		if err != nil {
			if q.ctx.Err() != nil {
				return false
			}
			q.log.Warn("send queue: the send hold could not be read; sending in the slot", "err", err)
			return true
		}
		if hold <= 0 {
			return true
		}
		if !q.waitClaimed(chat, c, hold) {
			return false
		}
	}
}

// waitClaimed sleeps d, renewing the claim on chat's first message so it
// does not lapse while it waits; false when the queue stopped first.
func (q *Queue) waitClaimed(chat int64, c *claim, d time.Duration) bool {
	for d > 0 {
		if time.Until(c.until) < q.cfg.Lease/2 {
			until, err := q.renew(q.ctx, chat, c.token)
			if err != nil {
				q.log.Warn("send queue: renewing a claim failed", "chat", chat, "err", err)
			} else {
				c.until = until
			}
		}
		step := min(d, q.cfg.Lease/4)
		if !q.sleep(step) {
			return false
		}
		d -= step
	}
	return true
}

// sleep waits d; false when the queue stopped first.
func (q *Queue) sleep(d time.Duration) bool {
	if d <= 0 {
		return q.ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-q.ctx.Done():
		return false
	}
}

// runAfter runs rec's After handler, if any.
func (q *Queue) runAfter(chat int64, rec record, sent *models.Message) {
	if rec.After == "" {
		return
	}
	q.mu.Lock()
	f := q.after[rec.After]
	q.mu.Unlock()
	if f == nil {
		q.log.Error("send queue: no handler for a delivered message", "after", rec.After)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f(ctx, chat, rec.Ref, sent)
}

// Close waits until every chat this replica queued to was sent (by it or
// another replica) and its in-process lanes are empty, or until ctx ends; then the queue stops: a call being
// made finishes, and what is left stays in Redis for the other replicas
// or the next start (on the embedded store, it is lost).
func (q *Queue) Close(ctx context.Context) {
	ticker := time.NewTicker(q.cfg.Poll)
	defer ticker.Stop()
	for {
		q.mu.Lock()
		chats := make([]int64, 0, len(q.queuedHere))
		for chat := range q.queuedHere {
			chats = append(chats, chat)
		}
		q.mu.Unlock()
		left := 0
		for _, chat := range chats {
			n, err := q.length(ctx, chat)
			if err != nil || n == 0 {
				// Sent; or Redis fails, and nothing this process does
				// would send it before Redis is back.
				q.mu.Lock()
				delete(q.queuedHere, chat)
				q.mu.Unlock()
				continue
			}
			left++
		}
		if left == 0 {
			break
		}
		select {
		case <-ticker.C:
			continue
		case <-ctx.Done():
		}
		break
	}
	localDone := make(chan struct{})
	go func() {
		q.local.running.Wait()
		close(localDone)
	}()
	select {
	case <-localDone:
	case <-ctx.Done():
	}
	q.cancel()
	q.running.Wait()
	<-localDone
}

// opTimeout bounds one Redis call of the queue.
func (q *Queue) opTimeout() time.Duration {
	if q.cfg.Keyspace.OpTimeout > 0 {
		return q.cfg.Keyspace.OpTimeout
	}
	return 2 * time.Second
}

func randomToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand does not fail on supported platforms
	return hex.EncodeToString(b[:])
}
