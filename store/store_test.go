package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/scamguard/scamguard/store/storetest"
)

// backend is a Redis the behaviour tests run against.
type backend struct {
	name string
	// open returns a store with cfg over this backend.
	open func(t *testing.T, cfg Config) *Store
}

// backends starts a single node and a three-master Cluster (real
// redis-server processes) and the embedded store, for the same table of
// behaviour tests.
func backends(t *testing.T) []backend {
	t.Helper()
	single := storetest.StartServer(t)
	cluster := storetest.StartCluster(t)
	withAddrs := func(addrs []string) func(*testing.T, Config) *Store {
		return func(t *testing.T, cfg Config) *Store {
			cfg.Addrs = addrs
			return openStore(t, cfg)
		}
	}
	return []backend{
		{"single", withAddrs([]string{single.Addr})},
		{"cluster", withAddrs(cluster.Addrs)},
		{"embedded", func(t *testing.T, cfg Config) *Store {
			cfg.URL, cfg.Addrs = "", nil
			return openStore(t, cfg)
		}},
	}
}

func openStore(t testing.TB, cfg Config) *Store {
	t.Helper()
	if cfg.Prefix == "" {
		// A prefix per test keeps tests that share a server apart.
		cfg.Prefix = fmt.Sprintf("sgtest%d:", rand.Uint32())
	}
	s, err := Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// forEachMaster runs fn on every master: SCAN and MEMORY USAGE see one
// node's keys only.
func forEachMaster(ctx context.Context, s *Store, fn func(client *redis.Client) error) error {
	if cluster, ok := s.client.(*redis.ClusterClient); ok {
		return cluster.ForEachMaster(ctx, func(ctx context.Context, client *redis.Client) error { return fn(client) })
	}
	return fn(s.client.(*redis.Client))
}

// keysMatching returns every key matching pattern on every master.
func keysMatching(t *testing.T, s *Store, pattern string) []string {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var keys []string
	err := forEachMaster(ctx, s, func(client *redis.Client) error {
		iter := client.Scan(ctx, 0, pattern, 100).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			keys = append(keys, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	})
	if err != nil {
		t.Fatalf("scan %s: %v", pattern, err)
	}
	return keys
}

func message(text string) Entry {
	return Entry{From: "other", Text: text, Time: time.Unix(1_700_000_000, 0)}
}

// countFold is a foldFunc whose state is the list of texts it has seen, so
// tests can tell whether any message was lost or folded twice.
func countFold(state []byte, pending []Entry) ([]byte, []byte, error) {
	var texts []string
	if state != nil {
		if err := json.Unmarshal(state, &texts); err != nil {
			return nil, nil, err
		}
	}
	for _, e := range pending {
		texts = append(texts, e.Text)
	}
	next, err := json.Marshal(texts)
	return next, []byte(fmt.Sprintf(`{"messages":%d}`, len(texts))), err
}

func TestBehaviour(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T, open func(*testing.T, Config) *Store)
	}{
		{"append keeps order and the cap", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{Window: 5})
			var conv Conversation
			for i := 1; i <= 8; i++ {
				var err error
				if conv, err = s.Append(ctx, -100123, message(fmt.Sprintf("message %d", i))); err != nil {
					t.Fatal(err)
				}
				if conv.Seq != int64(i) {
					t.Fatalf("append %d: seq %d", i, conv.Seq)
				}
			}
			loaded, err := s.Load(ctx, -100123)
			if err != nil {
				t.Fatal(err)
			}
			for _, got := range []Conversation{conv, loaded} {
				if len(got.Window) != 5 {
					t.Fatalf("window has %d messages, want 5", len(got.Window))
				}
				for i, e := range got.Window {
					want := fmt.Sprintf("message %d", i+4)
					if e.Text != want || e.Seq != int64(i+4) || e.From != "other" || !e.Time.Equal(time.Unix(1_700_000_000, 0)) {
						t.Errorf("window[%d] = %+v, want %q seq %d", i, e, want, i+4)
					}
				}
			}
		}},
		{"messages are stored redacted", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			conv, err := s.Append(ctx, 7, message("请拨打13812345678，卡号6222021234567890128"))
			if err != nil {
				t.Fatal(err)
			}
			if got := conv.Window[0].Text; got != "请拨打[phone]，卡号[card]" {
				t.Errorf("stored text %q", got)
			}
			raw, err := s.client.LRange(ctx, s.chatKey(7, "msgs"), 0, -1).Result()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(raw[0], "1381234") || strings.Contains(raw[0], "62220212") {
				t.Errorf("raw stored entry keeps a number: %s", raw[0])
			}
		}},
		{"load of an unknown chat is empty", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			conv, err := s.Load(ctx, 999)
			if err != nil {
				t.Fatal(err)
			}
			if conv.Seq != 0 || len(conv.Window) != 0 || conv.State != nil || conv.Verdict != nil || !conv.WarnedAt.IsZero() {
				t.Errorf("got %+v", conv)
			}
		}},
		{"save is compare-and-set and never resurrects", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			if _, err := s.Append(ctx, 5, message("hello")); err != nil {
				t.Fatal(err)
			}
			warned := time.UnixMilli(1_700_000_123_456)
			if err := s.Save(ctx, 5, Snapshot{BaseSeq: 0, Seq: 1, State: []byte(`{"s":1}`), Verdict: []byte(`{"v":1}`), WarnedAt: warned}); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(ctx, 5, Snapshot{BaseSeq: 0, Seq: 1, State: []byte(`{"s":2}`)}); !errors.Is(err, ErrConflict) {
				t.Errorf("second save on the same base: %v, want ErrConflict", err)
			}
			conv, err := s.Load(ctx, 5)
			if err != nil {
				t.Fatal(err)
			}
			if string(conv.State) != `{"s":1}` || conv.StateSeq != 1 || string(conv.Verdict) != `{"v":1}` || !conv.WarnedAt.Equal(warned) {
				t.Errorf("loaded %+v", conv)
			}
			if _, err := s.Forget(ctx, 5); err != nil {
				t.Fatal(err)
			}
			if err := s.Save(ctx, 5, Snapshot{BaseSeq: 1, Seq: 2, State: []byte(`{}`)}); !errors.Is(err, ErrGone) {
				t.Errorf("save after forget: %v, want ErrGone", err)
			}
			if keys := keysMatching(t, s, s.ChatKeyPattern(5)); len(keys) != 0 {
				t.Errorf("save after forget left %v", keys)
			}
		}},
		{"record folds every message once", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			for i := range 3 {
				_, verdict, err := record(ctx, s, 11, message(fmt.Sprintf("m%d", i)), countFold)
				if err != nil {
					t.Fatal(err)
				}
				if want := fmt.Sprintf(`{"messages":%d}`, i+1); string(verdict) != want {
					t.Errorf("verdict %s, want %s", verdict, want)
				}
			}
		}},
		{"record folds the original text of its own message", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			var seen []string
			fold := func(state []byte, pending []Entry) ([]byte, []byte, error) {
				for _, e := range pending {
					seen = append(seen, e.Text)
				}
				return []byte(`{}`), []byte(`{}`), nil
			}
			if _, _, err := record(ctx, s, 12, message("call 13812345678"), fold); err != nil {
				t.Fatal(err)
			}
			if len(seen) != 1 || seen[0] != "call 13812345678" {
				t.Errorf("fold saw %q", seen)
			}
		}},
		{"every key has a TTL but counters", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{TTL: time.Hour, SettingsTTL: 48 * time.Hour})
			if _, _, err := record(ctx, s, 21, message("hello"), countFold); err != nil {
				t.Fatal(err)
			}
			if err := s.MarkWarned(ctx, 21, time.Now()); err != nil {
				t.Fatal(err)
			}
			if err := s.SaveSettings(ctx, 21, Settings{Language: "en", Muted: true}); err != nil {
				t.Fatal(err)
			}
			if _, err := s.FirstDelivery(ctx, 777); err != nil {
				t.Fatal(err)
			}
			if err := s.CacheAnswer(ctx, "v1\nwindow", []byte(`{"level":"scam"}`)); err != nil {
				t.Fatal(err)
			}
			if err := s.Count(ctx, "degraded", 1); err != nil {
				t.Fatal(err)
			}
			keys := keysMatching(t, s, s.cfg.Prefix+"*")
			if len(keys) != 6 {
				t.Errorf("keys %v, want 6", keys)
			}
			for _, key := range keys {
				ttl, err := s.client.PTTL(ctx, key).Result()
				if err != nil {
					t.Fatal(err)
				}
				capped := key == s.cfg.Prefix+"counters"
				settings := strings.HasSuffix(key, ":settings")
				switch {
				case settings && (ttl <= 24*time.Hour || ttl > 48*time.Hour):
					t.Errorf("%s has TTL %v, want the settings TTL (48h)", key, ttl)
				case settings:
				case capped && ttl != -1*time.Nanosecond && ttl != -1*time.Millisecond:
					t.Errorf("%s has TTL %v, want none", key, ttl)
				case !capped && ttl <= 0:
					t.Errorf("%s has no TTL (%v)", key, ttl)
				case !capped && ttl > 24*time.Hour:
					t.Errorf("%s has TTL %v, longer than configured", key, ttl)
				}
			}
		}},
		{"settings round trip and come with the conversation", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			want := Settings{Language: "zh-Hant", Region: "HK", Sensitivity: "high", Muted: true}
			if err := s.SaveSettings(ctx, 31, want); err != nil {
				t.Fatal(err)
			}
			got, err := s.Settings(ctx, 31)
			if err != nil {
				t.Fatal(err)
			}
			conv, err := s.Append(ctx, 31, message("hi"))
			if err != nil {
				t.Fatal(err)
			}
			if got != want || conv.Settings != want {
				t.Errorf("settings %+v, with the conversation %+v, want %+v", got, conv.Settings, want)
			}
			if err := s.SaveSettings(ctx, 31, Settings{Region: "HK"}); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Settings(ctx, 31); got != (Settings{Region: "HK"}) {
				t.Errorf("after clearing: %+v", got)
			}
		}},
		{"updates are delivered once", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			for i, want := range []bool{true, false, false} {
				first, err := s.FirstDelivery(ctx, 424242)
				if err != nil || first != want {
					t.Errorf("delivery %d: first=%v err=%v, want %v", i, first, err, want)
				}
			}
			if first, err := s.FirstDelivery(ctx, 424243); err != nil || !first {
				t.Errorf("another update: first=%v err=%v", first, err)
			}
			// One bounded set for the bot, not a key per update.
			if n, err := s.Client().ZCard(ctx, s.polledKey()).Result(); err != nil || n != 2 {
				t.Errorf("de-duplication set holds %d ids (err %v), want 2", n, err)
			}
		}},
		{"LLM answers are cached", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			if _, found, err := s.CachedAnswer(ctx, "window"); err != nil || found {
				t.Fatalf("before caching: found=%v err=%v", found, err)
			}
			if err := s.CacheAnswer(ctx, "window", []byte("answer")); err != nil {
				t.Fatal(err)
			}
			answer, found, err := s.CachedAnswer(ctx, "window")
			if err != nil || !found || string(answer) != "answer" {
				t.Errorf("cached: %q found=%v err=%v", answer, found, err)
			}
		}},
		{"forget leaves no key of the chat", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			for _, chat := range []int64{41, 42} {
				if _, _, err := record(ctx, s, chat, message("hello"), countFold); err != nil {
					t.Fatal(err)
				}
				if err := s.SaveSettings(ctx, chat, Settings{Language: "en"}); err != nil {
					t.Fatal(err)
				}
			}
			deleted, err := s.Forget(ctx, 41)
			if err != nil {
				t.Fatal(err)
			}
			if deleted != 3 {
				t.Errorf("forget deleted %d keys, want 3", deleted)
			}
			if keys := keysMatching(t, s, s.ChatKeyPattern(41)); len(keys) != 0 {
				t.Errorf("left behind: %v", keys)
			}
			if keys := keysMatching(t, s, s.ChatKeyPattern(42)); len(keys) != 3 {
				t.Errorf("another chat's keys: %v, want 3", keys)
			}
		}},
		{"concurrent records lose nothing", func(t *testing.T, open func(*testing.T, Config) *Store) {
			const writers, each = 2, 200
			// What is measured is that nothing is lost, not how fast: a
			// loaded CI machine may take more than the default second
			// for one contended save on a Cluster.
			s := open(t, Config{Window: writers * each, OpTimeout: 10 * time.Second})
			var wg sync.WaitGroup
			errs := make(chan error, writers)
			for w := range writers {
				wg.Go(func() {
					for i := range each {
						if _, _, err := record(ctx, s, 51, message(fmt.Sprintf("w%d-%03d", w, i)), countFold); err != nil {
							errs <- err
							return
						}
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			conv, err := s.Load(ctx, 51)
			if err != nil {
				t.Fatal(err)
			}
			if conv.Seq != writers*each || len(conv.Window) != writers*each || conv.StateSeq != writers*each {
				t.Fatalf("seq %d, window %d, state seq %d, want %d", conv.Seq, len(conv.Window), conv.StateSeq, writers*each)
			}
			var folded []string
			if err := json.Unmarshal(conv.State, &folded); err != nil {
				t.Fatal(err)
			}
			for name, texts := range map[string][]string{"window": windowTexts(conv.Window), "state": folded} {
				next := make([]int, writers)
				for _, text := range texts {
					var w, i int
					fmt.Sscanf(text, "w%d-%d", &w, &i)
					if i != next[w] {
						t.Fatalf("%s: %s out of order or lost (want w%d-%03d)", name, text, w, next[w])
					}
					next[w]++
				}
				if len(texts) != writers*each {
					t.Errorf("%s holds %d messages", name, len(texts))
				}
			}
		}},
		{"one round trip appends and reads, one saves", func(t *testing.T, open func(*testing.T, Config) *Store) {
			s := open(t, Config{})
			// The first run of a script on a node is EVALSHA, NOSCRIPT,
			// EVAL: load both scripts on the chat's node before counting.
			if _, _, err := record(ctx, s, 61, message("warm up"), countFold); err != nil {
				t.Fatal(err)
			}
			counter := &roundTrips{}
			addHook(ctx, t, s, counter)
			if _, err := s.Append(ctx, 61, message("one")); err != nil {
				t.Fatal(err)
			}
			if got := counter.n.Swap(0); got != 1 {
				t.Errorf("Append took %d round trips, want 1", got)
			}
			if _, _, err := record(ctx, s, 61, message("two"), countFold); err != nil {
				t.Fatal(err)
			}
			if got := counter.n.Swap(0); got != 2 {
				t.Errorf("Record took %d round trips, want 2 (append+read, save)", got)
			}
		}},
	}
	for _, b := range backends(t) {
		t.Run(b.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) { c.run(t, b.open) })
			}
		})
	}
}

