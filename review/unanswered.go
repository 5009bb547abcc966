package review

// "Ask a human" always gets an answer. When a user asks, the case is put
// on a due-set in Redis with the time by which a moderator should have
// decided (Config.AnswerWithin). A case decided in time leaves the set; one
// still open when it falls due is claimed by one replica (ZRANGEBYSCORE and
// ZREM in one script), and the user hears that nobody could look yet, that
// the bot's answer stands and how to verify it themselves. The set lives
// in Redis, so a restart or a replica dying loses nothing: whichever
// replica polls next sends it. A case is told so once (its "overdue"
// field), however often the user presses; a moderator who decides later
// still answers them.
//
//	<prefix>{review}:unanswered  zset  case ids by when their answer is due (ms)   members leave when decided or told

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/catalog"
)

// DefaultAnswerWithin is how long a user who asked a human waits for a
// moderator before the bot tells them nobody could look yet.
const DefaultAnswerWithin = 24 * time.Hour

// unansweredKey is the due-set of cases a user asked a human about.
func (s *storage) unansweredKey() string { return s.key("unanswered") }

// ScheduleAnswer puts case id on the due-set, due at due, unless it is
// there already (a second press keeps the first time).
func (s *storage) ScheduleAnswer(ctx context.Context, id string, due time.Time) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	err := s.Client.ZAddNX(ctx, s.unansweredKey(), redis.Z{Score: float64(due.UnixMilli()), Member: id}).Err()
	if err != nil {
		return fmt.Errorf("schedule the answer to case %s: %w", id, err)
	}
	return nil
}

// Answered takes case id off the due-set: a moderator decided it.
func (s *storage) Answered(ctx context.Context, id string) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.Client.ZRem(ctx, s.unansweredKey(), id).Err(); err != nil {
		return fmt.Errorf("take case %s off the unanswered set: %w", id, err)
	}
	return nil
}

// claimDueScript takes up to ARGV[2] members due by ARGV[1] off the set and
// returns them: of several replicas polling, each case goes to one.
var claimDueScript = redis.NewScript(`
local ids = redis.call("ZRANGEBYSCORE", KEYS[1], "-inf", ARGV[1], "LIMIT", 0, tonumber(ARGV[2]))
if #ids > 0 then redis.call("ZREM", KEYS[1], unpack(ids)) end
return ids
`)

// ClaimDue takes the cases due by now off the due-set, at most limit.
func (s *storage) ClaimDue(ctx context.Context, now time.Time, limit int) ([]string, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	ids, err := claimDueScript.Run(ctx, s.Client, []string{s.unansweredKey()}, now.UnixMilli(), limit).StringSlice()
	if err != nil {
		return nil, fmt.Errorf("claim unanswered cases: %w", err)
	}
	return ids, nil
}

// markOverdueScript marks a case told that nobody answered yet; it reports
// 1 the first time, 0 after, -1 for a case that is gone.
var markOverdueScript = redis.NewScript(`
if redis.call("EXISTS", KEYS[1]) == 0 then return -1 end
return redis.call("HSETNX", KEYS[1], "overdue", "1")
`)

// MarkOverdue reports whether this call is the first to mark case id as
// told that nobody answered in time.
func (s *storage) MarkOverdue(ctx context.Context, id string) (bool, error) {
	if !validCaseID(id) {
		return false, fmt.Errorf("mark case %q overdue: %w", id, ErrNotFound)
	}
	ctx, cancel := s.bound(ctx)
	defer cancel()
	n, err := markOverdueScript.Run(ctx, s.Client, []string{s.caseKey(id)}).Int()
	switch {
	case err != nil:
		return false, fmt.Errorf("mark case %s overdue: %w", id, err)
	case n == -1:
		return false, fmt.Errorf("mark case %s overdue: %w", id, ErrNotFound)
	}
	return n == 1, nil
}

// AnswerWithin is how long a user who asked a human waits before
// Unanswered hands their case back (Config.AnswerWithin).
func (q *Queue) AnswerWithin() time.Duration { return q.cfg.AnswerWithin }

// maxDuePerPoll bounds the cases one Unanswered call hands back.
const maxDuePerPoll = 100

// Unanswered returns the cases whose user asked a human and heard nothing
// within AnswerWithin of asking, as of now: each is returned once, to one
// caller (replica), which must send UnansweredText to its chat. Cases
// decided meanwhile, forgotten or expired are passed over.
func (q *Queue) Unanswered(ctx context.Context, now time.Time) ([]Case, error) {
	ids, err := q.db.ClaimDue(ctx, now, maxDuePerPoll)
	if err != nil {
		return nil, err
	}
	var due []Case
	for _, id := range ids {
		c, err := q.Case(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return due, err
		}
		if c.Decision != nil || c.Status != StatusOpen {
			continue
		}
		first, err := q.db.MarkOverdue(ctx, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return due, err
		}
		if first {
			due = append(due, c)
		}
	}
	return due, nil
}

// UnansweredText is what the user of an unanswered case hears, plain text
// in the case's language: nobody could look yet, the bot's answer stands,
// and how to verify it themselves. A warning and a reply without signs
// each have their own.
func UnansweredText(c Case) string {
	key := "unanswered_none"
	if c.Flagged() {
		key = "unanswered"
	}
	return followUps[key][catalog.NormalizeLang(c.Language)]
}
