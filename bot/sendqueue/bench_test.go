package sendqueue

import (
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/store/storetest"
)

// BenchmarkSendLag measures the time from Send to the fake Bot API
// receiving the message, with no pacing, for messages queued one by one
// into 20 chats by one of two replicas on a real redis-server: the cost
// of the queue itself (Redis round trips, the claim, the sent-mark).
//
//	go test -run '^$' -bench SendLag -benchtime 500x ./bot/sendqueue/
func BenchmarkSendLag(b *testing.B) {
	redis := storetest.StartServer(b)
	api := telegramtest.New(b)
	replicas := []*Queue{newQueue(b, openStore(b, redis), api, api.URL(), Config{}), newQueue(b, openStore(b, redis), api, api.URL(), Config{})}
	queued := make([]time.Time, b.N)
	b.ResetTimer()
	for i := range b.N {
		chat := int64(1 + i%20)
		queued[i] = time.Now()
		replicas[i%2].Send(chat, false, "reply", text(chat, strconv.Itoa(i)))
		time.Sleep(2 * time.Millisecond) // a steady 500/s, not one burst
	}
	deadline := time.Now().Add(time.Minute)
	var lags []time.Duration
	for len(lags) < b.N && time.Now().Before(deadline) {
		lags = lags[:0]
		for _, call := range api.Calls("sendMessage") {
			if i, err := strconv.Atoi(call.Params["text"]); err == nil && !call.Failed {
				lags = append(lags, call.At.Sub(queued[i]))
			}
		}
		time.Sleep(10 * time.Millisecond)
	}
	b.StopTimer()
	if len(lags) < b.N {
		b.Fatalf("%d of %d sent", len(lags), b.N)
	}
	slices.Sort(lags)
	p := func(q float64) float64 { return float64(lags[int(q*float64(len(lags)-1))]) / float64(time.Millisecond) }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}
