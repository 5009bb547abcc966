package llm

import (
	"sync"
	"time"
)

// breaker stops calling an endpoint that keeps failing: after `failures`
// failed calls in a row it opens for `cooldown`, then lets one trial call
// through; a success closes it, a failure opens it again.
type breaker struct {
	failures int
	cooldown time.Duration
	now      func() time.Time

	mu        sync.Mutex
	inARow    int
	openUntil time.Time
	trial     bool // a trial call is in flight
}

// allow reports whether a call may go now.
func (b *breaker) allow() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.inARow < b.failures {
		return true
	}
	if b.now().Before(b.openUntil) || b.trial {
		return false
	}
	b.trial = true
	return true
}

// record notes the outcome of an allowed call.
func (b *breaker) record(ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trial = false
	if ok {
		b.inARow = 0
		return
	}
	b.inARow++
	if b.inARow >= b.failures {
		b.openUntil = b.now().Add(b.cooldown)
	}
}

// skip gives back an allowed call that was not made.
func (b *breaker) skip() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.trial = false
}
