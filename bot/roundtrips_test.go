package bot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// commandCounter counts round trips to Redis by command (a pipeline is
// one round trip, named by its commands).
type commandCounter struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *commandCounter) add(name string) {
	c.mu.Lock()
	c.counts[name]++
	c.mu.Unlock()
}

func (c *commandCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (c *commandCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		c.add(commandName(cmd))
		return next(ctx, cmd)
	}
}

// commandName is cmd's name; a script's is followed by the kind of its
// first key ("evalsha:burst" for {c:<chat>}:burst), so that the count
// tells the scripts apart.
func commandName(cmd redis.Cmder) string {
	name := cmd.Name()
	args := cmd.Args()
	if (name != "evalsha" && name != "eval") || len(args) < 4 {
		return name
	}
	if n, ok := args[2].(int); !ok || n == 0 {
		return name
	}
	key, _ := args[3].(string)
	if i := strings.LastIndex(key, "}:"); i >= 0 {
		key = key[i+2:]
	}
	return name + ":" + key
}

func (c *commandCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		var names []string
		for _, cmd := range cmds {
			if n := cmd.Name(); n != "multi" && n != "exec" {
				names = append(names, commandName(cmd))
			}
		}
		c.add("pipeline(" + strings.Join(names, "+") + ")")
		return next(ctx, cmds)
	}
}

// maxRoundTripsPerUpdate is the bound TestRoundTripsPerUpdate holds the
// bot to: measured 1.7-2.0, 1.8 most often (README, "Cost"; 3.8 before
// the webhook stored plain messages in their bursts and a burst's answer
// became two round trips, 10.9 before that), the target being 2.
// What varies is the global pace's retries (1 to 30 a run: answers that
// want the same send slot ask again); a round trip more per update, or
// two per burst, fails it. Under the race detector the
// run takes three to ten times as long, and the due-sets' polling, which
// costs by the second and not by the update, grows with it (1.9 measured
// alone, 3.0 with the whole suite on two cores): the bound there is
// looser, and still fails at the old figure (5.4).
func maxRoundTripsPerUpdate(review bool) float64 {
	bound := 2.2
	if raceDetector {
		bound = 4.0
	}
	if review {
		// The fingerprint stage looks up the answer's conversation among
		// the moderators' decided cases: one script per answer, 0.2 per
		// update in bursts of five. (A chat's first warning also asks for
		// consent to share; that settings change rides in the answer's
		// finishing pipeline.) Measured 1.9–2.0.
		bound += 0.2
	}
	return bound
}

// TestRoundTripsPerUpdate measures the Redis round trips a webhook-mode
// bot makes for bursts of forwards, from the webhook to the answers and
// their sent-marks, the consumer's and the due-sets' polling included,
// and fails above a bound that keeps them from creeping up unnoticed. A
// new connection's HELLO is counted apart: it is paid once per pooled
// connection, not per update (the pool grows to the test's concurrency
// while it runs). Not counted, because it comes later than the run: the
// send queue's safety net (its due-set entry for each chat answered is
// looked at dueGrace, 3 s, after it was queued: one claim that finds the
// chat sent and one removal, 0.4 per update here), as before.
//
// It runs twice: as configured by default, and with moderation on (a
// review queue and a moderators' chat), where a scam answer also offers
// the user a review: the case is built from the answer and the window only
// when asked for, so the bound is the same.
func TestRoundTripsPerUpdate(t *testing.T) {
	t.Parallel()
	for _, review := range []bool{false, true} {
		// One after the other: side by side they share the two cores and
		// the global pace's retries, and measure each other.
		t.Run(fmt.Sprintf("review=%v", review), func(t *testing.T) {
			roundTripsPerUpdate(t, review)
		})
	}
}

