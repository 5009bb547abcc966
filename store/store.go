// Package store owns the bot's Redis: conversation windows and classifier
// state, per-chat settings, guardians, update de-duplication, the LLM answer
// cache and counters, so that their key names, TTLs and round trips are
// decided here once. It opens the connection (a server, a Cluster, Sentinel
// or the embedded in-process store) and lends it, with the key prefix and
// the bound on one call (Keyspace), to package review, which keeps its own
// keys (cases, the review stream, console sessions, fingerprints) under
// <prefix>{review} and <prefix>{fp}.
//
// Keys of one chat share the hash tag {c:<chat id>} so that Redis Cluster
// keeps them in one slot: a Lua script can touch them together and Forget
// deletes them with one DEL. Every key starts with the configured prefix.
//
//	<prefix>{c:<chat>}:msgs      list   the last Window messages, redacted   TTL
//	<prefix>{c:<chat>}:conv      hash   seq, state, state_seq, verdict, warned_at   TTL
//	<prefix>{c:<chat>}:settings  hash   language, region, sensitivity, …   SettingsTTL
//	<prefix>{c:<chat>}:burst|inbound, {bursts}:due   the open burst, raw until answered (burst.go)
//	<prefix>llm:<sha256>         string LLM answer cache   CacheTTL
//	<prefix>{intake}:stream|seen  stream, zset  updates stored before they are acknowledged (intake.go)
//	<prefix>{intake}:polled      zset   the last IntakeSeen update ids read by long polling (FirstDelivery)
//	<prefix>{review}:…, {fp}:…    package review's (cases, stream, console, fingerprints)
//	<prefix>counters             hash   named counters   capped by the set of names
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// Store is the Redis-backed state of the bot. It is safe for concurrent use
// by many goroutines and, through Redis, by many replicas.
type Store struct {
	client redis.UniversalClient
	cfg    Config

	// embedded is the in-process server when no Redis was configured.
	embedded *miniredis.Miniredis
	stop     chan struct{}
	stopped  sync.WaitGroup

	// records is the ChatRecords attached (dump.go).
	records atomic.Value
	// lastFailure is when a Redis call last failed (unix ns; health.go).
	lastFailure atomic.Int64
	// loaded are the scripts loaded on first use (loadOnce), by hash.
	loaded sync.Map
}

// Open connects to the Redis that cfg names, or starts the embedded
// in-process store when it names none, and checks that it answers.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.Default()
	}
	cfg = cfg.withDefaults()
	s := &Store{cfg: cfg}
	opts := &redis.UniversalOptions{Addrs: cfg.Addrs, Password: cfg.Password}
	switch {
	case cfg.URL != "":
		client, err := clientFromURL(cfg)
		if err != nil {
			return nil, fmt.Errorf("open redis %s: %w", redactURL(cfg.URL), err)
		}
		s.client = client
	case len(cfg.Addrs) > 0:
		s.client = redis.NewUniversalClient(tuned(opts, cfg))
	default:
		// The same client and scripts talk to an in-process server over
		// loopback, so the embedded mode runs the code path that
		// production runs.
		embedded, err := miniredis.Run()
		if err != nil {
			return nil, fmt.Errorf("start embedded store: %w", err)
		}
		s.embedded = embedded
		opts.Addrs = []string{embedded.Addr()}
		s.client = redis.NewUniversalClient(tuned(opts, cfg))
		s.stop = make(chan struct{})
		s.stopped.Add(1)
		go s.advanceEmbeddedClock()
		log.Warn("no " + EnvURL + ": using the embedded in-process store; conversation state is not persisted and is lost on restart")
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	// The scripts sent inside pipelines are loaded up front: EVALSHA in a
	// pipeline cannot fall back to EVAL, and a first pipeline that finds
	// its script missing costs a second round trip (pipelined).
	for _, script := range pipelinedScripts {
		if err := script.Load(ctx, s.client).Err(); err != nil {
			log.Warn("loading a Redis script failed; it is loaded when first used", "err", err)
			break
		}
	}
	s.watchFailures()
	return s, nil
}

// pipelinedScripts are the scripts sent as EVALSHA inside pipelines.
var pipelinedScripts = []*redis.Script{addScript, addBurstScript, claimScript, seenScript, forgetBurstScript}

// clientFromURL picks single node, Cluster or Sentinel from the URL's
// parameters (addr= lists more Cluster nodes, master_name= a Sentinel master).
func clientFromURL(cfg Config) (redis.UniversalClient, error) {
	opts, err := redis.ParseURL(cfg.URL)
	if err == nil {
		bound(cfg, &opts.DialTimeout, &opts.ReadTimeout, &opts.WriteTimeout, &opts.PoolTimeout,
			&opts.ContextTimeoutEnabled, &opts.MaxRetries, &opts.DialerRetries, &opts.DisableIdentity)
		return redis.NewClient(opts), nil
	}
	if cluster, clusterErr := redis.ParseClusterURL(cfg.URL); clusterErr == nil && len(cluster.Addrs) > 1 {
		bound(cfg, &cluster.DialTimeout, &cluster.ReadTimeout, &cluster.WriteTimeout, &cluster.PoolTimeout,
			&cluster.ContextTimeoutEnabled, &cluster.MaxRetries, &cluster.DialerRetries, &cluster.DisableIdentity)
		return redis.NewClusterClient(cluster), nil
	}
	if failover, failoverErr := redis.ParseFailoverURL(cfg.URL); failoverErr == nil && failover.MasterName != "" {
		bound(cfg, &failover.DialTimeout, &failover.ReadTimeout, &failover.WriteTimeout, &failover.PoolTimeout,
			&failover.ContextTimeoutEnabled, &failover.MaxRetries, &failover.DialerRetries, &failover.DisableIdentity)
		return redis.NewFailoverClient(failover), nil
	}
	return nil, err
}

