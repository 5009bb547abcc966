package sendqueue

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
)

// TestAChatCannotFillTheQueue: while a chat's first call is being made,
// only ChatCap more wait for it; the rest are refused and counted, and
// another chat is not held back by it.
func TestAChatCannotFillTheQueue(t *testing.T) {
	const spammer, other, capacity = 1, 2, 4
	queue := New(Config{ChatCap: capacity}, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	release := make(chan struct{})
	var made atomic.Int64
	call := func(context.Context) error {
		<-release
		made.Add(1)
		return nil
	}
	started := make(chan struct{})
	queue.Send(spammer, false, "command", func(ctx context.Context) error {
		close(started)
		return call(ctx)
	})
	<-started // the first call is being made: it no longer waits
	accepted := 0
	for range 100 {
		if queue.Send(spammer, false, "command", call) {
			accepted++
		}
	}
	if accepted != capacity {
		t.Errorf("%d calls accepted behind the one being made, want %d", accepted, capacity)
	}
	var dropped dto.Metric
	_ = queue.metrics.dropped.WithLabelValues("command").Write(&dropped) // a counter always writes
	if got := dropped.GetCounter().GetValue(); got != 100-capacity {
		t.Errorf("scamguard_send_dropped_total = %v, want %d", got, 100-capacity)
	}
	otherDone := make(chan struct{})
	if !queue.Send(other, false, "reply", func(context.Context) error { close(otherDone); return nil }) {
		t.Fatal("another chat's call was refused")
	}
	<-otherDone // made while the spammer's calls still wait
	close(release)
	queue.Close(context.Background())
	if made.Load() != capacity+1 {
		t.Errorf("%d of the spammer's calls made, want %d", made.Load(), capacity+1)
	}
}
