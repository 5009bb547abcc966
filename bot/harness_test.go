package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot"
	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/catalog"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/llm"
	"github.com/scamguard/scamguard/reply"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/screenshot"
	"github.com/scamguard/scamguard/store"
	"github.com/scamguard/scamguard/store/storetest"
	"github.com/scamguard/scamguard/transcribe"
)

// engine is the classifier, replies and catalogue, built once: they are
// immutable and take a while to load.
var engine = sync.OnceValues(func() (bot.Deps, error) {
	cat, err := catalog.Load()
	if err != nil {
		return bot.Deps{}, err
	}
	set, err := classifier.LoadSignals(classifier.EmbeddedSignals())
	if err != nil {
		return bot.Deps{}, err
	}
	c, err := classifier.New(set, classifier.BrandsFromCatalog(cat.ImpersonableBrands()))
	if err != nil {
		return bot.Deps{}, err
	}
	replies, err := reply.New(cat)
	if err != nil {
		return bot.Deps{}, err
	}
	return bot.Deps{Classifier: c, Replies: replies, Catalog: cat}, nil
})

// harness is one bot talking to a fake Bot API and a real redis-server.
type harness struct {
	t     testing.TB
	api   *telegramtest.Server
	redis *storetest.Server
	store *store.Store
	cfg   bot.Config
	// review, when set (enableReview), is the moderators' queue.
	review  *review.Queue
	modChat int64
	judge   *llm.Judge
	console review.ConsoleConfig
	// screenshots and transcriber, when set, read photos and voice notes.
	screenshots *screenshot.Reader
	transcriber *transcribe.Transcriber
	// beforeHandle is installed before the bot runs (see export_test.go).
	beforeHandle func(*models.Update)
	// logTo, when set, receives the bot's log at debug level (tests that
	// read what the bot logs).
	logTo io.Writer

	bot    *bot.Bot
	cancel context.CancelFunc
	done   chan error
}

// testConfig answers fast: tests wait for bursts and pacing in real time.
func testConfig(api *telegramtest.Server) bot.Config {
	return bot.Config{
		Token:           api.Token(),
		APIURL:          api.URL(),
		BurstWindow:     300 * time.Millisecond,
		ChatInterval:    5 * time.Millisecond,
		GroupInterval:   5 * time.Millisecond,
		GlobalInterval:  time.Millisecond,
		PollTimeout:     2 * time.Second,
		ShutdownTimeout: 10 * time.Second,
		MetricsToken:    "test-metrics-token",
	}
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	api := telegramtest.New(t)
	redis := storetest.StartServer(t)
	h := &harness{t: t, api: api, redis: redis, cfg: testConfig(api)}
	h.store = h.openStore()
	return h
}

// enableReview gives the bot a moderators' queue with moderators and a
// moderators' group.
func (h *harness) enableReview(modChat int64, moderators ...int64) {
	h.review = review.New(h.store, review.Config{Moderators: review.NewModerators(moderators...)})
	h.modChat = modChat
}

// enableLLM gives the bot an LLM judge on baseURL (an OpenAI-compatible
// server), with the Redis cache and no hourly caps.
func (h *harness) enableLLM(baseURL string, timeout time.Duration) {
	h.t.Helper()
	deps, err := engine()
	if err != nil {
		h.t.Fatal(err)
	}
	cfg := llm.DefaultConfig()
	cfg.APIKey, cfg.BaseURL, cfg.Timeout = "sk-test", baseURL, timeout
	cfg.UserPerHour, cfg.GlobalPerHour = 0, 0
	h.judge, err = llm.New(cfg, deps.Catalog, llm.StoreCache(h.store), llm.StoreBudget(h.store, 0, 0), quietLog())
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) openStore() *store.Store {
	h.t.Helper()
	st, err := store.Open(context.Background(), store.Config{Addrs: []string{h.redis.Addr}}, quietLog())
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(func() { st.Close() })
	return st
}

