package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// budgetScript counts one LLM call for a user if neither the user's nor
// the global count of this clock hour has reached its cap (0: no cap),
// in one round trip; a refused call counts nothing. The keys share the
// hash tag {llm-budget} so that Cluster runs the script on one slot.
//
// KEYS: user bucket, global bucket. ARGV: per-user cap, global cap, TTL s.
// Returns 1 when allowed, 0 when not.
var budgetScript = redis.NewScript(`
local user = tonumber(redis.call("GET", KEYS[1]) or "0")
local all = tonumber(redis.call("GET", KEYS[2]) or "0")
local perUser, global = tonumber(ARGV[1]), tonumber(ARGV[2])
if (perUser > 0 and user >= perUser) or (global > 0 and all >= global) then
  return 0
end
redis.call("INCR", KEYS[1])
redis.call("EXPIRE", KEYS[1], ARGV[3])
redis.call("INCR", KEYS[2])
redis.call("EXPIRE", KEYS[2], ARGV[3])
return 1
`)

// budgetTTL outlives the hour a bucket counts, so a late replica's clock
// still finds it, and then lets it go.
const budgetTTL = 2 * time.Hour

// AllowLLMCall counts an LLM call for user in the current clock hour when
// the caps allow it: at most perUser calls per user and global calls in
// all (0: no cap), shared by every replica. Keys:
// <prefix>{llm-budget}:u:<user>:<hour> and <prefix>{llm-budget}:all:<hour>.
func (s *Store) AllowLLMCall(ctx context.Context, user string, perUser, global int) (bool, error) {
	return s.allowLLMCallAt(ctx, user, perUser, global, time.Now())
}

func (s *Store) allowLLMCallAt(ctx context.Context, user string, perUser, global int, now time.Time) (bool, error) {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	hour := strconv.FormatInt(now.Unix()/3600, 10)
	keys := []string{
		s.cfg.Prefix + "{llm-budget}:u:" + user + ":" + hour,
		s.cfg.Prefix + "{llm-budget}:all:" + hour,
	}
	allowed, err := budgetScript.Run(ctx, s.client, keys, perUser, global, int(budgetTTL.Seconds())).Int()
	if err != nil {
		return false, fmt.Errorf("count LLM call of %s: %w", user, err)
	}
	return allowed == 1, nil
}
