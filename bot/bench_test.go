package bot_test

import (
	"bufio"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// BenchmarkIngest measures the whole bot with real Redis and the fake Bot
// API: b.N forwarded messages over 100 chats, each answered at once (no
// burst window), from getUpdates to the replies being sent. It reports
// updates/s and the p50/p99 time from receiving an update to its reply
// being queued, estimated from the bot's own histogram.
//
//	go test -run XXX -bench Ingest -benchtime 2000x ./bot/
func BenchmarkIngest(b *testing.B) {
	h := newHarness(b)
	h.cfg.BurstWindow = 0
	h.cfg.ChatInterval, h.cfg.GroupInterval, h.cfg.GlobalInterval = time.Nanosecond, time.Nanosecond, time.Nanosecond
	h.start()
	const chats = 100
	updates := make([]models.Update, b.N)
	for i := range updates {
		chat := int64(10_000 + i%chats)
		updates[i] = telegramtest.Forwarded(chat, chat, foundingScam[i%len(foundingScam)], telegramtest.OriginUser(1, "客服"))
	}
	b.ResetTimer()
	start := time.Now()
	h.api.Push(updates...)
	h.api.WaitCalls(b, "sendMessage", b.N, 10*time.Minute)
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
	p50, p99 := histogramQuantiles(b, handledMetrics(b, h, b.N), "scamguard_update_handle_seconds", 0.50, 0.99)
	b.ReportMetric(p50*1000, "p50-ms")
	b.ReportMetric(p99*1000, "p99-ms")
}

// BenchmarkLatency sends one update at a time and waits for its reply, so
// nothing queues: p50/p99 are the bot's own work per update (store round
// trips, classification, rendering), from receipt to the reply queued.
//
//	go test -run XXX -bench Latency -benchtime 500x ./bot/
func BenchmarkLatency(b *testing.B) {
	h := newHarness(b)
	h.cfg.BurstWindow = 0
	h.cfg.ChatInterval, h.cfg.GroupInterval, h.cfg.GlobalInterval = time.Nanosecond, time.Nanosecond, time.Nanosecond
	h.start()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		chat := int64(20_000 + i%5)
		h.api.Push(telegramtest.Forwarded(chat, chat, foundingScam[i%len(foundingScam)], telegramtest.OriginUser(1, "客服")))
		h.api.WaitCalls(b, "sendMessage", i+1, time.Minute)
	}
	b.StopTimer()
	p50, p99 := histogramQuantiles(b, handledMetrics(b, h, b.N), "scamguard_update_handle_seconds", 0.50, 0.99)
	b.ReportMetric(p50*1000, "p50-ms")
	b.ReportMetric(p99*1000, "p99-ms")
}

// handledMetrics waits until n updates were counted as handled (a reply
// can reach the fake before its handler records its time) and returns
// /metrics.
func handledMetrics(b *testing.B, h *harness, n int) string {
	want := fmt.Sprintf("scamguard_update_handle_seconds_count %d", n)
	deadline := time.Now().Add(time.Minute)
	for {
		metrics := h.get(b, "/metrics")
		if strings.Contains(metrics, want) || time.Now().After(deadline) {
			return metrics
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// histogramQuantiles estimates quantiles of a Prometheus histogram from
// its cumulative buckets, interpolating linearly inside a bucket as
// histogram_quantile does.
func histogramQuantiles(tb testing.TB, exposition, name string, qs ...float64) (float64, float64) {
	tb.Helper()
	type bucket struct{ le, count float64 }
	var buckets []bucket
	scanner := bufio.NewScanner(strings.NewReader(exposition))
	for scanner.Scan() {
		line := scanner.Text()
		if !strings.HasPrefix(line, name+"_bucket{le=\"") {
			continue
		}
		rest := strings.TrimPrefix(line, name+"_bucket{le=\"")
		leText, countText, _ := strings.Cut(rest, "\"} ")
		le := math.Inf(1)
		if leText != "+Inf" {
			le, _ = strconv.ParseFloat(leText, 64)
		}
		count, _ := strconv.ParseFloat(countText, 64)
		buckets = append(buckets, bucket{le, count})
	}
	sort.Slice(buckets, func(i, j int) bool { return buckets[i].le < buckets[j].le })
	if len(buckets) == 0 || buckets[len(buckets)-1].count == 0 {
		tb.Fatalf("no %s histogram in /metrics", name)
	}
	total := buckets[len(buckets)-1].count
	quantile := func(q float64) float64 {
		rank := q * total
		lower, below := 0.0, 0.0
		for _, bk := range buckets {
			if bk.count >= rank {
				if math.IsInf(bk.le, 1) {
					return lower
				}
				return lower + (bk.le-lower)*(rank-below)/math.Max(bk.count-below, 1)
			}
			lower, below = bk.le, bk.count
		}
		return lower
	}
	if len(qs) != 2 {
		panic(fmt.Sprint("want two quantiles, got ", qs))
	}
	return quantile(qs[0]), quantile(qs[1])
}
