package sendqueue

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	tgbot "github.com/go-telegram/bot"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
)

// The queue's tests run two queues (two replicas) on one real
// redis-server and the fake Bot API, and read what Telegram was sent.

// openStore opens the store on redis (nil: the embedded one).
func openStore(t testing.TB, redis *storetest.Server) *store.Store {
	t.Helper()
	cfg := store.Config{}
	if redis != nil {
		cfg.URL = "redis://" + redis.Addr
	}
	s, err := store.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newQueue is one replica's queue on s, calling the Bot API at apiURL
// (the fake's, or a stand-in in front of it) with the fake's token.
func newQueue(t testing.TB, s *store.Store, api *telegramtest.Server, apiURL string, cfg Config) *Queue {
	t.Helper()
	cfg.Keyspace, cfg.APIURL, cfg.Token = s.Keyspace(), apiURL, api.Token()
	q := New(cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry())
	t.Cleanup(func() { q.kill() })
	return q
}

// kill stops q as a killed process would: no drain, no claim given back,
// no renewal.
func (q *Queue) kill() {
	q.cancel()
}

// text is a sendMessage to chat.
func text(chat int64, s string) Message {
	return Message{Method: "sendMessage", Params: &tgbot.SendMessageParams{ChatID: chat, Text: s}}
}

// delivered are the texts Telegram accepted, by chat, in the order it got them.
func delivered(api *telegramtest.Server) map[int64][]string {
	byChat := map[int64][]string{}
	for _, call := range api.Calls("sendMessage") {
		if call.Failed {
			continue
		}
		chat, _ := strconv.ParseInt(call.Params["chat_id"], 10, 64)
		byChat[chat] = append(byChat[chat], call.Params["text"])
	}
	return byChat
}

// waitSent waits until Telegram accepted n messages.
func waitSent(t *testing.T, api *telegramtest.Server, n int, timeout time.Duration) []telegramtest.Call {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		calls := api.Calls("sendMessage")
		var ok []telegramtest.Call
		for _, call := range calls {
			if !call.Failed {
				ok = append(ok, call)
			}
		}
		if len(ok) >= n {
			return ok
		}
		left := time.Until(deadline)
		if left <= 0 {
			t.Fatalf("%d of %d messages delivered after %v", len(ok), n, timeout)
		}
		api.WaitCalls(t, "sendMessage", len(calls)+1, left)
	}
}

