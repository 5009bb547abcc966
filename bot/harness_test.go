package bot_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"
	"github.com/redis/go-redis/v9"

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
	// modLang is the moderators' group's language (SCAMGUARD_MOD_LANG).
	modLang string
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

	// markers are the message ids of the markers pushed (quiesce).
	markerMu sync.Mutex
	markers  map[int]bool
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
	deps.Review, deps.ModChat, deps.ModLang = h.review, h.modChat, h.modLang
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

// sent returns the messages delivered to chat (sendMessage calls that
// succeeded), without the answers to markers (quiesce).
func (h *harness) sent(chat int64) []telegramtest.Call {
	var out []telegramtest.Call
	for _, c := range h.api.Calls("sendMessage") {
		if c.Params["chat_id"] == itoa(chat) && !c.Failed && !h.answersMarker(c) {
			out = append(out, c)
		}
	}
	return out
}

// waitSent waits until chat got n messages, then until nothing more can
// come from the updates pushed so far (quiesce), and returns every message
// chat got: a test that wants exactly n sees an extra one.
func (h *harness) waitSent(chat int64, n int) []telegramtest.Call {
	h.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for len(h.sent(chat)) < n {
		if time.Now().After(deadline) {
			h.t.Fatalf("chat %d got %d messages, want %d: %v", chat, len(h.sent(chat)), n, texts(h.sent(chat)))
		}
		time.Sleep(10 * time.Millisecond)
	}
	h.quiesce(chat)
	return h.sent(chat)
}

// settle proves that nothing more comes to chat from what was pushed
// before (quiesce) and returns what chat got.
func (h *harness) settle(chat int64) []telegramtest.Call {
	h.t.Helper()
	h.quiesce(chat)
	return h.sent(chat)
}

// webhookMarkerIDs number the markers handed to a webhook-mode bot, far
// above the fake's own update ids.
var webhookMarkerIDs atomic.Int64

func init() { webhookMarkerIDs.Store(1 << 41) }

// markerUser sends the markers: nobody's moderator, guardian or ward.
var markerUser = telegramtest.User(1<<40, "Marker")

// quiesce proves with markers, not time, that nothing more comes to chat
// from the updates pushed so far. A marker is a command whose answer
// replies to it, sent by markerUser: /stats in private chats and the
// moderators' group (refused: not a moderator), /help in other groups;
// sent leaves its answer out. Each chat's updates run in order on its lane
// and each chat's messages leave in order, so it takes two rounds: a marker
// in every chat updates came from, answered once every earlier update
// there was handled and whatever it sends anywhere (a reply, a moderators'
// card, a guardian's alert) was queued; then one in chat, answered once
// everything queued for chat before it was sent. A private chat's burst
// still open when its marker is handled answers later: wait for a burst's
// answer before quiescing.
func (h *harness) quiesce(chat int64) {
	h.t.Helper()
	var first []models.Update
	for _, id := range h.api.ChatsSeen() {
		if upd, ok := h.marker(id); ok {
			first = append(first, upd)
		}
	}
	h.awaitMarkers(first)
	if upd, ok := h.marker(chat); ok {
		h.awaitMarkers([]models.Update{upd})
	}
}

// marker builds a marker for chat and remembers it; ok is false for a chat
// the bot cannot write to (blocked, kicked, migrated) or a channel.
func (h *harness) marker(chat int64) (upd models.Update, ok bool) {
	known, reachable := h.api.Chat(chat)
	if !reachable {
		return upd, false
	}
	switch {
	case known.Type == models.ChatTypePrivate:
		upd = telegramtest.Text(chat, markerUser.ID, "/stats")
	case h.modChat != 0 && chat == h.modChat:
		upd = telegramtest.GroupText(chat, markerUser, "/stats")
	case known.Type == models.ChatTypeGroup || known.Type == models.ChatTypeSupergroup:
		upd = telegramtest.GroupText(chat, markerUser, "/help")
	default:
		return upd, false
	}
	from := markerUser
	upd.Message.Chat, upd.Message.From = known, &from
	h.markerMu.Lock()
	if h.markers == nil {
		h.markers = map[int]bool{}
	}
	h.markers[upd.Message.ID] = true
	h.markerMu.Unlock()
	return upd, true
}

// awaitMarkers pushes markers and waits until each is answered.
func (h *harness) awaitMarkers(markers []models.Update) {
	h.t.Helper()
	if len(markers) == 0 {
		return
	}
	if h.cfg.WebhookURL == "" {
		h.api.Push(markers...)
	} else {
		// Webhook mode: the test posts updates itself and each is stored
		// in the intake before its 200, so a marker stored now is read
		// after them.
		for i := range markers {
			markers[i].ID = webhookMarkerIDs.Add(1)
			if err := h.bot.StoreUpdate(&markers[i]); err != nil {
				h.t.Fatal(err)
			}
		}
	}
	// A deadline, not a wait: markers come back in well under a second;
	// 30 s leaves room for the whole suite under -race on two shared cores
	// (a group's marker waits for the group's pace behind its earlier
	// messages).
	deadline := time.Now().Add(30 * time.Second)
	for {
		answered := map[int]bool{}
		for _, c := range h.api.Calls("sendMessage") {
			if !c.Failed {
				answered[repliesTo(c)] = true
			}
		}
		var waiting []int64
		for _, m := range markers {
			if !answered[m.Message.ID] {
				waiting = append(waiting, m.Message.Chat.ID)
			}
		}
		if len(waiting) == 0 {
			return
		}
		if time.Now().After(deadline) {
			h.t.Fatalf("chats %v never answered their marker", waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// answersMarker reports whether c is the answer to a marker.
func (h *harness) answersMarker(c telegramtest.Call) bool {
	id := repliesTo(c)
	h.markerMu.Lock()
	defer h.markerMu.Unlock()
	return id != 0 && h.markers[id]
}

// repliesTo is the message id a sendMessage call replies to, 0 if none.
func repliesTo(c telegramtest.Call) int {
	var reply struct {
		MessageID int `json:"message_id"`
	}
	if json.Unmarshal([]byte(c.Params["reply_parameters"]), &reply) != nil {
		return 0
	}
	return reply.MessageID
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

// keysAfterForget waits for chat's keys to go after a /forget was
// answered, and returns those left: the confirmation's own entry in the
// send queue goes once Telegram accepted it, and the chat's pace a
// ChatInterval later.
func (h *harness) keysAfterForget(chat int64) []string {
	h.t.Helper()
	var left []string
	deadline := time.Now().Add(5 * time.Second)
	for left = h.keys(chat); len(left) != 0 && time.Now().Before(deadline); left = h.keys(chat) {
		time.Sleep(10 * time.Millisecond)
	}
	return left
}

func contains(t testing.TB, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("reply lacks %q:\n%s", w, text)
		}
	}
}

// waitKeysGone polls, through client, until none of keys exists (a chat's
// send queue emptied after its last message was acknowledged), failing
// with what once deadline passes.
func waitKeysGone(t testing.TB, client redis.Cmdable, deadline time.Time, what string, keys ...string) {
	t.Helper()
	for {
		n, err := client.Exists(context.Background(), keys...).Result()
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
