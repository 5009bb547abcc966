package llm

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/scamguard/scamguard/classifier"
)

// Evidence is a fingerprint of what the heuristics saw: level, type and
// the set of signal ids. The stage asks again about a conversation only
// when it changes; a new message that adds no evidence reuses the last
// answer.
func Evidence(v classifier.Verdict) string {
	ids := make([]string, 0, len(v.Signals))
	for _, h := range v.Signals {
		ids = append(ids, h.Signal+"/"+string(h.Act))
	}
	slices.Sort(ids)
	return string(v.Level) + "|" + v.Type + "|" + strings.Join(slices.Compact(ids), ",")
}

// DebounceStore is the part of store.Store that makes the debounce and
// the in-flight mark shared by replicas (Judge.ShareDebounce): without it
// they are per process, and two replicas judging one chat within the
// interval may both call the model.
type DebounceStore interface {
	// ClaimLLMCall marks conversation's call in flight for at most hold;
	// false when another call is in flight or ended within the interval.
	ClaimLLMCall(ctx context.Context, conversation string, hold time.Duration) (bool, error)
	// EndLLMCall ends the call: none for conversation within interval.
	EndLLMCall(ctx context.Context, conversation string, interval time.Duration) error
}

// debouncer remembers, per conversation, the evidence last judged and its
// answer, and whether a call is in flight. It is bounded: past max
// conversations the oldest idle ones are forgotten (forgetting costs at
// most one more call).
type debouncer struct {
	interval time.Duration
	max      int

	mu    sync.Mutex
	convs map[string]*debounced
}

type debounced struct {
	evidence string
	answer   *Answer
	at       time.Time
	inFlight bool
}

func newDebouncer(interval time.Duration, max int) *debouncer {
	return &debouncer{interval: interval, max: max, convs: map[string]*debounced{}}
}

// claim decides whether a call for conversation may go now. When it may
// not, it returns wait and, when the evidence is unchanged, the last
// answer to apply again. When it may, the conversation is marked in
// flight until release.
func (d *debouncer) claim(conversation, evidence string, now time.Time) (last *Answer, wait bool) {
	if conversation == "" {
		return nil, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.convs[conversation]
	switch {
	case !ok:
		d.evict(now)
		e = &debounced{}
		d.convs[conversation] = e
	case e.evidence == evidence && e.answer != nil:
		return e.answer, true
	case e.inFlight || now.Sub(e.at) < d.interval:
		return nil, true
	}
	e.inFlight = true
	return nil, false
}

// release ends a claimed call, remembering its evidence and answer (nil
// when the call failed or was not made).
func (d *debouncer) release(conversation, evidence string, answer *Answer, now time.Time) {
	if conversation == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.convs[conversation]; ok {
		e.evidence, e.answer, e.at, e.inFlight = evidence, answer, now, false
	}
}

// abandon ends a claimed call that was not made (another replica's is in
// flight), leaving what was remembered as it was.
func (d *debouncer) abandon(conversation string) {
	if conversation == "" {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if e, ok := d.convs[conversation]; ok {
		e.inFlight = false
	}
}

// evict makes room for one more conversation.
func (d *debouncer) evict(now time.Time) {
	if len(d.convs) < d.max {
		return
	}
	for key, e := range d.convs {
		if !e.inFlight && now.Sub(e.at) > time.Hour {
			delete(d.convs, key)
		}
	}
	for key, e := range d.convs {
		if len(d.convs) < d.max {
			return
		}
		if !e.inFlight {
			delete(d.convs, key)
		}
	}
}