// waitEmpty waits until nothing is queued for chat (the last message
// sent was marked).
func waitEmpty(t *testing.T, q *Queue, chat int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		n, err := q.length(context.Background(), chat)
		if err == nil && n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("chat %d still has %d queued (%v)", chat, n, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func counter(t *testing.T, c prometheus.Collector) float64 {
	t.Helper()
	ch := make(chan prometheus.Metric, 1)
	c.Collect(ch)
	var m dto.Metric
	if err := (<-ch).Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}

// TestTwoReplicasShareTheGlobalRate: two queues on one Redis, each with
// 30 messages for chats of its own and a global limit of 20/s: Telegram
// never gets more than 20 (+1 for the window's edges) in any second.
func TestTwoReplicasShareTheGlobalRate(t *testing.T) {
	const perSecond, each = 20, 30
	redis := storetest.StartServer(t)
	api := telegramtest.New(t)
	cfg := Config{GlobalInterval: time.Second / perSecond, ChatCap: 100}
	replicas := []*Queue{newQueue(t, openStore(t, redis), api, api.URL(), cfg), newQueue(t, openStore(t, redis), api, api.URL(), cfg)}
	for i := range each {
		for r, q := range replicas {
			chat := int64(1000*(r+1) + i%10)
			if !q.Send(chat, false, "reply", text(chat, fmt.Sprint(i))) {
				t.Fatal("a message was refused")
			}
		}
	}
	calls := waitSent(t, api, 2*each, 30*time.Second)
	worst, at := maxInWindow(calls, time.Second)
	t.Logf("%d messages from 2 replicas in %v; at most %d in one second (from %s); limit %d/s",
		len(calls), calls[len(calls)-1].At.Sub(calls[0].At).Round(time.Millisecond), worst, at.Format("15:04:05.000"), perSecond)
	if worst > perSecond+1 {
		t.Errorf("%d messages reached Telegram within one second; the shared limit is %d/s", worst, perSecond)
	}
	// The pace reserves: a message waiting on it asks for its slot once
	// and looks at the hold once before sending (both read Redis's TIME,
	// which nothing else here calls), not once per interval it waits.
	times := storetest.CommandCalls(t, replicas[0].cfg.Keyspace.Client)["time"]
	t.Logf("the pace's scripts read TIME %d times for %d messages", times, len(calls))
	if times > int64(2*len(calls)) {
		t.Errorf("the pace was asked %d times for %d messages, want at most 2 each", times, len(calls))
	}
}

// maxInWindow is the most calls whose arrival falls in one window.
func maxInWindow(calls []telegramtest.Call, window time.Duration) (int, time.Time) {
	times := make([]time.Time, len(calls))
	for i, c := range calls {
		times[i] = c.At
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	worst, at := 0, time.Time{}
	for i := range times {
		j := sort.Search(len(times), func(j int) bool { return !times[j].Before(times[i].Add(window)) })
		if j-i > worst {
			worst, at = j-i, times[i]
		}
	}
	return worst, at
}

// TestA429HoldsEveryReplica: Telegram answers one replica 429 with
// retry_after 2; the other replica, which got no 429, sends nothing
// either until the 2 s are over.
func TestA429HoldsEveryReplica(t *testing.T) {
	redis := storetest.StartServer(t)
	api := telegramtest.New(t)
	first := newQueue(t, openStore(t, redis), api, api.URL(), Config{})
	second := newQueue(t, openStore(t, redis), api, api.URL(), Config{})
	api.Fail("sendMessage", http.StatusTooManyRequests, 2, 1)
	first.Send(1, false, "reply", text(1, "held"))
	refused := api.WaitCalls(t, "sendMessage", 1, 10*time.Second)[0]
	if refused.Code != http.StatusTooManyRequests {
		t.Fatalf("first call answered %d, want the scripted 429", refused.Code)
	}
	// The hold binds the other replica from when the first wrote it: a
	// send that slips in between Telegram's 429 and that write cannot
	// know of it (the second replica queues at once, claiming as it
	// queues, so it would be the one tested).
	deadline := time.Now().Add(10 * time.Second)
	for first.cfg.Keyspace.Client.Exists(context.Background(), first.keys.hold()).Val() == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the 429's hold never reached Redis")
		}
		time.Sleep(time.Millisecond)
	}
	second.Send(2, false, "reply", text(2, "other replica"))
	for _, call := range waitSent(t, api, 2, 15*time.Second) {
		if early := call.At.Sub(refused.At); early < 2*time.Second {
			t.Errorf("%q reached Telegram %v after the 429 with retry_after 2 s", call.Params["text"], early.Round(time.Millisecond))
		}
	}
}

// hangingAPI is a Bot API that never answers until the test ends: a
// replica calling it is stuck mid-call, as one killed there would be.
func hangingAPI(t *testing.T) (url string, calls <-chan struct{}) {
	release := make(chan struct{})
	got := make(chan struct{}, 1000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
		http.Error(w, "gone", http.StatusServiceUnavailable)
	}))
	t.Cleanup(func() {
		close(release)
		srv.Close()
	})
	return srv.URL, got
}