// tuned sets the bounds every client gets. Retries are off: Append is not
// idempotent (a retried script whose first run landed would store the
// message twice), and a caller that gets an error degrades for that one
// message instead of waiting. One dial attempt, for the same reason: a
// refused connection is an answer.
func tuned(opts *redis.UniversalOptions, cfg Config) *redis.UniversalOptions {
	bound(cfg, &opts.DialTimeout, &opts.ReadTimeout, &opts.WriteTimeout, &opts.PoolTimeout,
		&opts.ContextTimeoutEnabled, &opts.MaxRetries, &opts.DialerRetries, &opts.DisableIdentity)
	return opts
}

// bound writes the bounds into the fields of any of go-redis's option
// types (they share the fields, not a type).
//
// CLIENT SETINFO is not sent on connect: it names the library to the
// server, and costs a round trip on every new connection.
func bound(cfg Config, dial, read, write, pool *time.Duration, contextTimeout *bool, retries, dialerRetries *int, noIdentity *bool) {
	*dial, *read, *write, *pool = cfg.DialTimeout, cfg.ReadTimeout, cfg.WriteTimeout, cfg.OpTimeout
	*contextTimeout, *retries, *dialerRetries, *noIdentity = true, -1, 1, true
}

// redactURL drops the password from a URL before it goes into an error.
func redactURL(raw string) string {
	if opts, err := redis.ParseURL(raw); err == nil {
		return opts.Addr
	}
	return "URL"
}

// advanceEmbeddedClock moves the embedded server's clock: miniredis only
// expires keys when told time has passed, and a bot that runs for weeks on
// the embedded store must still forget conversations after TTL.
func (s *Store) advanceEmbeddedClock() {
	defer s.stopped.Done()
	const tick = time.Minute
	ticker := time.NewTicker(tick)
	defer ticker.Stop()
	last := time.Now()
	for {
		select {
		case <-s.stop:
			return
		case now := <-ticker.C:
			s.embedded.FastForward(now.Sub(last))
			last = now
		}
	}
}

// Embedded reports whether the store is the in-process one (not persisted).
func (s *Store) Embedded() bool { return s.embedded != nil }

// Ping checks that Redis answers within the call timeout.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.bound(ctx)
	defer cancel()
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("ping redis: %w", err)
	}
	return nil
}

// Close closes the connections and stops the embedded server, if any.
func (s *Store) Close() error {
	err := s.client.Close()
	if s.embedded != nil {
		close(s.stop)
		s.stopped.Wait()
		s.embedded.Close()
	}
	if err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("close redis client: %w", err)
	}
	return nil
}

// bound gives a call its deadline: a paused or unreachable Redis must cost
// at most OpTimeout, whatever the caller's context allows.
func (s *Store) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.cfg.OpTimeout)
}

// chatKey names one of a chat's keys; the hash tag keeps them in one slot.
func (s *Store) chatKey(chat int64, what string) string {
	return s.cfg.Prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:" + what
}

// chatKeys are every key a chat owns, in the order the scripts take them.
func (s *Store) chatKeys(chat int64) []string {
	return []string{s.chatKey(chat, "msgs"), s.chatKey(chat, "conv"), s.chatKey(chat, "settings")}
}

// ownedKeys are chatKeys and the keys no script takes: what Forget deletes.
func (s *Store) ownedKeys(chat int64) []string {
	return append(s.chatKeys(chat), s.answersKey(chat), s.burstKey(chat), s.inboundKey(chat), s.answeredKey(chat))
}

// ChatKeyPattern is the SCAN pattern that matches every key of chat, for
// tests and operators checking that a chat left nothing behind.
func (s *Store) ChatKeyPattern(chat int64) string {
	return s.cfg.Prefix + "{c:" + strconv.FormatInt(chat, 10) + "}:*"
}

// Client returns the underlying client, for operators' tools and tests
// (hooks, MEMORY USAGE); scamguard code goes through Store's methods, or
// through Keyspace for a package that owns keys of its own.
func (s *Store) Client() redis.UniversalClient { return s.client }

// Keyspace is what a package that keeps keys of its own in the store's
// Redis (package review) needs to follow the store's rules: the client,
// the prefix every key starts with, and the bound on one call.
type Keyspace struct {
	Client redis.UniversalClient
	// Prefix starts every key (Config.Prefix).
	Prefix string
	// OpTimeout bounds one call (Config.OpTimeout): a dead or paused Redis
	// costs a caller at most this long.
	OpTimeout time.Duration
}

// Keyspace lends the connection to a package that owns keys of its own.
func (s *Store) Keyspace() Keyspace {
	return Keyspace{Client: s.client, Prefix: s.cfg.Prefix, OpTimeout: s.cfg.OpTimeout}
}

// TTL is how long a conversation is kept after its last message.
func (s *Store) TTL() time.Duration { return s.cfg.TTL }
