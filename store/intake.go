package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// The intake is where a webhook-mode bot puts an update before it answers
// Telegram 200: a Stream read by a consumer group, so that an update is
// handed to exactly one replica at a time, stays pending until that
// replica acknowledges it, and is claimed by another (or the same one
// after a restart) when it is not acknowledged in time.
//
//	<prefix>{intake}:stream  stream  updates not yet handled (an entry is deleted when acknowledged)
//	<prefix>{intake}:seen    zset    the last IntakeSeen update ids, for de-duplication
//
// De-duplication costs a bounded set for the whole bot, not a key per
// update: Telegram numbers updates in increasing order, so an id below the
// lowest remembered one, once the set is full, is an old repeat.

// IntakeGroup is the consumer group every replica reads the intake with.
const IntakeGroup = "bot"

// IntakeSeen is how many update ids the intake remembers.
const IntakeSeen = 10000

// IntakeEntry is one update in the intake: its stream entry id (what Ack
// takes), the update id and the update as Telegram sent it.
type IntakeEntry struct {
	ID       string
	UpdateID int64
	Update   []byte
}

// Intake is the durable queue of received updates (see above).
type Intake struct {
	client    redis.UniversalClient
	stream    string
	seen      string
	inbound   func(chat int64) string
	opTimeout time.Duration
}

// Intake returns the store's intake.
func (s *Store) Intake() *Intake {
	return &Intake{client: s.client, stream: s.cfg.Prefix + "{intake}:stream",
		seen: s.cfg.Prefix + "{intake}:seen", inbound: s.inboundKey, opTimeout: s.cfg.OpTimeout}
}

// Handled is an intake entry its consumer is done with: acknowledged, and
// for a private chat's update (Chat not 0) its inbound note cleared
// (Store.NoteInbound), in one batch with others.
type Handled struct {
	EntryID  string
	Chat     int64
	UpdateID int64
}

// ConsumerName names this process in the consumer group: host and pid
// tell an operator which replica holds an entry, the time tells a
// restarted process from the one before it.
func ConsumerName() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s-%d-%d", host, os.Getpid(), time.Now().UnixNano())
}

// addScript de-duplicates and appends in one step, so that a retry of an
// update that was stored but not acknowledged (a lost 200) is not stored
// twice. It returns 1 when stored, 0 for a repeat.
var addScript = redis.NewScript(rememberNewID("KEYS[2]", "ARGV[3]") + `
redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'update', ARGV[2])
return 1
`)

// rememberNewID is the Lua that de-duplicates update ids in a bounded
// sorted set (set, holding at most capacity ids): it returns 0 for an id
// seen before, or one older than every id kept once the set is full, and
// otherwise remembers ARGV[1] (dropping the oldest) and goes on.
func rememberNewID(set, capacity string) string {
	return strings.NewReplacer("SET", set, "CAP", capacity).Replace(`
local id = tonumber(ARGV[1])
if redis.call('ZSCORE', SET, ARGV[1]) then return 0 end
local remembered = redis.call('ZCARD', SET)
local cap = tonumber(CAP)
if remembered >= cap then
  local lowest = redis.call('ZRANGE', SET, 0, 0, 'WITHSCORES')
  if id < tonumber(lowest[2]) then return 0 end
end
redis.call('ZADD', SET, id, ARGV[1])
if remembered + 1 > cap then
  redis.call('ZREMRANGEBYRANK', SET, 0, remembered - cap)
end`)
}

// Add stores update (its raw JSON) under updateID unless that id was
// stored before; stored is false for a repeat. Once Add returns without
// an error, the update survives this process.
func (in *Intake) Add(ctx context.Context, updateID int64, update []byte) (stored bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	n, err := addScript.Run(ctx, in.client, []string{in.stream, in.seen},
		updateID, update, IntakeSeen).Int()
	if err != nil {
		return false, fmt.Errorf("store update %d in the intake: %w", updateID, err)
	}
	return n == 1, nil
}