// TestAKilledReplicasMessagesAreSentOnceByTheOther: a replica queues 3
// messages in each of 10 chats and is killed while its calls for the
// first of them hang; the other replica, on the same Redis, sends every
// one of the 30, once each, in each chat's order, once the dead one's
// leases lapse.
func TestAKilledReplicasMessagesAreSentOnceByTheOther(t *testing.T) {
	const chats, each = 10, 3
	redis := storetest.StartServer(t)
	api := telegramtest.New(t)
	stuck, calls := hangingAPI(t)
	lease := 500 * time.Millisecond
	dying := newQueue(t, openStore(t, redis), api, stuck, Config{Lease: lease})
	for i := range each {
		for chat := int64(1); chat <= chats; chat++ {
			if !dying.Send(chat, false, "reply", text(chat, fmt.Sprint(i))) {
				t.Fatal("a message was refused")
			}
		}
	}
	<-calls // it is mid-call for at least one chat
	dying.kill()

	survivor := newQueue(t, openStore(t, redis), api, api.URL(), Config{Lease: lease})
	waitSent(t, api, chats*each, 30*time.Second)
	want := make([]string, each)
	for i := range want {
		want[i] = fmt.Sprint(i)
	}
	got := delivered(api)
	for chat := int64(1); chat <= chats; chat++ {
		if !slices.Equal(got[chat], want) {
			t.Errorf("chat %d got %q, want %q once each, in order", chat, got[chat], want)
		}
	}
	// Nothing more comes: every chat's queue empties in Redis.
	for chat := int64(1); chat <= chats; chat++ {
		waitEmpty(t, survivor, chat)
	}
	if redelivered := counter(t, survivor.metrics.redeliveries); redelivered < 1 {
		t.Errorf("scamguard_send_redeliveries_total = %v; the dead replica's claims were not taken over", redelivered)
	}
}

