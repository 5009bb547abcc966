package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/redact"
)

// Screenshots a chat sends together (an album, or several sent one after
// the other) are read one by one but answered once, and a scrolled chat
// repeats the bubbles the previous screenshot ended with. What the reading
// so far needs lives here, so that a restarted bot or a second replica
// takes over an album half read without losing or repeating it:
//
//	<prefix>{c:<chat>}:shots        hash   images, other, user, chars, overlap, little
//	                                       (counts since the last answer); last (the
//	                                       last page's turns, redacted); ver   ScreenshotTTL
//	<prefix>{c:<id>}:shot-budget    string screenshots read for a user or a group in
//	                                       the current hour                      1h
//
// A user's budget lies under the hash tag of their private chat (whose id
// is the user's), so it counts their screenshots in every chat.

// ScreenshotTTL is how long a chat's screenshot reading outlives its last
// page: long enough for the next screenshot of a scrolled chat to find the
// overlap, short enough that the redacted last page does not linger.
const ScreenshotTTL = 10 * time.Minute

// ScreenshotTurn is one message read from a screenshot, as the store
// keeps it: the speaker and the text, redacted.
type ScreenshotTurn struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// ScreenshotReading is a chat's screenshots read since the bot last
// answered about them.
type ScreenshotReading struct {
	// Images is how many screenshots were read; Little how many of them
	// had too little text to check.
	Images, Little int
	// Other and User count the messages read, by speaker, after the
	// overlap between screenshots was dropped; Chars their characters.
	Other, User, Chars int
	// Overlap is how many messages were dropped as repeats.
	Overlap int
	// Last is the last screenshot's messages, redacted, to find the
	// overlap of the next one. It outlives an answer (Take keeps it).
	Last []ScreenshotTurn
	// version is the reading's compare-and-set version.
	version int64
}

// screenshotCountFields are the fields TakeScreenshotReading resets.
var screenshotCountFields = []string{"images", "little", "other", "user", "chars", "overlap"}

func (s *Store) screenshotsKey(chat int64) string { return s.chatKey(chat, "shots") }

// ScreenshotReading returns chat's reading so far; the zero reading when
// there is none.
func (s *Store) ScreenshotReading(ctx context.Context, chat int64) (ScreenshotReading, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	fields, err := s.client.HGetAll(ctx, s.screenshotsKey(chat)).Result()
	if err != nil {
		return ScreenshotReading{}, fmt.Errorf("read the screenshots of chat %d: %w", chat, err)
	}
	return parseScreenshotReading(fields)
}