func roundTripsPerUpdate(t *testing.T, review bool) {
	h := webhookHarness(t)
	if review {
		h.enableReview(-100990, 42)
	}
	// Nothing is taken over here: the consumer's claims and renewals would
	// only add their polling to the count.
	h.cfg.IntakeClaimAfter = time.Minute
	counter := &commandCounter{counts: map[string]int{}}
	server := serve(t, h)
	// One burst first, uncounted: a running bot has its scripts loaded
	// (a first EVALSHA answered NOSCRIPT costs an EVAL more) and its
	// connections open.
	warmChat, firstChat := int64(7099), int64(7100)
	if review {
		warmChat, firstChat = 7199, 7200
	}
	for _, line := range foundingScam[:5] {
		upd := telegramtest.Forwarded(warmChat, warmChat, line, telegramtest.OriginUser(777000, "客服"))
		upd.ID = webhookMarkerIDs.Add(1)
		if code := post(t, h, server, upd); code != http.StatusOK {
			t.Fatalf("webhook answered %d", code)
		}
	}
	h.waitSent(warmChat, 1)
	h.store.Client().AddHook(counter)
	const chats, perBurst = 20, 5
	started := time.Now()
	for i := range chats {
		chat := firstChat + int64(i)
		for _, line := range foundingScam[:perBurst] {
			upd := telegramtest.Forwarded(chat, chat, line, telegramtest.OriginUser(777000, "客服"))
			upd.ID = webhookMarkerIDs.Add(1)
			if code := post(t, h, server, upd); code != http.StatusOK {
				t.Fatalf("webhook answered %d", code)
			}
		}
	}
	deadline := time.Now().Add(time.Minute)
	for i := range chats {
		for len(h.sent(firstChat+int64(i))) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("chat %d not answered", firstChat+int64(i))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// Telegram has every answer; the bot still owes Redis what follows a
	// send (the sent-mark): counted too, up to the last chat's queue gone,
	// watched on a connection of the test's own.
	watch := redis.NewClient(&redis.Options{Addr: h.redis.Addr})
	defer watch.Close()
	for i := range chats {
		chat := firstChat + int64(i)
		waitKeysGone(t, watch, deadline, fmt.Sprintf("chat %d: the answer is still queued after it was sent", chat),
			fmt.Sprintf("{c:%d}:sendq", chat))
	}
	took := time.Since(started)
	counter.mu.Lock()
	defer counter.mu.Unlock()
	total, dials := 0, 0
	var parts []string
	for name, n := range counter.counts {
		if name == "hello" {
			dials += n
			continue
		}
		total += n
		parts = append(parts, fmt.Sprintf("%s %d", name, n))
	}
	slices.Sort(parts)
	updates := chats * perBurst
	perUpdate := float64(total) / float64(updates)
	t.Logf("review queue %v: %d updates in %d bursts answered in %v: %d round trips, %.2f per update (and %d new connections): %s",
		review, updates, chats, took.Round(time.Millisecond), total, perUpdate, dials, strings.Join(parts, ", "))
	if bound := maxRoundTripsPerUpdate(review); perUpdate > bound {
		t.Errorf("%.2f Redis round trips per update, want at most %.1f", perUpdate, bound)
	}
}

// BenchmarkWebhook measures the bot in webhook mode with real Redis and the
// fake Bot API, one replica and then two on one redis-server: b.N
// forwards in bursts of five (b.N/5 chats), posted by 16 senders (each
// chat's messages in order, to a random replica), until every burst is
// answered. It reports updates/s, Redis round trips and commands per
// update and per answer, and p50/p99 of scamguard_burst_lag_seconds
// (first message accepted → the answer's first send attempt, the 100 ms
// burst window included).
//
//	go test -run XXX -bench Webhook -benchtime 2000x ./bot/
func BenchmarkWebhook(b *testing.B) {
	for _, replicas := range []int{1, 2} {
		b.Run(fmt.Sprintf("replicas=%d", replicas), func(b *testing.B) {
			benchmarkWebhook(b, replicas)
		})
	}
}

func benchmarkWebhook(b *testing.B, replicas int) {
	const perBurst, window = 5, 100 * time.Millisecond
	first := webhookHarness(b)
	first.cfg.BurstWindow = window
	first.cfg.IntakeClaimAfter = time.Minute
	first.cfg.ChatInterval, first.cfg.GroupInterval, first.cfg.GlobalInterval = time.Nanosecond, time.Nanosecond, time.Nanosecond
	bots := []*harness{first}
	servers := []*httptest.Server{serve(b, first)}
	for range replicas - 1 {
		other := &harness{t: first.t, api: first.api, redis: first.redis, cfg: first.cfg}
		other.store = other.openStore()
		bots = append(bots, other)
		servers = append(servers, serve(b, other))
	}
	counter := &commandCounter{counts: map[string]int{}}
	for _, h := range bots {
		h.store.Client().AddHook(counter)
	}
	chats := max(b.N/perBurst, 1)
	updates := chats * perBurst
	base := int64(500_000 + 10_000*replicas)
	commandsBefore := commandCalls(b, first)
	b.ResetTimer()
	started := time.Now()
	work := make(chan int64)
	var senders sync.WaitGroup
	for range 16 {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for chat := range work {
				for _, line := range foundingScam[:perBurst] {
					upd := telegramtest.Forwarded(chat, chat, line, telegramtest.OriginUser(777000, "客服"))
					upd.ID = webhookMarkerIDs.Add(1)
					i := rand.IntN(len(servers))
					if code := post(b, bots[i], servers[i], upd); code != http.StatusOK {
						b.Errorf("webhook answered %d", code)
					}
				}
			}
		}()
	}
	for i := range chats {
		work <- base + int64(i)
	}
	close(work)
	senders.Wait()
	first.api.WaitCalls(b, "sendMessage", chats, 10*time.Minute)
	elapsed := time.Since(started)
	b.StopTimer()
	commands := commandCalls(b, first) - commandsBefore
	counter.mu.Lock()
	trips := 0
	for name, n := range counter.counts {
		if name != "hello" {
			trips += n
		}
	}
	counter.mu.Unlock()
	var expositions []string
	for _, h := range bots {
		expositions = append(expositions, h.get(b, "/metrics"))
	}
	p50, p99 := histogramQuantiles(b, mergeHistograms(expositions, "scamguard_burst_lag_seconds"), "scamguard_burst_lag_seconds", 0.50, 0.99)
	b.ReportMetric(float64(updates)/elapsed.Seconds(), "updates/s")
	b.ReportMetric(float64(updates)/elapsed.Seconds()/float64(runtime.GOMAXPROCS(0)), "updates/s/core")
	b.ReportMetric(float64(trips)/float64(updates), "trips/update")
	b.ReportMetric(float64(trips)/float64(chats), "trips/answer")
	b.ReportMetric(float64(commands)/float64(updates), "cmds/update")
	b.ReportMetric(float64(commands)/float64(chats), "cmds/answer")
	b.ReportMetric(p50*1000, "lag-p50-ms")
	b.ReportMetric(p99*1000, "lag-p99-ms")
}