func quietLog() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// start builds the bot and runs it (long polling) until stop.
func (h *harness) start() {
	h.t.Helper()
	deps, err := engine()
	if err != nil {
		h.t.Fatal(err)
	}
	deps.Store = h.store
	deps.Log = quietLog()
	if h.logTo != nil {
		deps.Log = slog.New(slog.NewTextHandler(h.logTo, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	deps.Review, deps.ModChat = h.review, h.modChat
	deps.Judge = h.judge
	deps.Console = h.console
	deps.Screenshots, deps.Transcriber = h.screenshots, h.transcriber
	b, err := bot.New(context.Background(), h.cfg, deps)
	if err != nil {
		h.t.Fatal(err)
	}
	if h.beforeHandle != nil {
		b.SetBeforeHandle(h.beforeHandle)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.bot, h.cancel, h.done = b, cancel, make(chan error, 1)
	go func() { h.done <- b.Run(ctx) }()
	h.t.Cleanup(func() { h.stop() })
}

// stop stops the bot gracefully and returns Run's error.
func (h *harness) stop() error {
	if h.cancel == nil {
		return nil
	}
	h.cancel()
	h.cancel = nil
	select {
	case err := <-h.done:
		return err
	case <-time.After(30 * time.Second):
		h.t.Fatal("bot did not stop within 30s")
		return nil
	}
}

// sent returns the sendMessage calls to chat.
func (h *harness) sent(chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range h.api.Calls("sendMessage") {
		if c.Params["chat_id"] == itoa(chat) && !c.Failed {
			out = append(out, c)
		}
	}
	return out
}

// waitSent waits until chat got n messages, then a little longer to catch
// any extra one, and returns them all.
func (h *harness) waitSent(chat int64, n int) []telegramtest.Call {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if got := h.sent(chat); len(got) >= n {
			time.Sleep(h.cfg.BurstWindow + 200*time.Millisecond)
			return h.sent(chat)
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("chat %d got %d messages, want %d: %v", chat, len(h.sent(chat)), n, texts(h.sent(chat)))
	return nil
}

// settle proves that nothing more comes to the private chat from what was
// pushed before: it sends /help as a marker and waits for its answer. A
// chat's updates run in order on its lane and its messages leave in order
// through the send queue, so anything the earlier updates sent arrives
// before the marker's answer. It returns what chat got before that answer;
// the answer itself stays in h.sent(chat).
func (h *harness) settle(chat int64) []telegramtest.Call {
	h.t.Helper()
	before := len(h.sent(chat))
	h.api.Push(telegramtest.Text(chat, chat, "/help"))
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		got := h.sent(chat)
		for i := before; i < len(got); i++ {
			if isHelp(got[i].Params["text"]) {
				return got[:i]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	h.t.Fatalf("chat %d never answered the /help marker: %q", chat, texts(h.sent(chat)))
	return nil
}

// isHelp reports whether text is the private /help answer (texts.yaml).
func isHelp(text string) bool {
	return strings.HasPrefix(text, "Forward the suspicious messages to me") || strings.HasPrefix(text, "把可疑")
}

func texts(calls []telegramtest.Call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Params["text"])
	}
	return out
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

// forwardBurst pushes lines as messages forwarded from a stranger, the way
// Telegram delivers a multi-select forward: one update each.
func (h *harness) forwardBurst(chat int64, lines ...string) []models.Update {
	var updates []models.Update
	for _, line := range lines {
		updates = append(updates, telegramtest.Forwarded(chat, chat, line, telegramtest.OriginUser(777000+chat, "客服")))
	}
	h.api.Push(updates...)
	return updates
}

// keys lists the Redis keys of chat.
func (h *harness) keys(chat int64) []string {
	h.t.Helper()
	keys, err := h.store.Client().Keys(context.Background(), h.store.ChatKeyPattern(chat)).Result()
	if err != nil {
		h.t.Fatal(err)
	}
	return keys
}

func contains(t testing.TB, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("reply lacks %q:\n%s", w, text)
		}
	}
}
