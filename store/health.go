package store

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Health is what /healthz says about Redis: whether it answers a ping now
// and when a call last failed (a refused connection, a timeout), so that a
// Redis that fails some calls while PING still passes (a Cluster reached
// through one seed, a server that is overloaded) shows as degraded too.
type Health struct {
	// PingErr is the ping's error; nil when Redis answered.
	PingErr error
	// LastFailure is when a call last failed; zero if none has.
	LastFailure time.Time
}

// failureHook records when a call fails for a reason that is not the
// answer itself: a missing key (redis.Nil) and a server's error reply
// (NOSCRIPT, BUSYGROUP) are answers; a closed connection, a refused dial
// or a timeout are failures.
type failureHook struct{ last *atomic.Int64 }

func (h failureHook) DialHook(next redis.DialHook) redis.DialHook {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := next(ctx, network, addr)
		h.note(ctx, err)
		return conn, err
	}
}

func (h failureHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		h.note(ctx, err)
		return err
	}
}

func (h failureHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		h.note(ctx, err)
		return err
	}
}

// note records err unless it is an answer or the caller gave up.
func (h failureHook) note(ctx context.Context, err error) {
	var reply redis.Error
	switch {
	case err == nil, errors.Is(err, redis.Nil), errors.Is(err, redis.ErrClosed):
		return
	case errors.As(err, &reply) && !isNetworkReply(err):
		return
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		return // the caller stopped waiting (a shutdown), not Redis failing
	}
	h.last.Store(time.Now().UnixNano())
}

// isNetworkReply tells the errors go-redis reports as replies although
// they mean the node is not serving (LOADING, a Cluster that is down).
func isNetworkReply(err error) bool {
	msg := err.Error()
	for _, prefix := range []string{"LOADING", "CLUSTERDOWN", "MASTERDOWN", "TRYAGAIN"} {
		if len(msg) >= len(prefix) && msg[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

// watchFailures installs the hook that Health reads.
func (s *Store) watchFailures() {
	s.client.AddHook(failureHook{last: &s.lastFailure})
}

// Health pings Redis and reports the last failed call.
func (s *Store) Health(ctx context.Context) Health {
	h := Health{PingErr: s.Ping(ctx)}
	if last := s.lastFailure.Load(); last != 0 {
		h.LastFailure = time.Unix(0, last)
	}
	return h
}