// commandCalls is how many commands Redis ran in all (INFO commandstats).
func commandCalls(b *testing.B, h *harness) int64 {
	info, err := h.store.Client().Info(context.Background(), "commandstats").Result()
	if err != nil {
		b.Fatal(err)
	}
	var total int64
	for _, line := range strings.Split(info, "\n") {
		_, rest, ok := strings.Cut(line, ":calls=")
		if !ok || strings.HasPrefix(line, "cmdstat_info:") {
			continue
		}
		n, _ := strconv.ParseInt(strings.SplitN(rest, ",", 2)[0], 10, 64)
		total += n
	}
	return total
}

// mergeHistograms sums one histogram's buckets over several replicas'
// /metrics, as an exposition histogramQuantiles reads.
func mergeHistograms(expositions []string, name string) string {
	sums := map[string]float64{}
	var order []string
	for _, exposition := range expositions {
		for _, line := range strings.Split(exposition, "\n") {
			if !strings.HasPrefix(line, name+"_bucket{") {
				continue
			}
			i := strings.LastIndexByte(line, ' ')
			n, _ := strconv.ParseFloat(line[i+1:], 64)
			if _, seen := sums[line[:i]]; !seen {
				order = append(order, line[:i])
			}
			sums[line[:i]] += n
		}
	}
	var out strings.Builder
	for _, bucket := range order {
		fmt.Fprintf(&out, "%s %g\n", bucket, sums[bucket])
	}
	return out.String()
}