func windowTexts(window []Entry) []string {
	texts := make([]string, len(window))
	for i, e := range window {
		texts[i] = e.Text
	}
	return texts
}

// roundTrips counts what goes over the network: one command, or one
// pipeline, is one round trip.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }

func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}

func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}

// addHook counts on the node connections, not on the Cluster client, so
// that a MOVED redirect would show as the extra round trip it is.
func addHook(ctx context.Context, t *testing.T, s *Store, hook redis.Hook) {
	t.Helper()
	if cluster, ok := s.client.(*redis.ClusterClient); ok {
		err := cluster.ForEachShard(ctx, func(ctx context.Context, node *redis.Client) error {
			node.AddHook(hook)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	s.client.AddHook(hook)
}

func TestOpenEmbeddedSaysItIsNotPersisted(t *testing.T) {
	var logged strings.Builder
	s, err := Open(context.Background(), Config{}, slog.New(slog.NewTextHandler(&logged, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Embedded() {
		t.Error("no URL, but the store is not the embedded one")
	}
	if !strings.Contains(logged.String(), "not persisted") {
		t.Errorf("log %q does not say state is not persisted", logged.String())
	}
}

func TestOpenRejectsBadURL(t *testing.T) {
	_, err := Open(context.Background(), Config{URL: "http://user:secret@example:1"}, nil)
	if err == nil {
		t.Fatal("no error for an http URL")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestMain(m *testing.M) {
	// go-redis logs every failed dial; the fault tests fail dials on purpose.
	redis.SetLogger(quietLogger{})
	os.Exit(m.Run())
}

type quietLogger struct{}

func (quietLogger) Printf(context.Context, string, ...any) {}

func TestOpenFromURL(t *testing.T) {
	single := storetest.StartServer(t)
	cluster := storetest.StartCluster(t)
	clusterURL := "redis://" + cluster.Addrs[0] + "?addr=" + cluster.Addrs[1] + "&addr=" + cluster.Addrs[2]
	cases := []struct {
		name, url   string
		wantCluster bool
	}{
		{"one node", "redis://" + single.Addr + "/0", false},
		{"cluster", clusterURL, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := openStore(t, Config{URL: c.url})
			if _, isCluster := s.client.(*redis.ClusterClient); isCluster != c.wantCluster {
				t.Errorf("client %T, want cluster %v", s.client, c.wantCluster)
			}
			if _, err := s.Append(context.Background(), 1, message("hi")); err != nil {
				t.Fatal(err)
			}
		})
	}
}