// AddNoted is Add for an update of private chat (0: none) that first
// notes the update as inbound in the chat (Store.NoteInbound), in the same
// round trip: a pipeline whose note is written before the update, so no
// consumer can handle the update before its note exists (on one node;
// on a Cluster the two go to their nodes side by side, and a note that
// lands after its update was handled holds the chat's burst back until
// it goes stale, never loses it). A repeat of an update handled already
// removes the note again (a second round trip, for repeats only).
func (in *Intake) AddNoted(ctx context.Context, chat, updateID int64, update []byte) (stored bool, err error) {
	if chat == 0 {
		return in.Add(ctx, updateID, update)
	}
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	key := in.inbound(chat)
	var noted *redis.IntCmd
	var added *redis.Cmd
	err = pipelined(ctx, in.client, []*redis.Script{addScript}, func(pipe redis.Pipeliner) {
		noted = pipe.ZAddNX(ctx, key, redis.Z{Score: float64(time.Now().UnixMilli()), Member: updateID})
		pipe.PExpire(ctx, key, BurstTTL)
		added = addScript.EvalSha(ctx, pipe, []string{in.stream, in.seen}, updateID, update, IntakeSeen)
	})
	if err != nil {
		return false, fmt.Errorf("store update %d of chat %d in the intake: %w", updateID, chat, err)
	}
	n, _ := added.Int()
	if n == 0 && noted.Val() == 1 {
		// A repeat of an update handled already: nothing is on its way.
		if err := in.client.ZRem(ctx, key, updateID).Err(); err != nil {
			return false, fmt.Errorf("clear the inbound note of repeated update %d: %w", updateID, err)
		}
	}
	return n == 1, nil
}

// pipelined sends fill's commands as one pipeline (one round trip on one
// node). A script in it that its node does not have yet (NOSCRIPT: a new
// or restarted Redis; EVALSHA in a pipeline cannot fall back to EVAL by
// itself) is loaded and the pipeline sent once more: its other commands
// must be safe to repeat.
func pipelined(ctx context.Context, client redis.UniversalClient, scripts []*redis.Script, fill func(pipe redis.Pipeliner)) error {
	for attempt := 0; ; attempt++ {
		pipe := client.Pipeline()
		fill(pipe)
		cmds, err := pipe.Exec(ctx)
		if err == nil || attempt > 0 || !anyNoScript(cmds) {
			return err
		}
		for _, script := range scripts {
			if err := script.Load(ctx, client).Err(); err != nil {
				return fmt.Errorf("load a script: %w", err)
			}
		}
	}
}

// anyNoScript reports whether a command failed for want of its script.
func anyNoScript(cmds []redis.Cmder) bool {
	for _, cmd := range cmds {
		if err := cmd.Err(); err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT") {
			return true
		}
	}
	return false
}

// Prepare creates the consumer group (and the stream) unless it exists.
func (in *Intake) Prepare(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	err := in.client.XGroupCreateMkStream(ctx, in.stream, IntakeGroup, "0").Err()
	if err != nil && !strings.HasPrefix(err.Error(), "BUSYGROUP") {
		return fmt.Errorf("create the intake's consumer group: %w", err)
	}
	return nil
}

// Read waits up to block for entries no consumer has read yet and gives
// at most count of them to consumer; they stay pending until acknowledged.
func (in *Intake) Read(ctx context.Context, consumer string, block time.Duration, count int) ([]IntakeEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, block+in.opTimeout)
	defer cancel()
	streams, err := in.client.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: IntakeGroup, Consumer: consumer, Streams: []string{in.stream, ">"},
		Count: int64(count), Block: block,
	}).Result()
	return readEntries(streams, err)
}

// ReadAfter is Read without waiting, after acknowledging handled, all in
// one round trip: under load a consumer's acknowledgements ride on its
// next read.
func (in *Intake) ReadAfter(ctx context.Context, consumer string, handled []Handled, count int) ([]IntakeEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	pipe := in.client.Pipeline()
	in.queueAcks(ctx, pipe, handled)
	read := pipe.XReadGroup(ctx, &redis.XReadGroupArgs{
		Group: IntakeGroup, Consumer: consumer, Streams: []string{in.stream, ">"},
		Count: int64(count), Block: -1,
	})
	_, err := pipe.Exec(ctx)
	if err != nil && !errors.Is(err, redis.Nil) {
		return nil, fmt.Errorf("acknowledge %d intake entries and read on: %w", len(handled), err)
	}
	return readEntries(read.Result())
}