func parseScreenshotReading(fields map[string]string) (ScreenshotReading, error) {
	var r ScreenshotReading
	counts := []*int{&r.Images, &r.Little, &r.Other, &r.User, &r.Chars, &r.Overlap}
	for i, name := range screenshotCountFields {
		if v, ok := fields[name]; ok {
			n, err := strconv.Atoi(v)
			if err != nil {
				return ScreenshotReading{}, fmt.Errorf("screenshot reading field %s: %w", name, err)
			}
			*counts[i] = n
		}
	}
	if v, ok := fields["ver"]; ok {
		r.version, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := fields["last"]; v != "" {
		if err := json.Unmarshal([]byte(v), &r.Last); err != nil {
			return ScreenshotReading{}, fmt.Errorf("screenshot reading's last page: %w", err)
		}
	}
	return r, nil
}

// saveScreenshotsScript is compare-and-set on the reading's version, so
// that two replicas reading screenshots of one chat never lose a page.
//
// KEYS: shots. ARGV: expected version, TTL ms, then field/value pairs.
// Returns 1 when saved, 0 on conflict.
var saveScreenshotsScript = redis.NewScript(`
local ver = tonumber(redis.call("HGET", KEYS[1], "ver") or "0")
if ver ~= tonumber(ARGV[1]) then return 0 end
for i = 3, #ARGV, 2 do redis.call("HSET", KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call("HSET", KEYS[1], "ver", ver + 1)
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 1
`)

// SaveScreenshotReading stores r as chat's reading if nobody saved one
// since r was read (ErrConflict otherwise: read again, add the page again).
// The last page's texts are redacted here, whoever built them.
func (s *Store) SaveScreenshotReading(ctx context.Context, chat int64, r ScreenshotReading) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	last := make([]ScreenshotTurn, len(r.Last))
	for i, t := range r.Last {
		last[i] = ScreenshotTurn{From: t.From, Text: redact.Personal(t.Text)}
	}
	lastJSON, err := json.Marshal(last)
	if err != nil {
		return fmt.Errorf("encode the last screenshot of chat %d: %w", chat, err)
	}
	args := []any{r.version, ScreenshotTTL.Milliseconds()}
	for i, n := range []int{r.Images, r.Little, r.Other, r.User, r.Chars, r.Overlap} {
		args = append(args, screenshotCountFields[i], n)
	}
	args = append(args, "last", string(lastJSON))
	saved, err := saveScreenshotsScript.Run(ctx, s.client, []string{s.screenshotsKey(chat)}, args...).Int()
	if err != nil {
		return fmt.Errorf("save the screenshots of chat %d: %w", chat, err)
	}
	if saved == 0 {
		return fmt.Errorf("save the screenshots of chat %d: %w", chat, ErrConflict)
	}
	return nil
}

// takeScreenshotsScript returns the reading and resets its counts, keeping
// the last page (the next screenshot may still overlap it).
//
// KEYS: shots. ARGV: the count fields. Returns the hash as a flat list.
var takeScreenshotsScript = redis.NewScript(`
local all = redis.call("HGETALL", KEYS[1])
if #all == 0 then return all end
redis.call("HDEL", KEYS[1], unpack(ARGV))
redis.call("HINCRBY", KEYS[1], "ver", 1)
return all
`)

// TakeScreenshotReading returns chat's reading and starts the next one
// from zero, in one step: of two replicas answering about one album, one
// gets the counts and the other an empty reading.
func (s *Store) TakeScreenshotReading(ctx context.Context, chat int64) (ScreenshotReading, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	args := make([]any, len(screenshotCountFields))
	for i, f := range screenshotCountFields {
		args[i] = f
	}
	flat, err := takeScreenshotsScript.Run(ctx, s.client, []string{s.screenshotsKey(chat)}, args...).StringSlice()
	if err != nil && !errors.Is(err, redis.Nil) {
		return ScreenshotReading{}, fmt.Errorf("take the screenshots of chat %d: %w", chat, err)
	}
	fields := make(map[string]string, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		fields[flat[i]] = flat[i+1]
	}
	return parseScreenshotReading(fields)
}

// screenshotBudgetScript counts one screenshot if the hour's count is
// below the cap; the hour starts with its first screenshot.
//
// KEYS: budget. ARGV: cap, window ms. Returns 1 when allowed, 0 when not.
var screenshotBudgetScript = redis.NewScript(`
local used = tonumber(redis.call("GET", KEYS[1]) or "0")
if used >= tonumber(ARGV[1]) then return 0 end
if redis.call("INCR", KEYS[1]) == 1 then redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 1
`)

// AllowScreenshot counts a screenshot against the hourly budget of id (a
// user, or a group chat) of perHour and reports whether it may be read; a
// refused one counts nothing. perHour <= 0 allows everything.
func (s *Store) AllowScreenshot(ctx context.Context, id int64, perHour int) (bool, error) {
	if perHour <= 0 {
		return true, nil
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	allowed, err := screenshotBudgetScript.Run(ctx, s.client, []string{s.chatKey(id, "shot-budget")}, perHour, time.Hour.Milliseconds()).Int()
	if err != nil {
		return false, fmt.Errorf("count a screenshot of %d: %w", id, err)
	}
	return allowed == 1, nil
}