// gatedAPI forwards to the fake Bot API, holding the first call until
// release is closed.
func gatedAPI(t *testing.T, api *telegramtest.Server) (url string, first <-chan struct{}, release chan struct{}) {
	target, _ := neturl(api.URL())
	proxy := httputil.NewSingleHostReverseProxy(target)
	firstCall := make(chan struct{})
	release = make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		held := false
		once.Do(func() { held = true; close(firstCall) })
		if held {
			<-release
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, firstCall, release
}

func neturl(s string) (*url.URL, error) { return url.Parse(s) }

// TestAChatCannotFillTheQueue: while a chat's first message is being
// sent, only ChatCap more wait for it, over both replicas; the rest are
// refused and counted, and another chat is not held back by it.
func TestAChatCannotFillTheQueue(t *testing.T) {
	const spammer, other, capacity = 1, 2, 4
	redis := storetest.StartServer(t)
	api := telegramtest.New(t)
	gated, first, release := gatedAPI(t, api)
	replicas := []*Queue{
		newQueue(t, openStore(t, redis), api, gated, Config{ChatCap: capacity}),
		newQueue(t, openStore(t, redis), api, gated, Config{ChatCap: capacity}),
	}
	replicas[0].Send(spammer, false, "command", text(spammer, "first"))
	<-first // being sent: it no longer waits
	accepted := 0
	for i := range 100 {
		if replicas[i%2].Send(spammer, false, "command", text(spammer, fmt.Sprint(i))) {
			accepted++
		}
	}
	if accepted != capacity {
		t.Errorf("%d messages accepted behind the one being sent, want %d", accepted, capacity)
	}
	dropped := counter(t, replicas[0].metrics.dropped.WithLabelValues("command")) + counter(t, replicas[1].metrics.dropped.WithLabelValues("command"))
	if dropped != 100-capacity {
		t.Errorf("scamguard_send_dropped_total = %v, want %d", dropped, 100-capacity)
	}
	replicas[1].Send(other, false, "reply", text(other, "not held back"))
	waitSent(t, api, 1, 10*time.Second) // while the spammer's first still hangs
	if got := delivered(api)[other]; len(got) != 1 {
		t.Errorf("the other chat got %q while the spammer's first message was being sent", got)
	}
	close(release)
	waitSent(t, api, capacity+2, 10*time.Second)
	if got := delivered(api)[spammer]; len(got) != capacity+1 {
		t.Errorf("the spammer got %d messages, want %d", len(got), capacity+1)
	}
}

// TestOrderInAChatSurvivesRetriesAndReplicas: ten messages for one chat,
// queued alternately by two replicas, with Telegram failing (500 twice,
// then a 429): they arrive once each, in the order queued.
func TestOrderInAChatSurvivesRetriesAndReplicas(t *testing.T) {
	const chat = 7
	redis := storetest.StartServer(t)
	api := telegramtest.New(t)
	replicas := []*Queue{newQueue(t, openStore(t, redis), api, api.URL(), Config{}), newQueue(t, openStore(t, redis), api, api.URL(), Config{})}
	api.Fail("sendMessage", http.StatusInternalServerError, 0, 2)
	api.Fail("sendMessage", http.StatusTooManyRequests, 1, 1)
	var want []string
	for i := range 10 {
		want = append(want, fmt.Sprint(i))
		if !replicas[i%2].Send(chat, false, "reply", text(chat, fmt.Sprint(i))) {
			t.Fatal("a message was refused")
		}
	}
	waitSent(t, api, len(want), 30*time.Second)
	if got := delivered(api)[chat]; !slices.Equal(got, want) {
		t.Errorf("the chat got %q, want %q", got, want)
	}
	retries := counter(t, replicas[0].metrics.retries) + counter(t, replicas[1].metrics.retries)
	if retries != 3 {
		t.Errorf("scamguard_send_retries_total = %v, want 3", retries)
	}
}

// TestAMessageIsQueuedOnceByItsKey: a message queued twice under one key,
// by two replicas, while waiting and after it was sent, is sent once; a
// message without a key is always queued.
func TestAMessageIsQueuedOnceByItsKey(t *testing.T) {
	const chat = 9
	redis := storetest.StartServer(t)
	api := telegramtest.New(t)
	gated, first, release := gatedAPI(t, api)
	a := newQueue(t, openStore(t, redis), api, gated, Config{})
	b := newQueue(t, openStore(t, redis), api, gated, Config{})
	answer := text(chat, "the answer")
	answer.Key = "answer:42"
	a.Send(chat, false, "reply", answer)
	<-first
	b.Send(chat, false, "reply", answer) // while it is being sent
	close(release)
	waitSent(t, api, 1, 10*time.Second)
	waitEmpty(t, a, chat)                // acked: only its sent-mark is left
	a.Send(chat, false, "reply", answer) // after it was sent
	b.Send(chat, false, "reply", text(chat, "marker"))
	waitSent(t, api, 2, 10*time.Second)
	if got, want := delivered(api)[chat], []string{"the answer", "marker"}; !slices.Equal(got, want) {
		t.Errorf("the chat got %q, want %q", got, want)
	}
}

// TestTheEmbeddedStoreSends: with no Redis server (the embedded store) the
// queue sends, paced, and a document with its upload.
func TestTheEmbeddedStoreSends(t *testing.T) {
	api := telegramtest.New(t)
	q := newQueue(t, openStore(t, nil), api, api.URL(), Config{ChatInterval: 10 * time.Millisecond, GlobalInterval: time.Millisecond})
	q.Send(5, false, "mydata", Message{Method: "sendDocument", Params: map[string]any{"caption": "yours"},
		Upload: &Upload{Field: "document", Filename: "data.json", Data: []byte(`{"a":1}`)}})
	for i := range 3 {
		q.Send(5, false, "reply", text(5, fmt.Sprint(i)))
	}
	waitSent(t, api, 3, 10*time.Second)
	doc := api.WaitCalls(t, "sendDocument", 1, 10*time.Second)[0]
	if doc.Params["document"] != `{"a":1}` || doc.Params["document.filename"] != "data.json" || doc.Params["caption"] != "yours" {
		t.Errorf("sendDocument got %v", doc.Params)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	q.Close(ctx)
}

// TestTheQueueRunsOnACluster: every script touches the keys of one slot
// (a chat's, or {send}), so two queues on a three-node Redis Cluster
// queue, claim, retry after a 429, pace and mark messages of chats spread
// over the slots, and the depth gauge reads across them.
func TestTheQueueRunsOnACluster(t *testing.T) {
	cluster := storetest.StartCluster(t)
	api := telegramtest.New(t)
	open := func() *store.Store {
		s, err := store.Open(context.Background(), store.Config{Addrs: cluster.Addrs}, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	cfg := Config{GlobalInterval: time.Millisecond}
	replicas := []*Queue{newQueue(t, open(), api, api.URL(), cfg), newQueue(t, open(), api, api.URL(), cfg)}
	api.Fail("sendMessage", http.StatusTooManyRequests, 1, 1)
	want := map[int64][]string{}
	for i := range 4 {
		for chat := int64(1); chat <= 8; chat++ {
			msg := text(chat, fmt.Sprint(i))
			msg.Key = fmt.Sprintf("m%d", i)
			replicas[(i+int(chat))%2].Send(chat, false, "reply", msg)
			replicas[(i+int(chat)+1)%2].Send(chat, false, "reply", msg) // the same key: not queued again
			want[chat] = append(want[chat], fmt.Sprint(i))
		}
	}
	api.WaitCalls(t, "sendMessage", 1, 10*time.Second) // the 429: every send holds for 1 s
	if depth := replicas[0].depth(); depth < 1 {
		t.Errorf("the depth gauge reads %v with messages held", depth)
	}
	waitSent(t, api, 32, 30*time.Second)
	got := delivered(api)
	for chat := int64(1); chat <= 8; chat++ {
		if !slices.Equal(got[chat], want[chat]) {
			t.Errorf("chat %d got %q, want %q", chat, got[chat], want[chat])
		}
	}
}

// TestSlotsNeverLetMoreThanTheLimitThroughInASecond: the slot script
// counts whole milliseconds, so the interval is rounded up; rounded down,
// 30/s would be 33 ms slots and 31 sends in some second.
func TestSlotsNeverLetMoreThanTheLimitThroughInASecond(t *testing.T) {
	for _, perSecond := range []float64{1, 5, 20, 30, 60, 1000, 3000} {
		t.Run(strconv.FormatFloat(perSecond, 'f', -1, 64), func(t *testing.T) {
			slot := slotMillis(time.Duration(float64(time.Second) / perSecond))
			if slot < 1 {
				t.Fatalf("a slot of %d ms: no limit at all", slot)
			}
			// n slots, each at least slot ms after the one before, span
			// (n-1)·slot ms; the most in one second is the largest n whose
			// span is below 1000 ms.
			most := 999/slot + 1
			if float64(most) > perSecond {
				t.Errorf("%v/s: slots of %d ms let %d sends through in one second", perSecond, slot, most)
			}
		})
	}
}

// TestAMessageQueuedWhileTheWorkerLeavesIsSent: a worker that finds its
// chat paced leaves it to the due-set; a message queued at that moment
// (work asked again before the worker left) must not leave the chat
// marked busy for good. It failed when the paced worker returned whatever
// leave answered: the chat's later messages were never sent by this
// replica.
func TestAMessageQueuedWhileTheWorkerLeavesIsSent(t *testing.T) {
	const chat = 11
	redis := storetest.StartServer(t)
	api := telegramtest.New(t)
	// A pace longer than a worker sleeps for: the worker leaves.
	q := newQueue(t, openStore(t, redis), api, api.URL(), Config{ChatInterval: 3 * time.Second})
	if !q.Send(chat, false, "reply", text(chat, "first")) {
		t.Fatal("the first message was refused")
	}
	waitSent(t, api, 1, 10*time.Second)
	var once sync.Once
	q.afterClaim = func(c int64, claimed claim) {
		if c == chat && claimed.status == claimWait {
			// What Send does when it queued meanwhile.
			once.Do(func() { q.work(chat, 0) })
		}
	}
	if !q.Send(chat, false, "reply", text(chat, "second")) {
		t.Fatal("the second message was refused")
	}
	waitSent(t, api, 2, 15*time.Second)
	if got, want := delivered(api)[chat], []string{"first", "second"}; !slices.Equal(got, want) {
		t.Errorf("the chat got %q, want %q", got, want)
	}
}