// readEntries is the entries of an XREADGROUP's answer; none when it timed out.
func readEntries(streams []redis.XStream, err error) ([]IntakeEntry, error) {
	switch {
	case errors.Is(err, redis.Nil):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("read the intake: %w", err)
	}
	var entries []IntakeEntry
	for _, stream := range streams {
		entries = append(entries, intakeEntries(stream.Messages)...)
	}
	return entries, nil
}

// AckAll acknowledges handled in one round trip (see Handled).
func (in *Intake) AckAll(ctx context.Context, handled []Handled) error {
	if len(handled) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	pipe := in.client.Pipeline()
	in.queueAcks(ctx, pipe, handled)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("acknowledge %d intake entries: %w", len(handled), err)
	}
	return nil
}

// queueAcks adds handled's acknowledgements and inbound notes to pipe.
// XACK and XDEL of one batch go to the intake's slot; each note to its
// chat's.
func (in *Intake) queueAcks(ctx context.Context, pipe redis.Pipeliner, handled []Handled) {
	if len(handled) == 0 {
		return
	}
	ids := make([]string, len(handled))
	for i, h := range handled {
		ids[i] = h.EntryID
	}
	pipe.XAck(ctx, in.stream, IntakeGroup, ids...)
	pipe.XDel(ctx, in.stream, ids...)
	for _, h := range handled {
		if h.Chat != 0 {
			pipe.ZRem(ctx, in.inbound(h.Chat), h.UpdateID)
		}
	}
}

// Claim gives consumer at most count entries that another consumer (or
// this one) read and has not acknowledged for idle or longer: those of a
// replica that died, or of this process before a restart.
func (in *Intake) Claim(ctx context.Context, consumer string, idle time.Duration, count int) ([]IntakeEntry, error) {
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	messages, _, err := in.client.XAutoClaim(ctx, &redis.XAutoClaimArgs{
		Stream: in.stream, Group: IntakeGroup, Consumer: consumer,
		MinIdle: idle, Start: "0-0", Count: int64(count),
	}).Result()
	if err != nil {
		return nil, fmt.Errorf("claim stale intake entries: %w", err)
	}
	return intakeEntries(messages), nil
}

// Touch tells the group that consumer still works on the entries ids, so
// that no other replica claims them while it does (their idle time starts
// again).
func (in *Intake) Touch(ctx context.Context, consumer string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	err := in.client.XClaimJustID(ctx, &redis.XClaimArgs{
		Stream: in.stream, Group: IntakeGroup, Consumer: consumer, MinIdle: 0, Messages: ids,
	}).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return fmt.Errorf("keep %d intake entries claimed: %w", len(ids), err)
	}
	return nil
}

// Ack marks an entry handled and deletes it: the stream holds only
// updates that still need work.
func (in *Intake) Ack(ctx context.Context, id string) error {
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	pipe := in.client.TxPipeline()
	pipe.XAck(ctx, in.stream, IntakeGroup, id)
	pipe.XDel(ctx, in.stream, id)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("acknowledge intake entry %s: %w", id, err)
	}
	return nil
}

// Pending is how many entries were read and not acknowledged, and how many
// wait in the stream in all (pending included): for tests and operators.
func (in *Intake) Pending(ctx context.Context) (pending, queued int64, err error) {
	ctx, cancel := context.WithTimeout(ctx, in.opTimeout)
	defer cancel()
	summary, err := in.client.XPending(ctx, in.stream, IntakeGroup).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("count pending intake entries: %w", err)
	}
	queued, err = in.client.XLen(ctx, in.stream).Result()
	if err != nil {
		return 0, 0, fmt.Errorf("count intake entries: %w", err)
	}
	return summary.Count, queued, nil
}

// intakeEntries reads stream messages as entries; a message without a
// readable id keeps UpdateID -1 and is still handed on (and acknowledged).
func intakeEntries(messages []redis.XMessage) []IntakeEntry {
	entries := make([]IntakeEntry, 0, len(messages))
	for _, m := range messages {
		entry := IntakeEntry{ID: m.ID, UpdateID: -1}
		if raw, ok := m.Values["id"].(string); ok {
			if id, err := strconv.ParseInt(raw, 10, 64); err == nil {
				entry.UpdateID = id
			}
		}
		if raw, ok := m.Values["update"].(string); ok {
			entry.Update = []byte(raw)
		}
		entries = append(entries, entry)
	}
	return entries
}
